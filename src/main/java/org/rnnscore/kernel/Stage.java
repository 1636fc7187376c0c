package org.rnnscore.kernel;

/** One layer's computation on a batch. */
interface Stage {
  Tensor apply(Tensor input, Batch batch);
}
