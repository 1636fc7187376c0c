package org.rnnscore.model;

/**
 * Keras {@code SimpleRNN}: h_t = act(x_t·W_x + h_{t-1}·W_h + b), h_0 = 0.
 *
 * <p>Weights in Keras' {@code get_weights()} order: {@code kernel} D×M, {@code recurrent_kernel}
 * M×M, {@code bias} M (absent when {@code use_bias=False}).
 */
public final class SimpleRnnLayer extends RecurrentLayer {
  private static final long serialVersionUID = 2L;

  /** A SimpleRNN that returns its last output, forwards (Keras' defaults). */
  public SimpleRnnLayer(String name, int units, WeightArray kernel, WeightArray recurrentKernel, WeightArray bias,
      Activation activation) {
    this(name, units, kernel, recurrentKernel, bias, activation, Sequencing.LAST);
  }

  /**
   * @param bias null when the layer has no bias ({@code use_bias=False})
   * @throws ModelFormatException if a weight's shape disagrees with {@code units} or the kernel's
   *     input width, naming the layer, the array, the shape found and the shape expected
   */
  public SimpleRnnLayer(String name, int units, WeightArray kernel, WeightArray recurrentKernel, WeightArray bias,
      Activation activation, Sequencing sequencing) {
    super(name, units, 1, kernel, recurrentKernel, bias, new int[] {units}, activation, null, sequencing);
  }

  @Override
  public String kerasClass() {
    return "SimpleRNN";
  }

  @Override
  public int gates() {
    return 1;
  }

  @Override
  public SimpleRnnLayer withActivation(Activation other) {
    return new SimpleRnnLayer(name(), units(), kernel(), recurrentKernel(), biasOrNull(), other, sequencing());
  }

  @Override
  public SimpleRnnLayer withSequencing(Sequencing other) {
    return new SimpleRnnLayer(name(), units(), kernel(), recurrentKernel(), biasOrNull(), activation(), other);
  }
}
