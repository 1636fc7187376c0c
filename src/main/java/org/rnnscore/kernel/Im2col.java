package org.rnnscore.kernel;

import java.util.Arrays;

/**
 * im2col for convolutions over the kernel's time-major batches: each output step of each row
 * becomes one row of a patch matrix (the input values its kernel taps read, zeros where a tap
 * falls outside the row), so that a whole batch's convolution is one GEMM, patches × kernel.
 * Only the rows still running at an output step get a patch row: patch rows are packed, step by
 * step, each step's active prefix of the batch ({@link Batch#active}), and {@link #scatter} puts
 * the product back into the time-major layout.
 */
final class Im2col {
  private Im2col() {}

  /**
   * Patch rows of a 1-D convolution for output steps [from, to): for output step t of row p,
   * taps i = 0…taps−1 read input step t·stride + i·dilation − padLeft[p] (in [0, inLength[p])
   * or zero), laid out tap-major (tap i's {@code width} values at i·width), which is the row
   * order of a Keras kernel (taps, width, filters) read as a (taps·width)×filters matrix.
   *
   * @param x the input, time-major: row p's step t at (t·size + p)·width
   * @param activeOut per output step, the rows that have it (a prefix)
   * @param patches receives the patch rows, packed; at least {@link #rows}(activeOut, from, to)·taps·width long
   * @return the number of patch rows written
   */
  static int gather1d(float[] x, int size, int width, int[] inLength, int[] padLeft, int[] activeOut, int from,
      int to, int taps, int stride, int dilation, float[] patches) {
    int patchWidth = taps * width;
    int row = 0;
    for (int t = from; t < to; t++) {
      for (int p = 0; p < activeOut[t]; p++, row++) {
        int base = row * patchWidth;
        int start = t * stride - padLeft[p];
        for (int i = 0; i < taps; i++) {
          int step = start + i * dilation;
          int at = base + i * width;
          if (step < 0 || step >= inLength[p]) {
            Arrays.fill(patches, at, at + width, 0f);
          } else {
            System.arraycopy(x, (step * size + p) * width, patches, at, width);
          }
        }
      }
    }
    return row;
  }

  /** The packed rows output steps [from, to) have. */
  static int rows(int[] activeOut, int from, int to) {
    int rows = 0;
    for (int t = from; t < to; t++) {
      rows += activeOut[t];
    }
    return rows;
  }

  /**
   * The first output step after {@code from} that would take the packed rows of [from, step)
   * beyond {@code maxRows} (at least from + 1: one step always goes): how a batch too large for
   * one patch matrix is cut into a few GEMMs.
   */
  static int chunkEnd(int[] activeOut, int from, int steps, int maxRows) {
    int rows = activeOut[from];
    int to = from + 1;
    while (to < steps && rows + activeOut[to] <= maxRows) {
      rows += activeOut[to];
      to++;
    }
    return to;
  }

  /** Packed product rows of output steps [from, to) into the time-major {@code out} (step t's at t·size·width). */
  static void scatter(float[] packed, int[] activeOut, int from, int to, int size, int width, float[] out) {
    int row = 0;
    for (int t = from; t < to; t++) {
      System.arraycopy(packed, row * width, out, t * size * width, activeOut[t] * width);
      row += activeOut[t];
    }
  }
}
