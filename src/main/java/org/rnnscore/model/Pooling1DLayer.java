package org.rnnscore.model;

/**
 * Keras {@code MaxPooling1D} and {@code AveragePooling1D} over a sequence: per output step j,
 * the max or mean of the window's steps j·s − padLeft … j·s − padLeft + pool − 1 that lie in
 * the row ({@link Padding1D} valid or same; with same, a window at an edge takes only the row's
 * own steps, as TensorFlow's pooling does: the average divides by their count). Each row is
 * pooled alone at its own length; a row shorter than a valid window is a bad row. No mask leaves
 * it (Keras 3's pooling layers have supports_masking=False).
 */
public final class Pooling1DLayer implements WindowedStepsLayer {
  private static final long serialVersionUID = 1L;

  /** What the window gives. */
  public enum Kind { MAX, AVERAGE }

  private final String name;
  private final Kind kind;
  private final int poolSize;
  private final int stride;
  private final Padding1D padding;

  /** @throws ModelFormatException for sizes below 1 or causal padding (a convolution's only) */
  public Pooling1DLayer(String name, Kind kind, int poolSize, int stride, Padding1D padding) {
    Shapes.requirePositive(name, "pool_size", poolSize);
    Shapes.requirePositive(name, "strides", stride);
    if (kind == null || padding == null || padding == Padding1D.CAUSAL) {
      throw new ModelFormatException("layer '" + name + "' (" + (kind == Kind.AVERAGE ? "AveragePooling1D"
          : "MaxPooling1D") + ") has padding " + (padding == null ? "(none)" : padding.kerasName())
          + ", expected valid or same");
    }
    this.name = name;
    this.kind = kind;
    this.poolSize = poolSize;
    this.stride = stride;
    this.padding = padding;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String kerasClass() {
    return kind == Kind.MAX ? "MaxPooling1D" : "AveragePooling1D";
  }

  public Kind kind() {
    return kind;
  }

  public int poolSize() {
    return poolSize;
  }

  public int stride() {
    return stride;
  }

  public Padding1D padding() {
    return padding;
  }

  @Override
  public int outputSteps(int steps) {
    return padding.outputSteps(steps, poolSize, stride);
  }

  /** Steps of the first window that lie before the row, for a row of {@code steps} steps. */
  public int padLeft(int steps) {
    return padding.padLeft(steps, poolSize, stride);
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
    int steps = 0;
    if (input.timesteps() > 0) {
      steps = outputSteps(input.timesteps());
      if (steps == 0) {
        throw new ModelFormatException("layer '" + name + "' (" + kerasClass() + ") has pool_size " + poolSize
            + ", but " + source + " gives " + input.timesteps() + " steps (" + input.kerasText()
            + "): it would give no steps at all");
      }
    }
    return Shape.sequence(steps, input.width());
  }

  @Override
  public boolean mixesTime(Shape input) {
    return poolSize > 1 || stride > 1;
  }

  @Override
  public String details() {
    return "pool " + poolSize + ", strides " + stride + ", " + padding.kerasName();
  }
}
