package org.rnnscore.model;

import java.io.Serializable;

/**
 * What flows between layers, per row: a sequence of timesteps of {@code width} values, or one
 * vector of {@code width} values. {@code timesteps} is what the model declares (0: None, any
 * length); rows may be shorter or longer unless a layer needs the declared length (Flatten).
 *
 * <p>A sequence of image frames (a per-step CNN under TimeDistributed) also has its {@code frame}:
 * each step is then one H×W×C frame of {@code width} = H·W·C values; null for any other shape.
 */
public record Shape(boolean sequence, int timesteps, int width, Frame frame) implements Serializable {
  /** @throws ModelFormatException when a frame is given for a vector, or does not hold {@code width} values */
  public Shape {
    if (frame != null && (!sequence || frame.size() != width)) {
      throw new ModelFormatException("a " + (sequence ? "sequence" : "vector") + " of width " + width
          + " cannot have frames of " + frame.text() + " (" + frame.size() + " values)");
    }
  }

  public Shape(boolean sequence, int timesteps, int width) {
    this(sequence, timesteps, width, null);
  }

  public static Shape sequence(int timesteps, int width) {
    return new Shape(true, timesteps, width, null);
  }

  /** A sequence of {@code timesteps} frames (0: None). */
  public static Shape frames(int timesteps, Frame frame) {
    return new Shape(true, timesteps, frame.size(), frame);
  }

  public static Shape vector(int width) {
    return new Shape(false, 0, width, null);
  }

  /**
   * The size of the last (feature) axis: C for frames, else the width. A per-feature layer (one
   * that acts on the last axis alone, as BatchNormalization does) acts on rows of this many
   * values; a frame sequence is then T·H·W such rows per row of the batch.
   */
  public int channels() {
    return frame != null ? frame.channels() : width;
  }

  /** Keras' notation: (None, 10, 3), (None, 10, 32, 32, 3) or (None, 5); None for an undeclared length. */
  public String kerasText() {
    if (!sequence) {
      return "(None, " + width + ")";
    }
    String t = timesteps == 0 ? "None" : String.valueOf(timesteps);
    return "(None, " + t + ", " + (frame != null ? frame.text() : String.valueOf(width)) + ")";
  }
}
