package org.rnnscore.kernel;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.rnnscore.model.Activation;

/**
 * The fused recurrent step: SimpleRNN, LSTM and GRU on the Java heap with the Vector API, no
 * BLAS, no off-heap copies and no JNI call per step.
 *
 * <p>Lanes run over the batch's rows, not over units: a tile of {@link #ROWS} rows (two vectors)
 * is carried through all its steps while its state stays in L1, and each pre-activation of the
 * tile is a vector that sums x_t·W, h·U and the bias with one FMA per weight (the weight
 * broadcast, the input a vector of ROWS rows). Every width M, D works at full lane use (no
 * padding of M to the vector length) and the activations run on whole vectors. The weights are
 * laid out once, per group of {@link #GROUP} pre-activation columns, in the order the inner loop
 * reads them. Rows past the end of their sequence or at a masked step keep their state by a
 * lane blend.
 *
 * <p>Per tile and step: the step's inputs are transposed into {@code in[k·ROWS + r]} (k < D),
 * whose rows D..D+M hold the tile's h, so that x and h are one contiguous operand; {@code pre}
 * receives each section's pre-activations ({@code pre[(s·Mp + u)·ROWS + r]}, Mp = M rounded up to
 * GROUP), then the cell's arithmetic updates the state in place.
 */
final class FusedRecurrence {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();
  /** Rows per tile: two vectors, so that each broadcast weight feeds two FMAs. */
  static final int ROWS = 2 * LANES;
  /** Pre-activation columns per inner-loop group: 8 × 2 accumulators fit AVX-512's 32 registers. */
  static final int GROUP = 8;
  /**
   * Whether the CPU fuses multiply-add: without it FloatVector.fma is emulated in software (exact
   * rounding, orders of magnitude slower), so the products are a multiply and an add instead.
   */
  static final boolean FMA = Cpu.FMA;

  /** A block of pre-activation columns and the operand rows its dot products run over. */
  private static final class Section {
    /** Where the operand rows start in the source (in, or rh for reset_before's candidate) and how many. */
    final int from;
    final int count;
    final boolean readsResetState;
    /** groups × count × GROUP: group g's weight for operand row k and column j at (g·count + k)·GROUP + j. */
    final float[] weights;
    /** Mp values: each column's bias (zeros for padding or use_bias=False). */
    final float[] bias;

    Section(int from, int count, boolean readsResetState, float[] weights, float[] bias) {
      this.from = from;
      this.count = count;
      this.readsResetState = readsResetState;
      this.weights = weights;
      this.bias = bias;
    }
  }

  private final CellKind kind;
  private final int units;
  private final int paddedUnits;
  private final int inputWidth;
  private final Activation activation;
  private final Activation recurrentActivation;
  private final boolean returnSequences;
  private final boolean zeroOutputForMask;
  private final Section[] sections;
  /** reset_before only: the candidate's (r·h)·U_h, run after z and r are known. */
  private final Section candidate;
  // Per-tile working buffers (a few KB to a few hundred KB, reused for every tile and batch).
  private final float[] in;
  private final float[] pre;
  private final float[] cell;
  private final float[] scratch;
  private final float[] resetState;
  private final boolean[] keep = new boolean[ROWS];
  /** r·D for the tile's rows r: where each row's step starts in a time-major block (the gather's index map). */
  private final int[] rowStarts = new int[ROWS];
  private float[] h;
  private float[] out;

  /**
   * @param kernel D × G·M, row-major, Keras' gate order
   * @param recurrentKernel M × G·M
   * @param bias G·M values, or for GRU reset_after 2·G·M (input row, then recurrent row), or null
   */
  FusedRecurrence(CellKind kind, int units, int gates, int inputWidth, float[] kernel, float[] recurrentKernel,
      float[] bias, Activation activation, Activation recurrentActivation, boolean returnSequences,
      boolean zeroOutputForMask) {
    this.kind = kind;
    this.units = units;
    this.paddedUnits = (units + GROUP - 1) / GROUP * GROUP;
    this.inputWidth = inputWidth;
    this.activation = activation;
    this.recurrentActivation = recurrentActivation;
    this.returnSequences = returnSequences;
    this.zeroOutputForMask = zeroOutputForMask;
    int d = inputWidth;
    int m = units;
    int width = gates * m;
    Section[] built;
    Section second = null;
    switch (kind) {
      case SIMPLE:
      case LSTM: {
        built = new Section[gates];
        for (int s = 0; s < gates; s++) {
          built[s] = section(kernel, recurrentKernel, width, s, 0, d + m, false, biasOf(bias, 0, s));
        }
        break;
      }
      case GRU_RESET_AFTER: {
        // z and r sum both biases; the candidate keeps x·W_h + b_x apart from h·U_h + b_h (r scales the latter).
        float[] z = sum(biasOf(bias, 0, 0), biasOf(bias, width, 0));
        float[] r = sum(biasOf(bias, 0, 1), biasOf(bias, width, 1));
        built = new Section[] {
          section(kernel, recurrentKernel, width, 0, 0, d + m, false, z),
          section(kernel, recurrentKernel, width, 1, 0, d + m, false, r),
          section(kernel, recurrentKernel, width, 2, 0, d, false, biasOf(bias, 0, 2)),
          section(kernel, recurrentKernel, width, 2, d, m, false, biasOf(bias, width, 2)),
        };
        break;
      }
      case GRU_RESET_BEFORE: {
        built = new Section[] {
          section(kernel, recurrentKernel, width, 0, 0, d + m, false, biasOf(bias, 0, 0)),
          section(kernel, recurrentKernel, width, 1, 0, d + m, false, biasOf(bias, 0, 1)),
          section(kernel, recurrentKernel, width, 2, 0, d, false, biasOf(bias, 0, 2)),
        };
        second = section(kernel, recurrentKernel, width, 2, d, m, true, new float[paddedUnits]);
        break;
      }
      default:
        throw new IllegalStateException(kind.name());
    }
    this.sections = built;
    this.candidate = second;
    int preSections = built.length + (second == null ? 0 : 1);
    this.in = new float[(d + m) * ROWS];
    this.pre = new float[preSections * paddedUnits * ROWS];
    this.cell = kind == CellKind.LSTM ? new float[m * ROWS] : null;
    this.scratch = new float[m * ROWS];
    this.resetState = kind == CellKind.GRU_RESET_BEFORE ? new float[m * ROWS] : null;
    for (int r = 0; r < ROWS; r++) {
      rowStarts[r] = r * d;
    }
  }

  /** Gate {@code gate}'s M biases from {@code bias} starting at {@code offset}; zeros for no bias. */
  private float[] biasOf(float[] bias, int offset, int gate) {
    float[] out = new float[paddedUnits];
    if (bias != null) {
      System.arraycopy(bias, offset + gate * units, out, 0, units);
    }
    return out;
  }

  private static float[] sum(float[] a, float[] b) {
    float[] out = a.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] += b[i];
    }
    return out;
  }

  /**
   * Lays out gate {@code gate}'s columns for the inner loop over the operand rows [from, from +
   * count) of [W; U] (the input rows are 0..D-1, the state rows D..D+M-1), padded to Mp columns.
   */
  private Section section(float[] kernel, float[] recurrentKernel, int width, int gate, int from, int count,
      boolean readsResetState, float[] bias) {
    int groups = paddedUnits / GROUP;
    float[] packed = new float[groups * count * GROUP];
    for (int g = 0; g < groups; g++) {
      for (int k = 0; k < count; k++) {
        int row = from + k;
        for (int j = 0; j < GROUP; j++) {
          int unit = g * GROUP + j;
          if (unit >= units) {
            continue;
          }
          int column = gate * units + unit;
          packed[(g * count + k) * GROUP + j] = row < inputWidth
              ? kernel[row * width + column]
              : recurrentKernel[(row - inputWidth) * width + column];
        }
      }
    }
    // reset_before's candidate reads r·h from its own buffer, from its first row.
    return new Section(readsResetState ? 0 : from, count, readsResetState, packed, bias);
  }

  /**
   * The layer over a batch, as {@link RecurrentStage#run(Tensor, Batch, float[], float[])} specifies
   * (the input already in processing order: reversed by the caller for go_backwards).
   */
  Tensor run(float[] x, boolean[] mask, boolean[] outputMask, Batch batch, float[] initial, float[] last) {
    int b = batch.size;
    int m = units;
    int stateWidth = kind == CellKind.LSTM ? 2 * m : m;
    float[] h = this.h = Buffers.reuse(this.h, b * m);
    float[] out = returnSequences ? (this.out = Buffers.reuse(this.out, batch.steps * b * m)) : null;
    for (int r0 = 0; r0 < b; r0 += ROWS) {
      int rows = Math.min(ROWS, b - r0);
      startTile(r0, rows, initial, stateWidth);
      int tileSteps = batch.length[r0];
      for (int t = 0; t < tileSteps; t++) {
        boolean all = keepMask(batch, mask, t, r0, rows);
        loadInputs(x, t * b + r0, rows);
        step(all);
        if (out != null) {
          writeOutputs(out, batch, mask, t, r0, rows);
        }
      }
      finishTile(h, r0, rows, last, stateWidth);
    }
    if (returnSequences) {
      return Tensor.sequence(out, m, outputMask);
    }
    if (zeroOutputForMask && mask != null) {
      for (int p = 0; p < b; p++) {
        if (!mask[(batch.length[p] - 1) * b + p]) {
          Arrays.fill(h, p * m, (p + 1) * m, 0f);
        }
      }
    }
    return Tensor.vector(h, m);
  }

  private void startTile(int r0, int rows, float[] initial, int stateWidth) {
    int d = inputWidth;
    int m = units;
    Arrays.fill(in, 0f);
    if (cell != null) {
      Arrays.fill(cell, 0f);
    }
    if (initial == null) {
      return;
    }
    for (int r = 0; r < rows; r++) {
      int at = (r0 + r) * stateWidth;
      for (int u = 0; u < m; u++) {
        in[(d + u) * ROWS + r] = initial[at + u];
        if (cell != null) {
          cell[u * ROWS + r] = initial[at + m + u];
        }
      }
    }
  }

  private void finishTile(float[] h, int r0, int rows, float[] last, int stateWidth) {
    int d = inputWidth;
    int m = units;
    for (int r = 0; r < rows; r++) {
      int p = r0 + r;
      for (int u = 0; u < m; u++) {
        h[p * m + u] = in[(d + u) * ROWS + r];
      }
      if (last != null) {
        for (int u = 0; u < m; u++) {
          last[p * stateWidth + u] = in[(d + u) * ROWS + r];
          if (cell != null) {
            last[p * stateWidth + m + u] = cell[u * ROWS + r];
          }
        }
      }
    }
  }

  /** Fills {@link #keep}: which tile rows take step t; true when all ROWS do. */
  private boolean keepMask(Batch batch, boolean[] mask, int t, int r0, int rows) {
    boolean all = rows == ROWS;
    int b = batch.size;
    for (int r = 0; r < ROWS; r++) {
      boolean k = r < rows && t < batch.length[r0 + r] && (mask == null || mask[t * b + r0 + r]);
      keep[r] = k;
      all &= k;
    }
    return all;
  }

  /** in[k·ROWS + r] = x of row r0 + r at step t, for the tile's rows (rows past b stay zero). */
  private void loadInputs(float[] x, int firstRow, int rows) {
    int d = inputWidth;
    if (rows == ROWS) {
      // A full tile: each feature k of the ROWS rows is a strided gather (one instruction on
      // AVX-512), instead of ROWS scalar moves; the scalar loop was the S2 step's largest cost.
      int base = firstRow * d;
      for (int k = 0; k < d; k++) {
        FloatVector.fromArray(SPECIES, x, base + k, rowStarts, 0).intoArray(in, k * ROWS);
        FloatVector.fromArray(SPECIES, x, base + k, rowStarts, LANES).intoArray(in, k * ROWS + LANES);
      }
      return;
    }
    for (int r = 0; r < rows; r++) {
      int from = (firstRow + r) * d;
      for (int k = 0; k < d; k++) {
        in[k * ROWS + r] = x[from + k];
      }
    }
  }

  private void writeOutputs(float[] out, Batch batch, boolean[] mask, int t, int r0, int rows) {
    int d = inputWidth;
    int m = units;
    int b = batch.size;
    for (int r = 0; r < rows; r++) {
      int p = r0 + r;
      if (t >= batch.length[p]) {
        continue; // past the row's end: never read
      }
      int at = (t * b + p) * m;
      if (zeroOutputForMask && !keep[r]) {
        Arrays.fill(out, at, at + m, 0f);
        continue;
      }
      for (int u = 0; u < m; u++) {
        out[at + u] = in[(d + u) * ROWS + r];
      }
    }
  }

  /** One step of the tile: pre-activations, then the cell's update of h (and c) in place. */
  private void step(boolean all) {
    for (int s = 0; s < sections.length; s++) {
      accumulate(sections[s], in, s);
    }
    switch (kind) {
      case SIMPLE:
        simpleUpdate(all);
        return;
      case LSTM:
        lstmUpdate(all);
        return;
      case GRU_RESET_AFTER:
      case GRU_RESET_BEFORE:
        gruUpdate(all);
        return;
      default:
        throw new IllegalStateException(kind.name());
    }
  }

  private int sectionAt(int s) {
    return s * paddedUnits * ROWS;
  }

  /** pre[section s] = bias + source rows · the section's weights, group by group. */
  private void accumulate(Section section, float[] source, int s) {
    float[] src = section.readsResetState ? resetState : source;
    int groups = paddedUnits / GROUP;
    int base = sectionAt(s);
    for (int g = 0; g < groups; g++) {
      group(section.weights, g * section.count * GROUP, src, section.from * ROWS, section.count, section.bias,
          g * GROUP, pre, base + g * GROUP * ROWS);
    }
  }

  /**
   * The inner loop: GROUP columns × ROWS rows of pre-activations, 16 vector accumulators, each
   * weight broadcast once and multiplied into both row vectors.
   */
  private static void group(float[] w, int wAt, float[] src, int srcAt, int count, float[] bias, int biasAt,
      float[] pre, int preAt) {
    FloatVector a0 = FloatVector.broadcast(SPECIES, bias[biasAt]);
    FloatVector a1 = FloatVector.broadcast(SPECIES, bias[biasAt + 1]);
    FloatVector a2 = FloatVector.broadcast(SPECIES, bias[biasAt + 2]);
    FloatVector a3 = FloatVector.broadcast(SPECIES, bias[biasAt + 3]);
    FloatVector a4 = FloatVector.broadcast(SPECIES, bias[biasAt + 4]);
    FloatVector a5 = FloatVector.broadcast(SPECIES, bias[biasAt + 5]);
    FloatVector a6 = FloatVector.broadcast(SPECIES, bias[biasAt + 6]);
    FloatVector a7 = FloatVector.broadcast(SPECIES, bias[biasAt + 7]);
    FloatVector b0 = a0;
    FloatVector b1 = a1;
    FloatVector b2 = a2;
    FloatVector b3 = a3;
    FloatVector b4 = a4;
    FloatVector b5 = a5;
    FloatVector b6 = a6;
    FloatVector b7 = a7;
    int wi = wAt;
    int xi = srcAt;
    // Two copies of the loop rather than one calling a multiply-add helper: with the helper the
    // JIT no longer kept the accumulators in registers (measured: LSTM S1 237k → 122k rows/s).
    if (FMA) {
      for (int k = 0; k < count; k++, wi += GROUP, xi += ROWS) {
        FloatVector x0 = FloatVector.fromArray(SPECIES, src, xi);
        FloatVector x1 = FloatVector.fromArray(SPECIES, src, xi + LANES);
        FloatVector v = FloatVector.broadcast(SPECIES, w[wi]);
        a0 = x0.fma(v, a0);
        b0 = x1.fma(v, b0);
        v = FloatVector.broadcast(SPECIES, w[wi + 1]);
        a1 = x0.fma(v, a1);
        b1 = x1.fma(v, b1);
        v = FloatVector.broadcast(SPECIES, w[wi + 2]);
        a2 = x0.fma(v, a2);
        b2 = x1.fma(v, b2);
        v = FloatVector.broadcast(SPECIES, w[wi + 3]);
        a3 = x0.fma(v, a3);
        b3 = x1.fma(v, b3);
        v = FloatVector.broadcast(SPECIES, w[wi + 4]);
        a4 = x0.fma(v, a4);
        b4 = x1.fma(v, b4);
        v = FloatVector.broadcast(SPECIES, w[wi + 5]);
        a5 = x0.fma(v, a5);
        b5 = x1.fma(v, b5);
        v = FloatVector.broadcast(SPECIES, w[wi + 6]);
        a6 = x0.fma(v, a6);
        b6 = x1.fma(v, b6);
        v = FloatVector.broadcast(SPECIES, w[wi + 7]);
        a7 = x0.fma(v, a7);
        b7 = x1.fma(v, b7);
      }
    } else {
      for (int k = 0; k < count; k++, wi += GROUP, xi += ROWS) {
        FloatVector x0 = FloatVector.fromArray(SPECIES, src, xi);
        FloatVector x1 = FloatVector.fromArray(SPECIES, src, xi + LANES);
        FloatVector v = FloatVector.broadcast(SPECIES, w[wi]);
        a0 = a0.add(x0.mul(v));
        b0 = b0.add(x1.mul(v));
        v = FloatVector.broadcast(SPECIES, w[wi + 1]);
        a1 = a1.add(x0.mul(v));
        b1 = b1.add(x1.mul(v));
        v = FloatVector.broadcast(SPECIES, w[wi + 2]);
        a2 = a2.add(x0.mul(v));
        b2 = b2.add(x1.mul(v));
        v = FloatVector.broadcast(SPECIES, w[wi + 3]);
        a3 = a3.add(x0.mul(v));
        b3 = b3.add(x1.mul(v));
        v = FloatVector.broadcast(SPECIES, w[wi + 4]);
        a4 = a4.add(x0.mul(v));
        b4 = b4.add(x1.mul(v));
        v = FloatVector.broadcast(SPECIES, w[wi + 5]);
        a5 = a5.add(x0.mul(v));
        b5 = b5.add(x1.mul(v));
        v = FloatVector.broadcast(SPECIES, w[wi + 6]);
        a6 = a6.add(x0.mul(v));
        b6 = b6.add(x1.mul(v));
        v = FloatVector.broadcast(SPECIES, w[wi + 7]);
        a7 = a7.add(x0.mul(v));
        b7 = b7.add(x1.mul(v));
      }
    }
    int at = preAt;
    a0.intoArray(pre, at);
    b0.intoArray(pre, at + LANES);
    at += ROWS;
    a1.intoArray(pre, at);
    b1.intoArray(pre, at + LANES);
    at += ROWS;
    a2.intoArray(pre, at);
    b2.intoArray(pre, at + LANES);
    at += ROWS;
    a3.intoArray(pre, at);
    b3.intoArray(pre, at + LANES);
    at += ROWS;
    a4.intoArray(pre, at);
    b4.intoArray(pre, at + LANES);
    at += ROWS;
    a5.intoArray(pre, at);
    b5.intoArray(pre, at + LANES);
    at += ROWS;
    a6.intoArray(pre, at);
    b6.intoArray(pre, at + LANES);
    at += ROWS;
    a7.intoArray(pre, at);
    b7.intoArray(pre, at + LANES);
  }

  private VectorMask<Float> keepLanes(int half) {
    return VectorMask.fromArray(SPECIES, keep, half);
  }

  /** h = act(pre). */
  private void simpleUpdate(boolean all) {
    int m = units;
    int hAt = inputWidth * ROWS;
    FastMath.activate(pre, 0, m * ROWS, activation);
    if (all) {
      System.arraycopy(pre, 0, in, hAt, m * ROWS);
      return;
    }
    VectorMask<Float> k0 = keepLanes(0);
    VectorMask<Float> k1 = keepLanes(LANES);
    for (int i = 0; i < m * ROWS; i += ROWS) {
      blendInto(in, hAt + i, pre, i, k0);
      blendInto(in, hAt + i + LANES, pre, i + LANES, k1);
    }
  }

  /** c = f·c + i·g; h = o·act(c), with i, f, g, o the activated sections 0..3. */
  private void lstmUpdate(boolean all) {
    int m = units;
    int n = m * ROWS;
    int i0 = sectionAt(0);
    int f0 = sectionAt(1);
    int g0 = sectionAt(2);
    int o0 = sectionAt(3);
    FastMath.activate(pre, i0, i0 + n, recurrentActivation);
    FastMath.activate(pre, f0, f0 + n, recurrentActivation);
    FastMath.activate(pre, g0, g0 + n, activation);
    FastMath.activate(pre, o0, o0 + n, recurrentActivation);
    for (int i = 0; i < n; i += LANES) {
      FloatVector c = FloatVector.fromArray(SPECIES, cell, i);
      FloatVector gate = FloatVector.fromArray(SPECIES, pre, i0 + i);
      FloatVector forget = FloatVector.fromArray(SPECIES, pre, f0 + i);
      FloatVector candidate = FloatVector.fromArray(SPECIES, pre, g0 + i);
      FloatVector next = FMA ? c.fma(forget, gate.mul(candidate)) : c.mul(forget).add(gate.mul(candidate));
      next.intoArray(scratch, i);
    }
    if (all) {
      System.arraycopy(scratch, 0, cell, 0, n);
    } else {
      VectorMask<Float> k0 = keepLanes(0);
      VectorMask<Float> k1 = keepLanes(LANES);
      for (int i = 0; i < n; i += ROWS) {
        blendInto(cell, i, scratch, i, k0);
        blendInto(cell, i + LANES, scratch, i + LANES, k1);
      }
    }
    FastMath.activate(scratch, 0, n, activation);
    int hAt = inputWidth * ROWS;
    VectorMask<Float> k0 = all ? null : keepLanes(0);
    VectorMask<Float> k1 = all ? null : keepLanes(LANES);
    for (int i = 0; i < n; i += ROWS) {
      for (int half = 0; half < ROWS; half += LANES) {
        FloatVector hNew = FloatVector.fromArray(SPECIES, scratch, i + half)
            .mul(FloatVector.fromArray(SPECIES, pre, o0 + i + half));
        if (all) {
          hNew.intoArray(in, hAt + i + half);
        } else {
          FloatVector.fromArray(SPECIES, in, hAt + i + half).blend(hNew, half == 0 ? k0 : k1)
              .intoArray(in, hAt + i + half);
        }
      }
    }
  }

  /**
   * z and r from sections 0 and 1; the candidate ĥ = act(x·W_h + b + r·(h·U_h + b_h)) (reset_after:
   * sections 2 and 3) or act(x·W_h + b + (r·h)·U_h) (reset_before: section 2, then the second
   * pass over r·h); h = z·h + (1 − z)·ĥ.
   */
  private void gruUpdate(boolean all) {
    int m = units;
    int n = m * ROWS;
    int z0 = sectionAt(0);
    int r0 = sectionAt(1);
    int x0 = sectionAt(2);
    int hAt = inputWidth * ROWS;
    FastMath.activate(pre, z0, z0 + n, recurrentActivation);
    FastMath.activate(pre, r0, r0 + n, recurrentActivation);
    if (kind == CellKind.GRU_RESET_AFTER) {
      int h0 = sectionAt(3);
      for (int i = 0; i < n; i += LANES) {
        FloatVector r = FloatVector.fromArray(SPECIES, pre, r0 + i);
        FloatVector xh = FloatVector.fromArray(SPECIES, pre, x0 + i);
        FloatVector hh = FloatVector.fromArray(SPECIES, pre, h0 + i);
        (FMA ? hh.fma(r, xh) : hh.mul(r).add(xh)).intoArray(scratch, i);
      }
    } else {
      for (int i = 0; i < n; i += LANES) {
        FloatVector.fromArray(SPECIES, pre, r0 + i).mul(FloatVector.fromArray(SPECIES, in, hAt + i))
            .intoArray(resetState, i);
      }
      int c0 = sectionAt(3);
      accumulate(candidate, in, 3);
      for (int i = 0; i < n; i += LANES) {
        FloatVector.fromArray(SPECIES, pre, x0 + i).add(FloatVector.fromArray(SPECIES, pre, c0 + i))
            .intoArray(scratch, i);
      }
    }
    FastMath.activate(scratch, 0, n, activation);
    VectorMask<Float> k0 = all ? null : keepLanes(0);
    VectorMask<Float> k1 = all ? null : keepLanes(LANES);
    for (int i = 0; i < n; i += ROWS) {
      for (int half = 0; half < ROWS; half += LANES) {
        FloatVector z = FloatVector.fromArray(SPECIES, pre, z0 + i + half);
        FloatVector hOld = FloatVector.fromArray(SPECIES, in, hAt + i + half);
        FloatVector candidate = FloatVector.fromArray(SPECIES, scratch, i + half);
        // z·h + (1 − z)·ĥ = ĥ + z·(h − ĥ)
        FloatVector hNew = FMA ? hOld.sub(candidate).fma(z, candidate) : hOld.sub(candidate).mul(z).add(candidate);
        (all ? hNew : hOld.blend(hNew, half == 0 ? k0 : k1)).intoArray(in, hAt + i + half);
      }
    }
  }

  /** target[at : at+LANES] = keep ? source[from...] : target, lane by lane. */
  private static void blendInto(float[] target, int at, float[] source, int from, VectorMask<Float> keep) {
    FloatVector.fromArray(SPECIES, target, at).blend(FloatVector.fromArray(SPECIES, source, from), keep)
        .intoArray(target, at);
  }
}
