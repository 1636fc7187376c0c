package org.rnnscore.kernel;

import org.rnnscore.model.ReshapeLayer;

/**
 * Reshape over each row's tensor (the forms {@link ReshapeLayer} describes): the same steps with
 * the mask dropped, a sequence flattened to a vector (as Flatten), or a row's values, step-major,
 * cut into a steps of b values (from a vector, or from a uniform batch's sequence), every row then
 * a steps long.
 */
public final class ReshapeStage implements Stage {
  private final int[] target;
  private final FlattenStage flatten = new FlattenStage();

  public ReshapeStage(ReshapeLayer layer) {
    this.target = layer.target();
  }

  @Override
  public Tensor apply(Tensor input, Batch batch) {
    if (input.sequence && target.length == 2 && target[1] == input.width) {
      return Tensor.sequence(input.data, input.width, null).laidOut(batch.withoutExplicitMask());
    }
    Tensor rows = flatten.apply(input, batch); // B×(values per row), row-major; a vector stays as it is
    if (target.length == 1) {
      return rows;
    }
    int b = target[1] == -1 ? rows.width / target[0] : target[1];
    int steps = rows.width / b;
    int size = batch.size;
    float[] out = new float[steps * size * b];
    for (int p = 0; p < size; p++) {
      for (int s = 0; s < steps; s++) {
        System.arraycopy(rows.data, p * rows.width + s * b, out, (s * size + p) * b, b);
      }
    }
    return Tensor.sequence(out, b, null).laidOut(batch.withSteps(steps));
  }
}
