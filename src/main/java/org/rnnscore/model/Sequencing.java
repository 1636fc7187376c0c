package org.rnnscore.model;

import java.io.Serializable;

/**
 * How a recurrent layer walks its sequence and what it returns (Keras' layer options).
 *
 * @param returnSequences return every step's output (N×T×M) instead of the last (N×M)
 * @param goBackwards process the steps last to first; with returnSequences the outputs come in
 *     processing order, i.e. reversed, as Keras returns them
 * @param zeroOutputForMask at a masked step, output zeros instead of repeating the last output
 * @param stateful the layer was stateful=True: Keras carried its state from one batch to the
 *     next. rnnscore scores each row from the zero state, which is Keras' output for that row
 *     alone after reset_states(); chaining row k into row k + B as model.predict over batches
 *     does is no property of a row, and no distributed job could reproduce it
 */
public record Sequencing(boolean returnSequences, boolean goBackwards, boolean zeroOutputForMask, boolean stateful)
    implements Serializable {
  /** Keras' defaults: last output only, forwards. */
  public static final Sequencing LAST = new Sequencing(false, false, false);
  public static final Sequencing SEQUENCES = new Sequencing(true, false, false);

  /** A layer that is not stateful. */
  public Sequencing(boolean returnSequences, boolean goBackwards, boolean zeroOutputForMask) {
    this(returnSequences, goBackwards, zeroOutputForMask, false);
  }

  public Sequencing backwards() {
    return new Sequencing(returnSequences, !goBackwards, zeroOutputForMask, stateful);
  }
}
