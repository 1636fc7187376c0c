package org.rnnscore.model;

/** What the per-frame layers (under TimeDistributed) share: their input must be a sequence of frames. */
final class FrameLayers {
  private FrameLayers() {}

  static Frame requireFrames(String name, String kerasClass, Shape input, String source) {
    if (!input.sequence() || input.frame() == null) {
      throw new ModelFormatException("layer '" + name + "' (" + kerasClass + ") needs a sequence of H×W×C frames"
          + " (input shape (None, T, H, W, C)), but " + source + " gives " + input.kerasText());
    }
    return input.frame();
  }
}
