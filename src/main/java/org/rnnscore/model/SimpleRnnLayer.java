package org.rnnscore.model;

import java.util.Optional;

/**
 * Keras {@code SimpleRNN}: h_t = act(x_t·W_x + h_{t-1}·W_h + b), h_0 = 0, giving h_T.
 *
 * <p>Weights in Keras' {@code get_weights()} order: {@code kernel} D×M, {@code recurrent_kernel}
 * M×M, {@code bias} M (absent when {@code use_bias=False}).
 */
public final class SimpleRnnLayer implements Layer {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final int units;
  private final int inputWidth;
  private final WeightArray kernel;
  private final WeightArray recurrentKernel;
  private final WeightArray bias;
  private final Activation activation;

  /**
   * @param bias null when the layer has no bias ({@code use_bias=False})
   * @throws ModelFormatException if a weight's shape disagrees with {@code units} or the kernel's
   *     input width, naming the layer, the array, the shape found and the shape expected
   */
  public SimpleRnnLayer(String name, int units, WeightArray kernel, WeightArray recurrentKernel, WeightArray bias,
      Activation activation) {
    Shapes.requirePositive(name, "units", units);
    if (kernel == null || kernel.rank() != 2) {
      throw new ModelFormatException("layer '" + name + "' kernel has shape "
          + (kernel == null ? "(missing)" : kernel.shapeText()) + ", expected [D, " + units + "] (units = " + units + ")");
    }
    int d = kernel.dim(0);
    Shapes.requirePositive(name, "input width D (kernel rows)", d);
    Shapes.require(name, kernel, "units = " + units, d, units);
    Shapes.require(name, recurrentKernel, "units = " + units, units, units);
    if (bias != null) {
      Shapes.require(name, bias, "units = " + units, units);
    }
    if (activation == null) {
      throw new ModelFormatException("layer '" + name + "' has no activation");
    }
    if (!activation.isElementwise()) {
      throw new ModelFormatException("layer '" + name + "' has activation " + activation.kerasName()
          + ", which a recurrent layer cannot use (it is not element-wise)");
    }
    this.name = name;
    this.units = units;
    this.inputWidth = d;
    this.kernel = kernel;
    this.recurrentKernel = recurrentKernel;
    this.bias = bias;
    this.activation = activation;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String kerasClass() {
    return "SimpleRNN";
  }

  @Override
  public int inputWidth() {
    return inputWidth;
  }

  @Override
  public int outputWidth() {
    return units;
  }

  public int units() {
    return units;
  }

  public WeightArray kernel() {
    return kernel;
  }

  public WeightArray recurrentKernel() {
    return recurrentKernel;
  }

  public Optional<WeightArray> bias() {
    return Optional.ofNullable(bias);
  }

  public Activation activation() {
    return activation;
  }

  /** A copy of this layer with another activation (the npz format's --activation). */
  public SimpleRnnLayer withActivation(Activation other) {
    return new SimpleRnnLayer(name, units, kernel, recurrentKernel, bias, other);
  }

  @Override
  public long paramCount() {
    return (long) inputWidth * units + (long) units * units + (bias == null ? 0 : units);
  }
}
