package org.rnnscore.model;

/**
 * Keras {@code PReLU}: y = x for x ≥ 0, α·x otherwise, with a learned α per feature. Keras
 * shapes α as the input without its batch axis, 1 along {@code shared_axes}: (features) on
 * vectors, (1, features) on sequences with shared_axes=[1]; a 1 along the features shares one
 * α across them too. An α that differs per timestep is refused (rows have their own lengths).
 */
public final class PReluLayer implements Layer {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final WeightArray alpha;
  /** α's values per feature (one value when shared across the features). */
  private final int alphaWidth;

  public PReluLayer(String name, WeightArray alpha) {
    if (alpha == null || alpha.rank() < 1 || alpha.rank() > 2 || alpha.size() < 1) {
      throw new ModelFormatException("layer '" + name + "' (PReLU) alpha has shape "
          + (alpha == null ? "(missing)" : alpha.shapeText()) + ", expected [features] or [1, features]");
    }
    if (alpha.rank() == 2 && alpha.dim(0) != 1) {
      throw new ModelFormatException("layer '" + name + "' (PReLU) alpha has shape " + alpha.shapeText() + ": one alpha"
          + " per timestep, which rnnscore does not run (rows have their own lengths); train it with shared_axes=[1]");
    }
    Shapes.require(name, alpha, "PReLU alpha", alpha.shape());
    this.name = name;
    this.alpha = alpha;
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

  /** α of feature {@code j} (of a step of {@code width} features). */
  public float alphaOf(int j) {
    return alpha.get(alphaWidth == 1 ? 0 : j);
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
          + (input.sequence() ? "[1, " + input.width() + "]" : "[" + input.width() + "]") + " for the input "
          + input.kerasText() + " from " + source);
    }
    return input;
  }

  @Override
  public String details() {
    return alphaWidth == 1 ? "one alpha" : "alpha per feature";
  }
}
