package org.rnnscore.kernel;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * y = x·W + b for heap matrices of any number of rows, through ND4J's GEMM. The off-heap
 * operands are kept and reused (grown when a batch needs more rows): allocating them per batch
 * makes javacpp call System.gc() and sleep once its off-heap budget fills, which measured
 * slower than the arithmetic itself. Copies in and out are bulk NIO copies.
 */
final class Affine {
  private final INDArray weights;
  private final float[] bias;
  private final int in;
  private final int out;
  private INDArray x;
  private INDArray y;
  private int capacity;
  private float[] result;

  Affine(INDArray weights, float[] bias) {
    this.weights = weights;
    this.bias = bias;
    this.in = (int) weights.rows();
    this.out = (int) weights.columns();
  }

  int outputWidth() {
    return out;
  }

  /**
   * x·W (no bias) for the first {@code rows} rows of {@code input}, left off-heap: the result's
   * first rows × out values; valid until the next call.
   */
  INDArray project(float[] input, int rows) {
    ensureCapacity(rows);
    x.data().asNioFloat().put(0, input, 0, rows * in);
    Gemm.multiply(x, rows, weights, y);
    return y;
  }

  /** x·W + b for the first {@code rows} rows of {@code input} (rows × in, row-major). */
  float[] apply(float[] input, int rows) {
    ensureCapacity(rows);
    x.data().asNioFloat().put(0, input, 0, rows * in);
    Gemm.multiply(x, rows, weights, y);
    // Reused: the caller consumes it before this Affine runs again (the next batch).
    float[] result = this.result = Buffers.reuse(this.result, rows * out);
    y.data().asNioFloat().get(0, result, 0, rows * out);
    if (bias != null) {
      for (int r = 0; r < rows; r++) {
        int base = r * out;
        for (int j = 0; j < out; j++) {
          result[base + j] += bias[j];
        }
      }
    }
    return result;
  }

  private void ensureCapacity(int rows) {
    if (rows <= capacity) {
      return;
    }
    int grown = Math.max(rows, capacity + capacity / 2);
    x = Nd4j.createUninitialized(DataType.FLOAT, new long[] {grown, in}, 'c');
    y = Nd4j.createUninitialized(DataType.FLOAT, new long[] {grown, out}, 'c');
    capacity = grown;
  }

  /** The first n rows of a row-major matrix: a view ND4J's GEMM reads and writes in place. */
  static INDArray firstRows(INDArray matrix, int n) {
    return n == matrix.rows() ? matrix : matrix.get(NDArrayIndex.interval(0, n), NDArrayIndex.all());
  }
}
