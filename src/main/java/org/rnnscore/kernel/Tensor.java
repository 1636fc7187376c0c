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

  private Tensor(boolean sequence, float[] data, int width, boolean[] mask) {
    this.sequence = sequence;
    this.data = data;
    this.width = width;
    this.mask = mask;
  }

  static Tensor sequence(float[] data, int width, boolean[] mask) {
    return new Tensor(true, data, width, mask);
  }

  static Tensor vector(float[] data, int width) {
    return new Tensor(false, data, width, null);
  }

  /** Rows of the matrix: T·B for a sequence, B for vectors. */
  int rows() {
    return data.length / width;
  }

  Tensor withData(float[] newData, int newWidth) {
    return new Tensor(sequence, newData, newWidth, mask);
  }
}
