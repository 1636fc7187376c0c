package org.rnnscore.model;

import java.util.Optional;

/**
 * Keras {@code Dense}: y = act(x·W + b), {@code kernel} in×K, {@code bias} K (absent when
 * use_bias=False). On a sequence it applies to every step, as Keras' Dense does on 3-D input and
 * as {@code TimeDistributed(Dense)} does.
 */
public final class DenseLayer implements Layer {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final int units;
  private final int inputWidth;
  private final WeightArray kernel;
  private final WeightArray bias;
  private final Activation activation;

  /**
   * @param bias null when the layer has no bias
   * @throws ModelFormatException if a weight's shape disagrees with {@code units}
   */
  public DenseLayer(String name, int units, WeightArray kernel, WeightArray bias, Activation activation) {
    Shapes.requirePositive(name, "units", units);
    if (kernel == null || kernel.rank() != 2) {
      throw new ModelFormatException("layer '" + name + "' kernel has shape "
          + (kernel == null ? "(missing)" : kernel.shapeText()) + ", expected [input width, " + units + "] (units = "
          + units + ")");
    }
    int in = kernel.dim(0);
    Shapes.requirePositive(name, "input width (kernel rows)", in);
    Shapes.require(name, kernel, "units = " + units, in, units);
    if (bias != null) {
      Shapes.require(name, bias, "units = " + units, units);
    }
    if (activation == null) {
      throw new ModelFormatException("layer '" + name + "' has no activation");
    }
    this.name = name;
    this.units = units;
    this.inputWidth = in;
    this.kernel = kernel;
    this.bias = bias;
    this.activation = activation;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Shape outputShape(Shape input, String source) {
    if (input.width() != inputWidth) {
      throw new ModelFormatException("layer '" + name + "' kernel has shape " + kernel.shapeText() + ", expected "
          + WeightArray.shapeText(input.width(), units) + " (input width " + input.width() + " from " + source + ")");
    }
    return input.sequence() ? Shape.sequence(input.timesteps(), units) : Shape.vector(units);
  }

  @Override
  public String kerasClass() {
    return "Dense";
  }

  public int inputWidth() {
    return inputWidth;
  }

  public int outputWidth() {
    return units;
  }

  public int units() {
    return units;
  }

  public WeightArray kernel() {
    return kernel;
  }

  public Optional<WeightArray> bias() {
    return Optional.ofNullable(bias);
  }

  public Activation activation() {
    return activation;
  }

  public DenseLayer withActivation(Activation other) {
    return new DenseLayer(name, units, kernel, bias, other);
  }

  @Override
  public long paramCount() {
    return (long) inputWidth * units + (bias == null ? 0 : units);
  }

  @Override
  public WeightArray inputKernel() {
    return kernel;
  }

  @Override
  public String details() {
    return activation.kerasName() + (bias == null ? ", no bias" : "");
  }
}
