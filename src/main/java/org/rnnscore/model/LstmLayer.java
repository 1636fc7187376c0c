package org.rnnscore.model;

/**
 * Keras {@code LSTM}, gates in Keras' order i, f, c, o (each M columns of the kernels):
 * i = σ(z_i), f = σ(z_f), g = act(z_c), o = σ(z_o), c_t = f·c_{t-1} + i·g, h_t = o·act(c_t),
 * with z = x_t·W + h_{t-1}·U + b and σ the recurrent_activation. {@code kernel} D×4M,
 * {@code recurrent_kernel} M×4M, {@code bias} 4M (unit_forget_bias only changes the initial
 * bias, so the saved values are all that matter).
 */
public final class LstmLayer extends RecurrentLayer {
  private static final long serialVersionUID = 1L;

  public LstmLayer(String name, int units, WeightArray kernel, WeightArray recurrentKernel, WeightArray bias,
      Activation activation, Activation recurrentActivation, Sequencing sequencing) {
    super(name, units, 4, kernel, recurrentKernel, bias, new int[] {4 * units}, activation, recurrentActivation,
        sequencing);
  }

  @Override
  public String kerasClass() {
    return "LSTM";
  }

  @Override
  public int gates() {
    return 4;
  }

  @Override
  public LstmLayer withActivation(Activation other) {
    return new LstmLayer(name(), units(), kernel(), recurrentKernel(), biasOrNull(), other, recurrentActivation(),
        sequencing());
  }

  @Override
  public LstmLayer withSequencing(Sequencing other) {
    return new LstmLayer(name(), units(), kernel(), recurrentKernel(), biasOrNull(), activation(),
        recurrentActivation(), other);
  }
}
