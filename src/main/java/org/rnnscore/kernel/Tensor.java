package org.rnnscore.kernel;

import org.rnnscore.model.Frame;

/**
 * What flows between stages, on the heap: a sequence ((T·B)×W, time-major, in the batch's sorted
 * order) or a vector per row (B×W), with the sequence's step mask (true = step counts) or null.
 */
final class Tensor {
  final boolean sequence;
  final float[] data;
  final int width;
  final boolean[] mask;
  /**
   * The batch layout of a sequence whose steps are not the input batch's (RepeatVector, a Reshape
   * or Permute over time: every row n steps), or null: the layout of the stage's input.
   */
  final Batch layout;
  /**
   * Each step's image frame when every row of the matrix is one H×W×C frame (per-step image
   * models), or null: what the per-frame stages (Conv2D, pooling) read their H, W and C from.
   */
  final Frame frame;

  private Tensor(boolean sequence, float[] data, int width, boolean[] mask, Batch layout, Frame frame) {
    this.sequence = sequence;
    this.data = data;
    this.width = width;
    this.mask = mask;
    this.layout = layout;
    this.frame = frame;
  }

  static Tensor sequence(float[] data, int width, boolean[] mask) {
    return new Tensor(true, data, width, mask, null, null);
  }

  static Tensor vector(float[] data, int width) {
    return new Tensor(false, data, width, null, null, null);
  }

  /** This tensor, laid out as {@code batch} from here on (what the nodes that read it run on). */
  Tensor laidOut(Batch batch) {
    return new Tensor(sequence, data, width, mask, batch, frame);
  }

  /** Rows of the matrix: T·B for a sequence, B for vectors. */
  int rows() {
    return data.length / width;
  }

  /** The same rows with new values; the frame is kept only when the width is (an element-wise stage). */
  Tensor withData(float[] newData, int newWidth) {
    return new Tensor(sequence, newData, newWidth, mask, layout, newWidth == width ? frame : null);
  }

  /** The same rows (steps) as new frames. */
  Tensor withFrames(float[] newData, Frame newFrame) {
    return new Tensor(sequence, newData, newFrame == null ? width : newFrame.size(), mask, layout, newFrame);
  }
}
