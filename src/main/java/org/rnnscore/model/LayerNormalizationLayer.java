package org.rnnscore.model;

import java.util.Optional;

/**
 * Keras {@code LayerNormalization} over the feature axis: per step (or per vector), y = γ·(x −
 * mean)/√(var + ε) + β with the mean and (population) variance of that step's features; γ
 * absent with scale=False, β with center=False. The mask passes on (supports_masking=True).
 */
public final class LayerNormalizationLayer implements Layer {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final int axis;
  private final double epsilon;
  private final WeightArray gamma;
  private final WeightArray beta;

  public LayerNormalizationLayer(String name, int axis, double epsilon, WeightArray gamma, WeightArray beta) {
    NormalizationAxis.requireEpsilon(name, epsilon);
    WeightArray any = gamma != null ? gamma : beta;
    if (any != null) {
      if (any.rank() != 1 || any.dim(0) < 1) {
        throw new ModelFormatException("layer '" + name + "' " + any.name() + " has shape " + any.shapeText()
            + ", expected [features]");
      }
      Shapes.require(name, any, "one per feature", any.dim(0));
      if (gamma != null && beta != null) {
        Shapes.require(name, beta, "one per feature, as gamma", gamma.dim(0));
      }
    }
    this.name = name;
    this.axis = axis;
    this.epsilon = epsilon;
    this.gamma = gamma;
    this.beta = beta;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String kerasClass() {
    return "LayerNormalization";
  }

  public int axis() {
    return axis;
  }

  public double epsilon() {
    return epsilon;
  }

  public Optional<WeightArray> gamma() {
    return Optional.ofNullable(gamma);
  }

  public Optional<WeightArray> beta() {
    return Optional.ofNullable(beta);
  }

  @Override
  public long paramCount() {
    return (gamma == null ? 0 : gamma.size()) + (beta == null ? 0 : beta.size());
  }

  @Override
  public Shape outputShape(Shape input, String source) {
    NormalizationAxis.requireFeatureAxis(name, kerasClass(), axis, input, source);
    WeightArray any = gamma != null ? gamma : beta;
    if (any != null && any.dim(0) != input.width()) {
      throw new ModelFormatException("layer '" + name + "' (LayerNormalization) " + any.name() + " has shape "
          + any.shapeText() + ", but " + source + " gives " + input.width() + " features " + input.kerasText());
    }
    return input;
  }

  @Override
  public WeightArray inputKernel() {
    return gamma != null ? gamma : beta;
  }

  @Override
  public String details() {
    return "epsilon " + epsilon + (gamma == null ? ", scale=False" : "") + (beta == null ? ", center=False" : "");
  }
}
