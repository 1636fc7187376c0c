package org.rnnscore.model;

import java.io.Serializable;

/**
 * The shape of one image frame of a per-step image model (Keras channels_last: height × width ×
 * channels). A step of such a sequence is one frame, its H·W·C values row-major (row, column,
 * channel), which is how Keras lays out a (T, H, W, C) tensor's step.
 */
public record Frame(int height, int width, int channels) implements Serializable {
  /** @throws ModelFormatException when a dimension is below 1 */
  public Frame {
    if (height < 1 || width < 1 || channels < 1) {
      throw new ModelFormatException("a frame of " + height + "×" + width + "×" + channels
          + " (H×W×C), expected every dimension at least 1");
    }
    if ((long) height * width * channels > Integer.MAX_VALUE / 8) {
      throw new ModelFormatException("a frame of " + height + "×" + width + "×" + channels
          + " (H×W×C) holds more values than rnnscore scores per step (" + Integer.MAX_VALUE / 8 + ")");
    }
  }

  /** H·W·C: the values of one frame (one step). */
  public int size() {
    return height * width * channels;
  }

  /** "32, 32, 3", as Keras shapes print it. */
  public String text() {
    return height + ", " + width + ", " + channels;
  }
}
