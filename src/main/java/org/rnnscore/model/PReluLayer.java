package org.rnnscore.model;

/**
 * Keras {@code PReLU}: y = x for x ≥ 0, α·x otherwise, with learned α. Keras shapes α as the input
 * without its batch axis, 1 along {@code shared_axes}: (features) on vectors; on sequences (1,
 * features) with shared_axes=[1], or (T, features) by default, one α per step and feature, which
 * needs the declared T and every row of exactly T steps (as Keras, which cannot take other
 * lengths). A 1 along the features shares one α across them.
 */
public final class PReluLayer implements Layer {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final WeightArray alpha;
  /** α's values per step (1 when shared over time) and per feature (1 when shared across the features). */
  private final int alphaSteps;
  private final int alphaWidth;

  public PReluLayer(String name, WeightArray alpha) {
    if (alpha == null || alpha.rank() < 1 || alpha.rank() > 2 || alpha.size() < 1) {
      throw new ModelFormatException("layer '" + name + "' (PReLU) alpha has shape "
          + (alpha == null ? "(missing)" : alpha.shapeText()) + ", expected [features], [1, features] or"
          + " [timesteps, features]");
    }
    Shapes.require(name, alpha, "PReLU alpha", alpha.shape());
    this.name = name;
    this.alpha = alpha;
    this.alphaSteps = alpha.rank() == 2 ? alpha.dim(0) : 1;
    this.alphaWidth = alpha.dim(alpha.rank() - 1);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String kerasClass() {
    return "PReLU";
  }

  public WeightArray alpha() {
    return alpha;
  }

  /** α of feature {@code j} at step {@code t} (any t when α is shared over time). */
  public float alphaOf(int t, int j) {
    return alpha.get((alphaSteps == 1 ? 0 : t) * alphaWidth + (alphaWidth == 1 ? 0 : j));
  }

  /** True when α differs per timestep. */
  public boolean perStep() {
    return alphaSteps > 1;
  }

  @Override
  public long paramCount() {
    return alpha.size();
  }

  @Override
  public Shape outputShape(Shape input, String source) {
    boolean rankOk = input.sequence() ? alpha.rank() == 2 : alpha.rank() == 1;
    if (!rankOk || alphaWidth != 1 && alphaWidth != input.width()) {
      throw new ModelFormatException("layer '" + name + "' (PReLU) alpha has shape " + alpha.shapeText() + ", expected "
          + (input.sequence() ? "[1, " + input.width() + "] or [timesteps, " + input.width() + "]"
          : "[" + input.width() + "]") + " for the input " + input.kerasText() + " from " + source);
    }
    if (alphaSteps > 1 && input.timesteps() != alphaSteps) {
      throw new ModelFormatException("layer '" + name + "' (PReLU) alpha has shape " + alpha.shapeText() + ", one alpha"
          + " per timestep of " + alphaSteps + " steps, but " + source + " gives " + input.kerasText()
          + (input.timesteps() == 0 ? " (no declared timesteps)" : "") + "; declare the model's input with "
          + alphaSteps + " timesteps, or train the layer with shared_axes=[1]");
    }
    return input;
  }

  /** A per-step α needs every row to have the declared T (as Flatten does). */
  @Override
  public boolean needsDeclaredTimesteps(Shape input) {
    return perStep();
  }

  /**
   * A per-step α makes a step's result depend on its position in the row: a row scored in parts
   * would restart the positions, so such a model is not scored incrementally (as after
   * time-mixing layers).
   */
  @Override
  public boolean mixesTime(Shape input) {
    return perStep();
  }

  @Override
  public String details() {
    return (alphaWidth == 1 ? "one alpha" : "alpha per feature") + (perStep() ? " and timestep" : "");
  }
}
