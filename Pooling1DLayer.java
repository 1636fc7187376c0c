package org.rnnscore.model;

/**
 * Keras {@code MaxPooling1D} and {@code AveragePooling1D} (channels_last): per feature, the
 * maximum or mean of each window of pool_size steps, moved strides steps, over each row's own
 * steps. With padding same the padded steps take no part: a max ignores them, a mean counts only
 * the row's real steps (TensorFlow's rule). No mask leaves it (supports_masking=False in Keras 3).
 */
public final class Pooling1DLayer implements Layer {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final boolean max;
  private final Window1D window;

  /** @throws ModelFormatException for causal padding, which Keras' pooling does not have */
  public Pooling1DLayer(String name, boolean max, Window1D window) {
    if (window.padding() == Window1D.Padding.CAUSAL || window.dilation() != 1) {
      throw new ModelFormatException("layer '" + name + "' (" + (max ? "MaxPooling1D" : "AveragePooling1D")
          + ") has padding " + window.padding().kerasName() + ", expected valid or same");
    }
    this.name = name;
    this.max = max;
    this.window = window;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String kerasClass() {
    return max ? "MaxPooling1D" : "AveragePooling1D";
  }

  /** True for MaxPooling1D, false for AveragePooling1D. */
  public boolean max() {
    return max;
  }

  public Window1D window() {
    return window;
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
    return Shape.sequence(Shapes.windowedSteps(name, kerasClass(), window, input.timesteps()), input.width());
  }

  @Override
  public int outputSteps(Shape input, int inputSteps) {
    return window.outputSteps(inputSteps);
  }

  @Override
  public boolean mixesTime(Shape input) {
    return window.mixesSteps();
  }

  @Override
  public boolean stepsFollowRow(Shape input) {
    return true;
  }

  @Override
  public int minimumInputSteps() {
    return window.minimumLength();
  }

  @Override
  public boolean masksOutput(boolean maskIn) {
    return false;
  }

  @Override
  public boolean supportsMasking() {
    return false;
  }

  @Override
  public String details() {
    return window.text("pool_size", false);
  }
}
