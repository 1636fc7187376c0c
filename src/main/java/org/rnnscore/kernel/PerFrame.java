package org.rnnscore.kernel;

/** What the per-frame stages share: which rows of a frame tensor hold a step still running. */
final class PerFrame {
  private PerFrame() {}

  /**
   * The matrix rows (one frame each) that belong to a row's own steps: row t·B + p for p below
   * {@code batch.active[t]}; a finished row's later steps are neither computed nor read.
   */
  static int[] activeRows(Tensor input, Batch batch) {
    int rows = input.rows();
    if (rows != batch.steps * batch.size) {
      int[] all = new int[rows];
      for (int r = 0; r < rows; r++) {
        all[r] = r;
      }
      return all;
    }
    int count = 0;
    for (int t = 0; t < batch.steps; t++) {
      count += batch.active[t];
    }
    int[] out = new int[count];
    int i = 0;
    for (int t = 0; t < batch.steps; t++) {
      for (int p = 0; p < batch.active[t]; p++) {
        out[i++] = t * batch.size + p;
      }
    }
    return out;
  }
}
