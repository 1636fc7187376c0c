package org.rnnscore.kernel;

import org.rnnscore.model.Pooling1DLayer;

/**
 * MaxPooling1D and AveragePooling1D over each row at its own length: a window takes only the
 * row's own steps (same padding's edge windows are shorter; the average divides by the steps it
 * took). The output layout has each row's own output steps and no mask.
 */
public final class Pooling1DStage implements Stage {
  private final Pooling1DLayer layer;
  private final boolean max;

  public Pooling1DStage(Pooling1DLayer layer) {
    this.layer = layer;
    this.max = layer.kind() == Pooling1DLayer.Kind.MAX;
  }

  @Override
  public Tensor apply(Tensor input, Batch batch) {
    if (!input.sequence) {
      throw new IllegalArgumentException(layer.kerasClass() + " " + layer.name() + " needs a sequence, given vectors");
    }
    int size = batch.size;
    int w = input.width;
    int[] outLength = new int[size];
    int[] padLeft = new int[size];
    for (int p = 0; p < size; p++) {
      outLength[p] = layer.outputSteps(batch.length[p]);
      padLeft[p] = layer.padLeft(batch.length[p]);
    }
    Batch out = batch.withLengths(outLength);
    float[] y = new float[out.steps * size * w];
    float[] x = input.data;
    int pool = layer.poolSize();
    int stride = layer.stride();
    for (int t = 0; t < out.steps; t++) {
      for (int p = 0; p < out.active[t]; p++) {
        int start = Math.max(0, t * stride - padLeft[p]);
        int end = Math.min(batch.length[p], t * stride - padLeft[p] + pool);
        int at = (t * size + p) * w;
        System.arraycopy(x, (start * size + p) * w, y, at, w);
        for (int s = start + 1; s < end; s++) {
          int from = (s * size + p) * w;
          for (int j = 0; j < w; j++) {
            y[at + j] = max ? Math.max(y[at + j], x[from + j]) : y[at + j] + x[from + j];
          }
        }
        if (!max) {
          float count = end - start;
          for (int j = 0; j < w; j++) {
            y[at + j] /= count;
          }
        }
      }
    }
    return Tensor.sequence(y, w, null).laidOut(out);
  }
}
