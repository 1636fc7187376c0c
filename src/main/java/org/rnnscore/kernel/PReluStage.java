package org.rnnscore.kernel;

import org.rnnscore.model.PReluLayer;

/** PReLU element-wise, α by feature (the index within a row of the matrix). */
final class PReluStage implements Stage {
  private final PReluLayer layer;

  PReluStage(PReluLayer layer) {
    this.layer = layer;
  }

  @Override
  public Tensor apply(Tensor input, Batch batch) {
    int w = input.width;
    float[] alpha = new float[w];
    for (int j = 0; j < w; j++) {
      alpha[j] = layer.alphaOf(j);
    }
    float[] x = input.data;
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      float v = x[i];
      y[i] = v >= 0 ? v : alpha[i % w] * v;
    }
    return input.withData(y, w);
  }
}
