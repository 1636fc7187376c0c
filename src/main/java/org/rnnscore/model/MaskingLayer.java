package org.rnnscore.model;

/**
 * Keras {@code Masking(mask_value)}: a timestep whose features all equal mask_value is masked.
 * The recurrent layers after it skip masked steps (state carried over; with return_sequences the
 * last output repeated, or zeros with zero_output_for_mask). As in Keras, masked steps' values
 * become zeros and the mask replaces any mask made before this layer.
 */
public final class MaskingLayer implements Layer {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final float maskValue;

  public MaskingLayer(String name, float maskValue) {
    this.name = name;
    this.maskValue = maskValue;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String kerasClass() {
    return "Masking";
  }

  public float maskValue() {
    return maskValue;
  }

  @Override
  public long paramCount() {
    return 0;
  }

  @Override
  public Shape outputShape(Shape input, String source) {
    if (!input.sequence()) {
      throw new ModelFormatException("layer '" + name + "' (Masking) needs a sequence, but " + source
          + " gives one vector per row");
    }
    if (input.frame() != null) {
      // Keras' Masking on (T, H, W, C) masks each pixel, not each step: nothing per step would use that mask.
      throw new ModelFormatException("layer '" + name + "' (Masking) reads image frames " + input.kerasText()
          + " from " + source + ": Keras would mask each pixel rather than each step; put it after"
          + " TimeDistributed(Flatten)");
    }
    return input;
  }

  @Override
  public String details() {
    return "mask_value " + maskValue;
  }

  @Override
  public boolean masksOutput(boolean maskIn) {
    return true;
  }
}
