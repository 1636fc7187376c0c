package org.rnnscore.kernel;

import org.rnnscore.model.GlobalPooling1DLayer;
import org.rnnscore.model.Pooling1DLayer;

/**
 * GlobalMaxPooling1D and GlobalAveragePooling1D: per row, over its own steps, each feature's max,
 * or its mean over the unmasked steps (the tensor's mask; every step when it has none). A vector
 * per row, or with keepdims a sequence of one step.
 */
public final class GlobalPooling1DStage implements Stage {
  private final GlobalPooling1DLayer layer;

  public GlobalPooling1DStage(GlobalPooling1DLayer layer) {
    this.layer = layer;
  }

  @Override
  public Tensor apply(Tensor input, Batch batch) {
    if (!input.sequence) {
      throw new IllegalArgumentException(layer.kerasClass() + " " + layer.name() + " needs a sequence, given vectors");
    }
    int size = batch.size;
    int w = input.width;
    float[] x = input.data;
    float[] y = new float[size * w];
    boolean max = layer.kind() == Pooling1DLayer.Kind.MAX;
    if (max) {
      for (int p = 0; p < size; p++) {
        System.arraycopy(x, p * w, y, p * w, w);
        for (int t = 1; t < batch.length[p]; t++) {
          int from = (t * size + p) * w;
          for (int j = 0; j < w; j++) {
            y[p * w + j] = Math.max(y[p * w + j], x[from + j]);
          }
        }
      }
    } else {
      // Sums in double: a long row's mean keeps its precision.
      double[] sum = new double[w];
      for (int p = 0; p < size; p++) {
        java.util.Arrays.fill(sum, 0);
        int count = 0;
        for (int t = 0; t < batch.length[p]; t++) {
          int row = t * size + p;
          if (input.mask != null && !input.mask[row]) {
            continue;
          }
          count++;
          for (int j = 0; j < w; j++) {
            sum[j] += x[row * w + j];
          }
        }
        for (int j = 0; j < w; j++) {
          y[p * w + j] = (float) (sum[j] / count);
        }
      }
    }
    if (layer.keepdims()) {
      return Tensor.sequence(y, w, null).laidOut(batch.withSteps(1));
    }
    return Tensor.vector(y, w);
  }
}
