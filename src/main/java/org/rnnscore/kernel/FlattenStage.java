package org.rnnscore.kernel;

/** N×T×W → N×(T·W), step-major; every row must have the same T. */
public final class FlattenStage implements Stage {
  @Override
  public Tensor apply(Tensor input, Batch batch) {
    if (!input.sequence) {
      return input;
    }
    if (!batch.uniform()) {
      throw new IllegalArgumentException("Flatten needs every row of the batch to have the same number of steps;"
          + " lengths range from " + batch.length[batch.size - 1] + " to " + batch.steps);
    }
    int w = input.width;
    int steps = batch.steps;
    int b = batch.size;
    float[] out = new float[b * steps * w];
    for (int p = 0; p < b; p++) {
      for (int t = 0; t < steps; t++) {
        System.arraycopy(input.data, (t * b + p) * w, out, (p * steps + t) * w, w);
      }
    }
    return Tensor.vector(out, steps * w);
  }
}
