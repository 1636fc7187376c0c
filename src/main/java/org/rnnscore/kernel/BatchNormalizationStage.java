package org.rnnscore.kernel;

import org.rnnscore.model.BatchNormalizationLayer;

/**
 * BatchNormalization at inference as one scale and shift per feature, a = γ/√(var + ε) and b = β −
 * mean·a, computed once in double. Applied to every value by its index modulo the feature count,
 * so it works on any tensor whose innermost axis is the features (a step's width, or the
 * channels of a frame laid out H·W·C).
 */
public final class BatchNormalizationStage implements Stage {
  private final float[] scale;
  private final float[] shift;

  public BatchNormalizationStage(BatchNormalizationLayer layer) {
    int c = layer.features();
    scale = new float[c];
    shift = new float[c];
    float[] mean = layer.movingMean().data();
    float[] variance = layer.movingVariance().data();
    float[] gamma = layer.gamma().map(g -> g.data()).orElse(null);
    float[] beta = layer.beta().map(b -> b.data()).orElse(null);
    for (int j = 0; j < c; j++) {
      double a = (gamma == null ? 1.0 : gamma[j]) / Math.sqrt((double) variance[j] + layer.epsilon());
      scale[j] = (float) a;
      shift[j] = (float) ((beta == null ? 0.0 : beta[j]) - mean[j] * a);
    }
  }

  @Override
  public Tensor apply(Tensor input, Batch batch) {
    int c = scale.length;
    float[] x = input.data;
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i += c) {
      for (int j = 0; j < c; j++) {
        y[i + j] = x[i + j] * scale[j] + shift[j];
      }
    }
    return input.withData(y, input.width);
  }
}
