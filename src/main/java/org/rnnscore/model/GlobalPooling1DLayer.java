package org.rnnscore.model;

/**
 * Keras {@code GlobalMaxPooling1D} and {@code GlobalAveragePooling1D}: each feature's max or mean
 * over the row's steps, a vector per row (with keepdims, a sequence of one step). The average
 * supports masking as Keras' does: it takes only unmasked steps (a row with every step masked
 * gives 0/0, NaN, as Keras does), and no mask leaves it. Keras 3's GlobalMaxPooling1D has
 * supports_masking=False: it drops a mask (a Keras 1 or 2 file in which one reaches it is refused).
 */
public final class GlobalPooling1DLayer implements Layer {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final Pooling1DLayer.Kind kind;
  private final boolean keepdims;

  public GlobalPooling1DLayer(String name, Pooling1DLayer.Kind kind, boolean keepdims) {
    if (kind == null) {
      throw new ModelFormatException("layer '" + name + "' has no pooling kind");
    }
    this.name = name;
    this.kind = kind;
    this.keepdims = keepdims;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String kerasClass() {
    return kind == Pooling1DLayer.Kind.MAX ? "GlobalMaxPooling1D" : "GlobalAveragePooling1D";
  }

  public Pooling1DLayer.Kind kind() {
    return kind;
  }

  public boolean keepdims() {
    return keepdims;
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
    return keepdims ? Shape.sequence(1, input.width()) : Shape.vector(input.width());
  }

  @Override
  public boolean mixesTime(Shape input) {
    return true;
  }

  @Override
  public boolean masksOutput(boolean maskIn) {
    return false;
  }

  @Override
  public boolean supportsMasking() {
    return kind == Pooling1DLayer.Kind.AVERAGE;
  }

  @Override
  public String details() {
    return keepdims ? "keepdims" : "";
  }
}
