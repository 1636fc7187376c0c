package org.rnnscore.kernel;

import java.util.List;

/**
 * One layer's computation on a batch: what a node of the model's graph runs. A stage never
 * writes into its input tensors: another node may read the same tensor.
 */
public interface Stage {
  Tensor apply(Tensor input, Batch batch);

  /** The computation on a node's inputs, one per incoming tensor; one-input stages take exactly one. */
  default Tensor apply(List<Tensor> inputs, Batch batch) {
    if (inputs.size() != 1) {
      throw new IllegalArgumentException(getClass().getSimpleName() + " takes one input, given " + inputs.size());
    }
    return apply(inputs.get(0), batch);
  }
}
