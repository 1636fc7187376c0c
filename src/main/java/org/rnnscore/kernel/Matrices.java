package org.rnnscore.kernel;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnnscore.model.Activation;
import org.rnnscore.model.WeightArray;

/** Heap ↔ ND4J copies, the one GEMM shape the stages use, and activations on heap arrays. */
final class Matrices {
  private Matrices() {}

  static INDArray matrix(WeightArray array) {
    return Nd4j.create(array.data(), new long[] {array.dim(0), array.dim(1)}, 'c');
  }

  static INDArray matrix(float[] data, int rows, int cols) {
    return Nd4j.create(data, new long[] {rows, cols}, 'c');
  }

  /** A column block [from, from + width) of a weight matrix, as its own contiguous matrix. */
  static INDArray columns(WeightArray array, int from, int width) {
    int rows = array.dim(0);
    int cols = array.dim(1);
    float[] all = array.data();
    float[] out = new float[rows * width];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(all, r * cols + from, out, r * width, width);
    }
    return matrix(out, rows, width);
  }

  /** Applies an activation in place over a rows×width matrix; softmax over each row. */
  static void activate(float[] v, int width, Activation activation) {
    if (activation == Activation.LINEAR) {
      return;
    }
    if (activation.isElementwise()) {
      // Exact (double) definitions: a Dense output's small sigmoid values keep their relative
      // precision, and these layers are a sliver of the work.
      for (int i = 0; i < v.length; i++) {
        v[i] = activation.apply(v[i]);
      }
      return;
    }
    boolean log = activation == Activation.LOG_SOFTMAX;
    for (int offset = 0; offset < v.length; offset += width) {
      double max = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < width; i++) {
        max = Math.max(max, v[offset + i]);
      }
      double sum = 0;
      for (int i = 0; i < width; i++) {
        sum += Math.exp(v[offset + i] - max);
      }
      double logSum = Math.log(sum);
      for (int i = 0; i < width; i++) {
        double shifted = v[offset + i] - max;
        v[offset + i] = (float) (log ? shifted - logSum : Math.exp(shifted) / sum);
      }
    }
  }
}
