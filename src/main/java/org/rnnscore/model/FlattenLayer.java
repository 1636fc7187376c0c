package org.rnnscore.model;

/**
 * Keras {@code Flatten}: a sequence of T steps of W values becomes one vector of T·W (step-major:
 * step t's values at t·W…). It needs the model's declared T: every row must have exactly T steps.
 * On a vector it changes nothing.
 */
public final class FlattenLayer implements Layer {
  private static final long serialVersionUID = 1L;

  private final String name;

  public FlattenLayer(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String kerasClass() {
    return "Flatten";
  }

  @Override
  public long paramCount() {
    return 0;
  }

  @Override
  public Shape outputShape(Shape input, String source) {
    if (!input.sequence()) {
      return input;
    }
    if (input.timesteps() == 0) {
      throw new ModelFormatException("layer '" + name + "' (Flatten) needs a fixed number of timesteps, but the model"
          + " declares None; declare the input length (Input(shape=(T, D)))");
    }
    return Shape.vector(input.timesteps() * input.width());
  }

  @Override
  public boolean needsDeclaredTimesteps(Shape input) {
    return input.sequence();
  }

  @Override
  public boolean masksOutput(boolean maskIn) {
    return false;
  }

  /** Keras' Flatten has supports_masking=False (its base Layer's default, in Keras 1, 2 and 3). */
  @Override
  public boolean supportsMasking() {
    return false;
  }
}
