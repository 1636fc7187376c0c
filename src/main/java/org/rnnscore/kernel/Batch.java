package org.rnnscore.kernel;

import java.util.Arrays;

/**
 * A batch's layout: rows sorted by length, longest first ({@code order[p]} is the caller's row at
 * position p), and {@code active[t]}, the rows still running at step t — always a prefix.
 */
public final class Batch {
  public final int size;
  public final int steps;
  public final int[] order;
  public final int[] length;
  public final int[] active;
  /** The caller's explicit step mask in this layout (true = step counts), or null. */
  boolean[] explicitMask;

  private Batch(int[] order, int[] length) {
    this.size = order.length;
    this.order = order;
    this.length = length;
    this.steps = length[0];
    this.active = new int[steps];
    int p = size;
    for (int t = 0; t < steps; t++) {
      while (p > 0 && length[p - 1] <= t) {
        p--;
      }
      active[t] = p;
    }
  }

  static Batch of(int[] lengths, int count) {
    Integer[] rows = new Integer[count];
    for (int i = 0; i < count; i++) {
      rows[i] = i;
    }
    // Stable: rows of equal length keep their order, so a uniform batch is not permuted at all.
    Arrays.sort(rows, (a, b) -> Integer.compare(lengths[b], lengths[a]));
    int[] order = new int[count];
    int[] length = new int[count];
    for (int p = 0; p < count; p++) {
      order[p] = rows[p];
      length[p] = lengths[rows[p]];
    }
    return new Batch(order, length);
  }

  /**
   * The layout after a layer that gives every row {@code steps} steps (RepeatVector, a Reshape over
   * time): the same rows in the same positions, none dropping out; no explicit mask (it was the
   * input steps').
   */
  public Batch withSteps(int steps) {
    int[] same = new int[size];
    Arrays.fill(same, steps);
    return new Batch(order, same);
  }

  /**
   * The layout after a layer that shortens each row (Conv1D, pooling): the same rows in the same
   * positions, row p now {@code lengths[p]} steps long (at least 1, and in the same order as
   * before: a longer row never becomes shorter than a shorter one); no explicit mask.
   */
  public Batch withLengths(int[] lengths) {
    if (lengths.length != size) {
      throw new IllegalArgumentException(lengths.length + " lengths for a batch of " + size);
    }
    for (int p = 0; p < size; p++) {
      if (lengths[p] < 1 || p > 0 && lengths[p] > lengths[p - 1]) {
        throw new IllegalArgumentException("row " + order[p] + " would have " + lengths[p] + " steps"
            + (lengths[p] < 1 ? ", expected at least 1 (a row too short for the layer)" : ", out of the batch's order"));
      }
    }
    return new Batch(order, lengths.clone());
  }

  /** The same layout without the caller's explicit mask: after a layer that drops masks (Reshape, Permute). */
  Batch withoutExplicitMask() {
    return explicitMask == null ? this : new Batch(order, length);
  }

  /** True when every row has the same length: no row ever drops out. */
  public boolean uniform() {
    return length[size - 1] == steps;
  }

  /** Each row's steps in reverse order within the row's own length (go_backwards; Bidirectional). */
  float[] reverse(float[] data, int width) {
    float[] out = new float[data.length];
    for (int p = 0; p < size; p++) {
      int last = length[p] - 1;
      for (int s = 0; s <= last; s++) {
        System.arraycopy(data, ((last - s) * size + p) * width, out, (s * size + p) * width, width);
      }
    }
    return out;
  }

  boolean[] reverse(boolean[] mask) {
    if (mask == null) {
      return null;
    }
    boolean[] out = new boolean[mask.length];
    for (int p = 0; p < size; p++) {
      int last = length[p] - 1;
      for (int s = 0; s <= last; s++) {
        out[s * size + p] = mask[(last - s) * size + p];
      }
    }
    return out;
  }

  /** For each position p of {@code other}, the position in this layout of the same caller's row. */
  int[] positionsOf(Batch other) {
    int[] where = new int[size];
    for (int q = 0; q < size; q++) {
      where[order[q]] = q;
    }
    int[] position = new int[other.size];
    for (int p = 0; p < other.size; p++) {
      position[p] = where[other.order[p]];
    }
    return position;
  }

  /**
   * {@code tensor}, laid out in {@code from} (another input's row order), in this layout's order:
   * vectors row by row; a sequence step by step, which needs each row to have the same steps in
   * both (Keras merges sequences of one length).
   */
  Tensor fromOtherOrder(Tensor tensor, Batch from) {
    int[] position = from.positionsOf(this);
    int w = tensor.width;
    if (!tensor.sequence) {
      float[] out = new float[size * w];
      for (int p = 0; p < size; p++) {
        System.arraycopy(tensor.data, position[p] * w, out, p * w, w);
      }
      return Tensor.vector(out, w);
    }
    for (int p = 0; p < size; p++) {
      if (from.length[position[p]] != length[p]) {
        throw new IllegalArgumentException("row " + order[p] + " has " + length[p] + " steps in one input and "
            + from.length[position[p]] + " in another, where a layer joins their sequences");
      }
    }
    float[] out = new float[steps * size * w];
    boolean[] mask = tensor.mask == null ? null : new boolean[steps * size];
    for (int t = 0; t < steps; t++) {
      for (int p = 0; p < size && t < length[p]; p++) {
        int src = t * from.size + position[p];
        System.arraycopy(tensor.data, src * w, out, (t * size + p) * w, w);
        if (mask != null) {
          mask[t * size + p] = tensor.mask[src];
        }
      }
    }
    return Tensor.sequence(out, w, mask);
  }

  /** The final tensor as one array per caller's row, in the caller's order. */
  float[][] unsort(Tensor result) {
    float[][] out = new float[size][];
    int w = result.width;
    for (int p = 0; p < size; p++) {
      float[] row;
      if (result.sequence) {
        row = new float[length[p] * w];
        for (int t = 0; t < length[p]; t++) {
          System.arraycopy(result.data, (t * size + p) * w, row, t * w, w);
        }
      } else {
        row = Arrays.copyOfRange(result.data, p * w, (p + 1) * w);
      }
      out[order[p]] = row;
    }
    return out;
  }
}
