package org.rnnscore.job;

/**
 * Incremental scoring.
 *
 * @param emit write every recurrent layer's final state after the prediction ({@link StateColumns})
 * @param initialFrom a previous run's output whose state columns start each row (joined on the
 *     key; a row without a match starts from zeros), or null
 * @param force accept states made by another model (sha256)
 */
public record StateOptions(boolean emit, String initialFrom, boolean force) {
  public static final StateOptions NONE = new StateOptions(false, null, false);

  boolean active() {
    return emit || initialFrom != null;
  }
}
