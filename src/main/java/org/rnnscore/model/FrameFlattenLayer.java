package org.rnnscore.model;

/**
 * Keras {@code TimeDistributed(Flatten)}: each step's H×W×C frame becomes one step of H·W·C
 * values (row, column, channel order: the frame's own layout), so the values do not move; the
 * steps stay the row's own, any length. On a plain sequence it changes nothing. Masks as {@link
 * Conv2DLayer} (Keras 2's Flatten has supports_masking=False too).
 */
public final class FrameFlattenLayer implements Layer {
  private static final long serialVersionUID = 1L;

  private final String name;

  public FrameFlattenLayer(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String kerasClass() {
    return "TimeDistributed(Flatten)";
  }

  @Override
  public long paramCount() {
    return 0;
  }

  @Override
  public Shape outputShape(Shape input, String source) {
    if (!input.sequence()) {
      throw new ModelFormatException("layer '" + name + "' (" + kerasClass() + ") needs a sequence, but " + source
          + " gives one vector per row " + input.kerasText());
    }
    return Shape.sequence(input.timesteps(), input.width());
  }

  @Override
  public boolean supportsMasking() {
    return false;
  }
}
