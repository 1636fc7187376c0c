package org.rnnscore.model;

/**
 * Keras {@code GlobalMaxPooling1D} and {@code GlobalAveragePooling1D} (channels_last): per
 * feature, the maximum or mean over each row's own steps; a vector per row, or with keepdims a
 * sequence of one step. The average takes only the unmasked steps when a mask reaches it (its
 * Keras class supports masking); the max does not support masking (Keras 3 drops the mask, Keras
 * 2 refuses it). No mask leaves either.
 */
public final class GlobalPooling1DLayer implements Layer {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final boolean max;
  private final boolean keepDims;

  public GlobalPooling1DLayer(String name, boolean max, boolean keepDims) {
    this.name = name;
    this.max = max;
    this.keepDims = keepDims;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String kerasClass() {
    return max ? "GlobalMaxPooling1D" : "GlobalAveragePooling1D";
  }

  public boolean max() {
    return max;
  }

  public boolean keepDims() {
    return keepDims;
  }

  @Override
  public long paramCount() {
    return 0;
  }

  @Override
  public Shape outputShape(Shape input, String source) {
    if (!input.sequence()) {
      throw new ModelFormatException("layer '" + name + "' (" + kerasClass() + ") needs a sequence, but " + source
          + " gives one vector per row (" + input.kerasText() + ")");
    }
    return keepDims ? Shape.sequence(1, input.width()) : Shape.vector(input.width());
  }

  /** Every step of the row goes into the one output (a recurrent layer after keepdims sees one step). */
  @Override
  public boolean mixesTime(Shape input) {
    return true;
  }

  @Override
  public int outputSteps(Shape input, int inputSteps) {
    return 1;
  }

  @Override
  public boolean masksOutput(boolean maskIn) {
    return false;
  }

  @Override
  public boolean supportsMasking() {
    return !max;
  }

  @Override
  public String details() {
    return keepDims ? "keepdims" : "";
  }
}
