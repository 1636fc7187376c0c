package org.rnnscore.kernel;

import org.rnnscore.model.Activation;
import org.rnnscore.model.ActivationLayer;

public final class ActivationStage implements Stage {
  private final Activation activation;

  public ActivationStage(ActivationLayer layer) {
    this.activation = layer.activation();
  }

  @Override
  public Tensor apply(Tensor input, Batch batch) {
    float[] y = input.data.clone();
    Matrices.activate(y, input.width, activation);
    return input.withData(y, input.width);
  }
}
