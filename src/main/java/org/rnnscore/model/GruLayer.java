package org.rnnscore.model;

/**
 * Keras {@code GRU}, gates in Keras' order z, r, h (each M columns of the kernels).
 *
 * <p>{@code reset_after=True} (Keras 2.x / 3 default; the cuDNN form): bias is 2×3M, row 0 for
 * the input projection and row 1 for the recurrent one; z = σ(x_z + r_z), r = σ(x_r + r_r),
 * ĥ = act(x_h + r·r_h) where x_* = x_t·W + b_0 and r_* = h_{t-1}·U + b_1.
 *
 * <p>{@code reset_after=False} (Keras 2.0–2.2 default): bias is 3M; z and r as above with
 * r_* = h_{t-1}·U_*, and ĥ = act(x_h + (r·h_{t-1})·U_h). In both, h_t = z·h_{t-1} + (1 − z)·ĥ.
 */
public final class GruLayer extends RecurrentLayer {
  private static final long serialVersionUID = 1L;

  private final boolean resetAfter;

  public GruLayer(String name, int units, WeightArray kernel, WeightArray recurrentKernel, WeightArray bias,
      Activation activation, Activation recurrentActivation, boolean resetAfter, Sequencing sequencing) {
    super(name, units, 3, kernel, recurrentKernel, bias, resetAfter ? new int[] {2, 3 * units} : new int[] {3 * units},
        activation, recurrentActivation, sequencing);
    this.resetAfter = resetAfter;
  }

  public boolean resetAfter() {
    return resetAfter;
  }

  @Override
  public String kerasClass() {
    return "GRU";
  }

  @Override
  public int gates() {
    return 3;
  }

  @Override
  public GruLayer withActivation(Activation other) {
    return new GruLayer(name(), units(), kernel(), recurrentKernel(), biasOrNull(), other, recurrentActivation(),
        resetAfter, sequencing());
  }

  @Override
  public GruLayer withSequencing(Sequencing other) {
    return new GruLayer(name(), units(), kernel(), recurrentKernel(), biasOrNull(), activation(),
        recurrentActivation(), resetAfter, other);
  }

  @Override
  String cellDetails() {
    return resetAfter ? " reset_after" : " reset_before";
  }
}
