package org.rnnscore.kernel;

import org.rnnscore.model.PermuteLayer;

/**
 * Permute: (2, 1) turns each row's T×W into W×T (every row of a uniform batch, then W steps
 * long); (1, 2) and (1,) keep the tensor, with the mask dropped.
 */
public final class PermuteStage implements Stage {
  private final boolean swaps;

  public PermuteStage(PermuteLayer layer) {
    this.swaps = layer.swaps();
  }

  @Override
  public Tensor apply(Tensor input, Batch batch) {
    if (!swaps || !input.sequence) {
      return input.sequence ? Tensor.sequence(input.data, input.width, null).laidOut(batch.withoutExplicitMask())
          : input;
    }
    if (!batch.uniform()) {
      throw new IllegalArgumentException("Permute((2, 1)) needs every row of the batch to have the same number of"
          + " steps; lengths range from " + batch.length[batch.size - 1] + " to " + batch.steps);
    }
    int steps = batch.steps;
    int w = input.width;
    int size = batch.size;
    float[] out = new float[w * size * steps];
    for (int t = 0; t < steps; t++) {
      for (int p = 0; p < size; p++) {
        int from = (t * size + p) * w;
        for (int d = 0; d < w; d++) {
          out[(d * size + p) * steps + t] = input.data[from + d];
        }
      }
    }
    return Tensor.sequence(out, steps, null).laidOut(batch.withSteps(w));
  }
}
