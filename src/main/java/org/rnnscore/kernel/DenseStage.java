package org.rnnscore.kernel;

import org.rnnscore.model.Activation;
import org.rnnscore.model.DenseLayer;

public final class DenseStage implements Stage {
  private final Affine affine;
  private final Activation activation;
  private final int units;

  public DenseStage(DenseLayer layer) {
    this.affine = new Affine(Matrices.matrix(layer.kernel()), layer.bias().map(b -> b.data()).orElse(null));
    this.activation = layer.activation();
    this.units = layer.units();
  }

  /** Per row of the matrix: every step of every row for a sequence (Keras' Dense on 3-D input). */
  @Override
  public Tensor apply(Tensor input, Batch batch) {
    float[] y = affine.apply(input.data, input.rows());
    Matrices.activate(y, units, activation);
    return input.withData(y, units);
  }
}
