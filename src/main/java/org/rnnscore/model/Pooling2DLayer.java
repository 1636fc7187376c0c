package org.rnnscore.model;

/**
 * Keras {@code TimeDistributed(MaxPooling2D)} or {@code TimeDistributed(AveragePooling2D)}
 * (channels_last): each step's frame pooled per channel over a window. With padding same the
 * padded positions take no part: a max over the frame's own values, an average over their
 * count (TensorFlow's rule). Masks as {@link Conv2DLayer}.
 */
public final class Pooling2DLayer implements Layer {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final boolean max;
  private final Window2D window;

  /** @param max true for MaxPooling2D, false for AveragePooling2D; the window has dilation 1 */
  public Pooling2DLayer(String name, boolean max, Window2D window) {
    if (window.dilationH() != 1 || window.dilationW() != 1) {
      throw new ModelFormatException("layer '" + name + "' pooling window has dilation (" + window.dilationH() + ", "
          + window.dilationW() + "), expected (1, 1)");
    }
    this.name = name;
    this.max = max;
    this.window = window;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String kerasClass() {
    return max ? "TimeDistributed(MaxPooling2D)" : "TimeDistributed(AveragePooling2D)";
  }

  public boolean max() {
    return max;
  }

  public Window2D window() {
    return window;
  }

  @Override
  public long paramCount() {
    return 0;
  }

  @Override
  public Shape outputShape(Shape input, String source) {
    Frame frame = FrameLayers.requireFrames(name, kerasClass(), input, source);
    return Shape.frames(input.timesteps(), window.outputFrame(name, kerasClass(), frame, frame.channels()));
  }

  @Override
  public boolean supportsMasking() {
    return false;
  }

  @Override
  public String details() {
    return "pool " + window.text();
  }
}
