package org.rnnscore.model;

/**
 * Keras' activation layers with parameters: {@code ReLU(max_value, negative_slope, threshold)},
 * {@code LeakyReLU} (its alpha, Keras 3's negative_slope), {@code ELU(alpha)}, {@code
 * ThresholdedReLU(theta)} and {@code Softmax} over the feature axis. Element-wise (Softmax per
 * step), shape kept; they pass the mask on (supports_masking=True), except that Softmax refuses
 * one (see {@link #masksOutput}).
 */
public final class ActivationFunctionLayer implements Layer {
  private static final long serialVersionUID = 1L;

  /** The function and the Keras class that names it. */
  public enum Function {
    RELU("ReLU"), LEAKY_RELU("LeakyReLU"), ELU("ELU"), THRESHOLDED_RELU("ThresholdedReLU"), SOFTMAX("Softmax");

    private final String kerasClass;

    Function(String kerasClass) {
      this.kerasClass = kerasClass;
    }

    public String kerasClass() {
      return kerasClass;
    }
  }

  private final String name;
  private final Function function;
  private final double slope;
  private final double maxValue;
  private final double threshold;

  /**
   * @param slope ReLU's negative_slope, LeakyReLU's alpha, ELU's alpha; unused otherwise
   * @param maxValue ReLU's max_value, +∞ for none
   * @param threshold ReLU's threshold, ThresholdedReLU's theta
   */
  public ActivationFunctionLayer(String name, Function function, double slope, double maxValue, double threshold) {
    if (function == null) {
      throw new ModelFormatException("layer '" + name + "' has no activation function");
    }
    if (Double.isNaN(slope) || Double.isInfinite(slope) || Double.isNaN(maxValue) || Double.isNaN(threshold)
        || Double.isInfinite(threshold)) {
      throw new ModelFormatException("layer '" + name + "' (" + function.kerasClass() + ") has a parameter that is not a"
          + " finite number (slope " + slope + ", max_value " + maxValue + ", threshold " + threshold + ")");
    }
    if (function == Function.RELU && maxValue < 0) {
      throw new ModelFormatException("layer '" + name + "' (ReLU) has max_value " + maxValue + ", expected at least 0"
          + " (Keras refuses a negative one)");
    }
    this.name = name;
    this.function = function;
    this.slope = slope;
    this.maxValue = maxValue;
    this.threshold = threshold;
  }

  public static ActivationFunctionLayer relu(String name, double maxValue, double negativeSlope, double threshold) {
    return new ActivationFunctionLayer(name, Function.RELU, negativeSlope, maxValue, threshold);
  }

  public static ActivationFunctionLayer leakyRelu(String name, double alpha) {
    return new ActivationFunctionLayer(name, Function.LEAKY_RELU, alpha, Double.POSITIVE_INFINITY, 0);
  }

  public static ActivationFunctionLayer elu(String name, double alpha) {
    return new ActivationFunctionLayer(name, Function.ELU, alpha, Double.POSITIVE_INFINITY, 0);
  }

  public static ActivationFunctionLayer thresholdedRelu(String name, double theta) {
    return new ActivationFunctionLayer(name, Function.THRESHOLDED_RELU, 0, Double.POSITIVE_INFINITY, theta);
  }

  public static ActivationFunctionLayer softmax(String name) {
    return new ActivationFunctionLayer(name, Function.SOFTMAX, 0, Double.POSITIVE_INFINITY, 0);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String kerasClass() {
    return function.kerasClass();
  }

  public Function function() {
    return function;
  }

  public double slope() {
    return slope;
  }

  public double maxValue() {
    return maxValue;
  }

  public double threshold() {
    return threshold;
  }

  @Override
  public long paramCount() {
    return 0;
  }

  @Override
  public Shape outputShape(Shape input, String source) {
    return input;
  }

  /**
   * Keras' Softmax adds −1e9 where its mask is 0, broadcasting the (batch, steps) step mask
   * against the (batch, steps, features) values: on a sequence that fails or mixes steps with
   * features, so a model in which a mask reaches Softmax is refused rather than guessed.
   */
  @Override
  public boolean masksOutput(boolean maskIn) {
    if (maskIn && function == Function.SOFTMAX) {
      throw new ModelFormatException("layer '" + name + "' (Softmax) is reached by a mask (from Masking or"
          + " Embedding(mask_zero)); Keras adds the step mask to the values of every feature, which on a sequence"
          + " does not give a per-step softmax, so rnnscore does not run it; use Activation(\"softmax\") instead");
    }
    return maskIn;
  }

  @Override
  public String details() {
    switch (function) {
      case RELU:
        return "max_value " + (Double.isInfinite(maxValue) ? "None" : maxValue) + ", negative_slope " + slope
            + ", threshold " + threshold;
      case LEAKY_RELU:
      case ELU:
        return "alpha " + slope;
      case THRESHOLDED_RELU:
        return "theta " + threshold;
      default:
        return "axis -1";
    }
  }
}
