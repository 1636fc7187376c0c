package org.rnnscore.kernel;

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

  private Tensor(boolean sequence, float[] data, int width, boolean[] mask, Batch layout) {
    this.sequence = sequence;
    this.data = data;
    this.width = width;
    this.mask = mask;
    this.layout = layout;
  }

  static Tensor sequence(float[] data, int width, boolean[] mask) {
    return new Tensor(true, data, width, mask, null);
  }

  static Tensor vector(float[] data, int width) {
    return new Tensor(false, data, width, null, null);
  }

  /** This tensor, laid out as {@code batch} from here on (what the nodes that read it run on). */
  Tensor laidOut(Batch batch) {
    return new Tensor(sequence, data, width, mask, batch);
  }

  /** Rows of the matrix: T·B for a sequence, B for vectors. */
  int rows() {
    return data.length / width;
  }

  Tensor withData(float[] newData, int newWidth) {
    return new Tensor(sequence, newData, newWidth, mask, layout);
  }
}
