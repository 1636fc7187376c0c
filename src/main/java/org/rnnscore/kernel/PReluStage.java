package org.rnnscore.kernel;

import org.rnnscore.model.PReluLayer;

/** PReLU element-wise, α by feature (the index within a row of the matrix). */
public final class PReluStage implements Stage {
  private final PReluLayer layer;

  public PReluStage(PReluLayer layer) {
    this.layer = layer;
  }

  /** Row i of the (time-major) matrix is step i / batch.size of its row: the step picks a per-step α. */
  @Override
  public Tensor apply(Tensor input, Batch batch) {
    int w = input.width;
    float[] x = input.data;
    float[] y = new float[x.length];
    int steps = layer.perStep() && input.sequence ? x.length / w / batch.size : 1;
    if (layer.perStep() && steps > layer.alpha().dim(0)) {
      throw new IllegalArgumentException("layer " + layer.name() + " (PReLU) has one alpha per step for "
          + layer.alpha().dim(0) + " steps, given rows of " + steps);
    }
    float[] alpha = new float[steps * w];
    for (int t = 0; t < steps; t++) {
      for (int j = 0; j < w; j++) {
        alpha[t * w + j] = layer.alphaOf(t, j);
      }
    }
    int block = batch.size * w;
    for (int i = 0; i < x.length; i++) {
      float v = x[i];
      int t = steps == 1 ? 0 : i / block;
      y[i] = v >= 0 ? v : alpha[t * w + i % w] * v;
    }
    return input.withData(y, w);
  }
}
