package org.rnnscore.model;

import java.util.Optional;

/**
 * Keras {@code BatchNormalization} at inference: y = γ·(x − moving_mean)/√(moving_variance + ε) + β
 * per feature, γ absent with scale=False (1), β absent with center=False (0). Per step on a
 * sequence; the mask passes on (supports_masking=True in every generation).
 */
public final class BatchNormalizationLayer implements Layer {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final int axis;
  private final double epsilon;
  private final WeightArray gamma;
  private final WeightArray beta;
  private final WeightArray movingMean;
  private final WeightArray movingVariance;
  private final int features;

  /**
   * @param gamma null with scale=False
   * @param beta null with center=False
   * @param axis as the config gives it: −1 or the feature axis (checked against the input)
   */
  public BatchNormalizationLayer(String name, int axis, double epsilon, WeightArray gamma, WeightArray beta,
      WeightArray movingMean, WeightArray movingVariance) {
    NormalizationAxis.requireEpsilon(name, epsilon);
    if (movingMean == null || movingMean.rank() != 1) {
      throw new ModelFormatException("layer '" + name + "' moving_mean has shape "
          + (movingMean == null ? "(missing)" : movingMean.shapeText()) + ", expected [features]");
    }
    int c = movingMean.dim(0);
    Shapes.requirePositive(name, "features (moving_mean length)", c);
    Shapes.require(name, movingMean, "one per feature", c);
    Shapes.require(name, movingVariance, "one per feature, as moving_mean", c);
    if (gamma != null) {
      Shapes.require(name, gamma, "one per feature, as moving_mean", c);
    }
    if (beta != null) {
      Shapes.require(name, beta, "one per feature, as moving_mean", c);
    }
    for (int i = 0; i < c; i++) {
      if (movingVariance.get(i) + epsilon <= 0) {
        throw new ModelFormatException("layer '" + name + "' moving_variance[" + i + "] is " + movingVariance.get(i)
            + ": with epsilon " + epsilon + " it gives no square root; a variance is at least 0");
      }
    }
    this.name = name;
    this.axis = axis;
    this.epsilon = epsilon;
    this.gamma = gamma;
    this.beta = beta;
    this.movingMean = movingMean;
    this.movingVariance = movingVariance;
    this.features = c;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String kerasClass() {
    return "BatchNormalization";
  }

  public int axis() {
    return axis;
  }

  public double epsilon() {
    return epsilon;
  }

  public int features() {
    return features;
  }

  public Optional<WeightArray> gamma() {
    return Optional.ofNullable(gamma);
  }

  public Optional<WeightArray> beta() {
    return Optional.ofNullable(beta);
  }

  public WeightArray movingMean() {
    return movingMean;
  }

  public WeightArray movingVariance() {
    return movingVariance;
  }

  /** As Keras' summary counts them: all four arrays (the moving statistics are non-trainable params). */
  @Override
  public long paramCount() {
    return (long) features * (2 + (gamma == null ? 0 : 1) + (beta == null ? 0 : 1));
  }

  @Override
  public Shape outputShape(Shape input, String source) {
    NormalizationAxis.requireFeatureAxis(name, kerasClass(), axis, input, source);
    // Over frames (TimeDistributed(BatchNormalization) after a Conv2D) the features are each pixel's channels.
    if (input.channels() != features) {
      throw new ModelFormatException("layer '" + name + "' (BatchNormalization) has " + features + " features (moving_mean "
          + movingMean.shapeText() + "), but " + source + " gives " + input.channels() + " " + input.kerasText());
    }
    return input;
  }

  /** Its statistics fix the width of what it reads: a model may start with it. */
  @Override
  public WeightArray inputKernel() {
    return movingMean;
  }

  @Override
  public String details() {
    return "epsilon " + epsilon + (gamma == null ? ", scale=False" : "") + (beta == null ? ", center=False" : "");
  }
}
