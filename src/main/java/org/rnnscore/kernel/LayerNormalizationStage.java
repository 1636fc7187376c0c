package org.rnnscore.kernel;

import org.rnnscore.model.LayerNormalizationLayer;

/** LayerNormalization per row of the matrix (a step, or a vector): mean and variance accumulated in double. */
public final class LayerNormalizationStage implements Stage {
  private final float[] gamma;
  private final float[] beta;
  private final double epsilon;

  public LayerNormalizationStage(LayerNormalizationLayer layer) {
    this.gamma = layer.gamma().map(g -> g.data()).orElse(null);
    this.beta = layer.beta().map(b -> b.data()).orElse(null);
    this.epsilon = layer.epsilon();
  }

  @Override
  public Tensor apply(Tensor input, Batch batch) {
    int w = input.width;
    float[] x = input.data;
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i += w) {
      double sum = 0;
      for (int j = 0; j < w; j++) {
        sum += x[i + j];
      }
      double mean = sum / w;
      double squares = 0;
      for (int j = 0; j < w; j++) {
        double d = x[i + j] - mean;
        squares += d * d;
      }
      double inv = 1 / Math.sqrt(squares / w + epsilon);
      for (int j = 0; j < w; j++) {
        double v = (x[i + j] - mean) * inv;
        if (gamma != null) {
          v *= gamma[j];
        }
        if (beta != null) {
          v += beta[j];
        }
        y[i + j] = (float) v;
      }
    }
    return input.withData(y, w);
  }
}
