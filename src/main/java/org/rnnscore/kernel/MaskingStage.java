package org.rnnscore.kernel;

import org.rnnscore.model.MaskingLayer;

/**
 * Keras' Masking: a step whose values all equal mask_value is masked, and its values are set to
 * zero (Keras outputs input × mask). Like Keras, the mask comes from this layer's own input and
 * replaces any mask made upstream; only the caller's explicit step mask still applies.
 */
public final class MaskingStage implements Stage {
  private final float maskValue;

  public MaskingStage(MaskingLayer layer) {
    this.maskValue = layer.maskValue();
  }

  @Override
  public Tensor apply(Tensor input, Batch batch) {
    int w = input.width;
    boolean[] mask = new boolean[input.rows()];
    float[] values = input.data.clone();
    for (int i = 0; i < mask.length; i++) {
      boolean allMaskValue = true;
      for (int j = 0; j < w && allMaskValue; j++) {
        allMaskValue = input.data[i * w + j] == maskValue;
      }
      if (allMaskValue) {
        java.util.Arrays.fill(values, i * w, (i + 1) * w, 0f);
      }
      mask[i] = !allMaskValue && (batch.explicitMask == null || batch.explicitMask[i]);
    }
    return Tensor.sequence(values, w, mask);
  }
}
