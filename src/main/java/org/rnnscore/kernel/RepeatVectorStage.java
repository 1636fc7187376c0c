package org.rnnscore.kernel;

import org.rnnscore.model.RepeatVectorLayer;

/** B×W → (n·B)×W time-major: each step a copy of the batch's vectors; no mask (every row has n steps). */
final class RepeatVectorStage implements Stage {
  private final int n;

  RepeatVectorStage(RepeatVectorLayer layer) {
    this.n = layer.n();
  }

  @Override
  public Tensor apply(Tensor input, Batch batch) {
    if (input.sequence) {
      throw new IllegalArgumentException("RepeatVector needs one vector per row, given a sequence");
    }
    int block = batch.size * input.width; // one step of every row, already in time-major order
    float[] out = new float[n * block];
    for (int t = 0; t < n; t++) {
      System.arraycopy(input.data, 0, out, t * block, block);
    }
    return Tensor.sequence(out, input.width, null).laidOut(batch.withSteps(n));
  }
}
