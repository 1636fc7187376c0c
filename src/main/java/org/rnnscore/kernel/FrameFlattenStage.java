package org.rnnscore.kernel;

/** TimeDistributed(Flatten): a frame's values already lie in Keras' flattened order; only the frame is dropped. */
public final class FrameFlattenStage implements Stage {
  @Override
  public Tensor apply(Tensor input, Batch batch) {
    return input.withFrames(input.data, null);
  }
}
