package org.rnnscore.kernel;

import org.rnnscore.model.Frame;

/**
 * What flows between stages, on the heap: a sequence ((T·B)×W, time-major, in the batch's sorted
 * order) or a vector per row (B×W), with the sequence's step mask (true = step counts) or null.
 */
public final class Tensor {
  public final boolean sequence;
  public final float[] data;
  public final int width;
  public final boolean[] mask;
  /**
   * The batch layout of a sequence whose steps are not the input batch's (RepeatVector, a Reshape
   * or Permute over time: every row n steps), or null: the layout of the stage's input.
   */
  public final Batch layout;
  /**
   * Each step's image frame when every row of the matrix is one H×W×C frame (per-step image
   * models), or null: what the per-frame stages (Conv2D, pooling) read their H, W and C from.
   */
  public final Frame frame;

  private Tensor(boolean sequence, float[] data, int width, boolean[] mask, Batch layout, Frame frame) {
    this.sequence = sequence;
    this.data = data;
    this.width = width;
    this.mask = mask;
    this.layout = layout;
    this.frame = frame;
  }

  public static Tensor sequence(float[] data, int width, boolean[] mask) {
    return new Tensor(true, data, width, mask, null, null);
  }

  public static Tensor vector(float[] data, int width) {
    return new Tensor(false, data, width, null, null, null);
  }

  /** This tensor, laid out as {@code batch} from here on (what the nodes that read it run on). */
  public Tensor laidOut(Batch batch) {
    return new Tensor(sequence, data, width, mask, batch, frame);
  }

  /** Rows of the matrix: T·B for a sequence, B for vectors. */
  public int rows() {
    return data.length / width;
  }

  /** The same rows with new values; the frame is kept only when the width is (an element-wise stage). */
  public Tensor withData(float[] newData, int newWidth) {
    return new Tensor(sequence, newData, newWidth, mask, layout, newWidth == width ? frame : null);
  }

  /** The same rows (steps) as new frames. */
  public Tensor withFrames(float[] newData, Frame newFrame) {
    return new Tensor(sequence, newData, newFrame == null ? width : newFrame.size(), mask, layout, newFrame);
  }
}
