package org.rnnscore.kernel;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnnscore.model.Activation;
import org.rnnscore.model.RecurrentLayer;
import org.rnnscore.model.WeightArray;

/**
 * SimpleRNN, LSTM and GRU over a batch laid out as {@link Batch} describes, on one of two paths
 * chosen per layer at construction ({@link KernelPath#choose}): the fused step ({@link
 * FusedRecurrence}: the Vector API on the heap, tiles of rows carried through all their steps),
 * or the BLAS path described next.
 *
 * <p>BLAS path: all steps' input projections x·W (+ input bias) are one GEMM. Then per step t, for the
 * rows still running: S = H·U on ND4J (H kept off-heap for the GEMM), then the gate arithmetic
 * on the heap, row by row, skipping the state update of masked steps (Keras carries the state
 * over and repeats the last output, or outputs zeros with zero_output_for_mask).
 */
public final class RecurrentStage implements Stage {
  private final CellKind kind;
  private final KernelPath.Choice choice;
  /** The fused path's implementation, or null on the BLAS path (whose operands follow). */
  private final FusedRecurrence fused;
  private final int units;
  private final int gates;
  private final boolean goBackwards;
  private final boolean returnSequences;
  private final boolean zeroOutputForMask;
  private final Activation activation;
  private final Activation recurrentActivation;
  private final Affine inputProjection;
  /** H·U's weights: the whole recurrent kernel, or for GRU reset_before its z and r columns only. */
  private final INDArray recurrentKernel;
  /** GRU reset_before: the h columns, applied to r·H. */
  private final INDArray candidateKernel;
  // Per-step operands, kept across batches (see Affine for why); grown to the largest batch.
  private int capacity;
  private INDArray stateNd;
  private INDArray productNd;
  private INDArray resetNd;
  private INDArray candidateNd;
  private float[] h;
  private float[] c;
  private float[] product;
  private float[] gate;
  private float[] out;
  private float[] reset;
  private float[] candidate;
  /** Added to x·W per step (for GRU reset_after, the first bias row). */
  private final float[] inputBias;
  /** GRU reset_after: the second bias row, added to H·U. */
  private final float[] recurrentBias;

  public RecurrentStage(RecurrentLayer layer) {
    this.units = layer.units();
    this.gates = layer.gates();
    this.goBackwards = layer.goBackwards();
    this.returnSequences = layer.returnSequences();
    this.zeroOutputForMask = layer.sequencing().zeroOutputForMask();
    this.activation = layer.activation();
    this.recurrentActivation = layer.recurrentActivation();
    WeightArray bias = layer.bias().orElse(null);
    this.kind = CellKind.of(layer);
    this.choice = KernelPath.choose(layer, KernelPath.requested());
    int width = gates * units;
    if (choice.path() == KernelPath.FUSED) {
      this.fused = new FusedRecurrence(kind, units, gates, layer.inputWidth(), layer.kernel().data(),
          layer.recurrentKernel().data(), bias == null ? null : bias.data(), activation, recurrentActivation,
          returnSequences, zeroOutputForMask);
      this.recurrentKernel = null;
      this.candidateKernel = null;
      this.inputBias = null;
      this.recurrentBias = null;
      this.inputProjection = null;
      return;
    }
    this.fused = null;
    if (kind == CellKind.GRU_RESET_BEFORE) {
      this.recurrentKernel = Matrices.columns(layer.recurrentKernel(), 0, 2 * units);
      this.candidateKernel = Matrices.columns(layer.recurrentKernel(), 2 * units, units);
    } else {
      this.recurrentKernel = Matrices.matrix(layer.recurrentKernel());
      this.candidateKernel = null;
    }
    if (bias == null) {
      this.inputBias = null;
      this.recurrentBias = null;
    } else if (kind == CellKind.GRU_RESET_AFTER) {
      float[] both = bias.data();
      this.inputBias = java.util.Arrays.copyOfRange(both, 0, width);
      this.recurrentBias = java.util.Arrays.copyOfRange(both, width, 2 * width);
    } else {
      this.inputBias = bias.data();
      this.recurrentBias = null;
    }
    this.inputProjection = new Affine(Matrices.matrix(layer.kernel()), null);
  }

  /** The path this layer runs on, and why. */
  KernelPath.Choice choice() {
    return choice;
  }

  boolean goBackwards() {
    return goBackwards;
  }

  /** Values per row of this layer's state: M (h), or 2·M for LSTM (h then c). */
  int stateWidth() {
    return kind == CellKind.LSTM ? 2 * units : units;
  }

  @Override
  public Tensor apply(Tensor input, Batch batch) {
    return run(input, batch);
  }

  /**
   * Runs the layer. With go_backwards each row is read last step first and, with
   * return_sequences, the outputs come in that processing order, as Keras returns them.
   */
  Tensor run(Tensor input, Batch batch) {
    return run(input, batch, null, null);
  }

  /**
   * Runs the layer from a given initial state and/or reports its final state.
   *
   * @param initial the state before the first step, per row in the batch's sorted order: row p's
   *     h at {@code p·S}, then for LSTM its c at {@code p·S + M} (S = {@link #stateWidth()}); null
   *     for zeros
   * @param last receives, in the same layout, each row's state after its last step (before any
   *     zero_output_for_mask zeroing of the output); null when not wanted
   */
  Tensor run(Tensor input, Batch batch, float[] initial, float[] last) {
    int b = batch.size;
    int steps = batch.steps;
    int m = units;
    int width = gates * m;
    float[] x = goBackwards ? batch.reverse(input.data, input.width) : input.data;
    boolean[] mask = goBackwards ? batch.reverse(input.mask) : input.mask;
    if (fused != null) {
      return fused.run(x, mask, input.mask, batch, initial, last);
    }
    // x·W for every step, left off-heap: each step reads its own block (cache-sized) from there.
    FloatBuffer projected = inputProjection.project(x, steps * b).data().asNioFloat();

    int productWidth = kind == CellKind.GRU_RESET_BEFORE ? 2 * m : width;
    ensureCapacity(b, productWidth);
    FloatBuffer stateBuffer = stateNd.data().asNioFloat();
    FloatBuffer productBuffer = productNd.data().asNioFloat();
    // Heap buffers reused across batches (see Buffers); only the state needs clearing.
    float[] reset = kind == CellKind.GRU_RESET_BEFORE ? (this.reset = Buffers.reuse(this.reset, b * m)) : null;
    float[] candidate = kind == CellKind.GRU_RESET_BEFORE ? (this.candidate = Buffers.reuse(this.candidate, b * m)) : null;
    float[] h = this.h = Buffers.reuse(this.h, b * m);
    java.util.Arrays.fill(h, 0f);
    float[] c = null;
    if (kind == CellKind.LSTM) {
      c = this.c = Buffers.reuse(this.c, b * m);
      java.util.Arrays.fill(c, 0f);
    }
    int stateWidth = stateWidth();
    if (initial != null) {
      for (int p = 0; p < b; p++) {
        System.arraycopy(initial, p * stateWidth, h, p * m, m);
        if (c != null) {
          System.arraycopy(initial, p * stateWidth + m, c, p * m, m);
        }
      }
      stateBuffer.put(0, h, 0, b * m);
    }
    float[] product = this.product = Buffers.reuse(this.product, b * productWidth);
    float[] gate = this.gate = Buffers.reuse(this.gate, b * width);
    float[] out = returnSequences ? (this.out = Buffers.reuse(this.out, steps * b * m)) : null;

    for (int t = 0; t < steps; t++) {
      int n = batch.active[t];
      if (t > 0 || initial != null) {
        Gemm.multiply(stateNd, n, recurrentKernel, productNd);
        productBuffer.get(0, product, 0, n * productWidth);
      } else {
        java.util.Arrays.fill(product, 0, n * productWidth, 0f); // H = 0, so H·U = 0
      }
      if (kind == CellKind.GRU_RESET_BEFORE) {
        // The candidate needs (r·H)·U_h: z and r first, then a second GEMM.
        loadStep(projected, t * b * width, gate, n);
        for (int p = 0; p < n; p++) {
          int at = p * width;
          for (int j = 0; j < 2 * m; j++) {
            gate[at + j] += product[p * productWidth + j];
          }
          FastMath.activate(gate, at, at + 2 * m, recurrentActivation);
          for (int j = 0; j < m; j++) {
            reset[p * m + j] = gate[at + m + j] * h[p * m + j];
          }
        }
        resetNd.data().asNioFloat().put(0, reset, 0, n * m);
        Gemm.multiply(resetNd, n, candidateKernel, candidateNd);
        candidateNd.data().asNioFloat().get(0, candidate, 0, n * m);
      } else if (kind == CellKind.GRU_RESET_AFTER) {
        loadStep(projected, t * b * width, gate, n);
      } else {
        // Pre-activations of the n running rows, as one contiguous block: z = x·W + b + H·U
        // (SimpleRNN and LSTM use them whole).
        projected.get(t * b * width, gate, 0, n * width);
        if (inputBias == null) {
          for (int i = 0; i < n * width; i++) {
            gate[i] += product[i];
          }
        } else {
          for (int p = 0; p < n; p++) {
            int at = p * width;
            for (int j = 0; j < width; j++) {
              gate[at + j] += product[at + j] + inputBias[j];
            }
          }
        }
      }
      combine(gate, product, candidate, n);
      if (mask == null && kind == CellKind.SIMPLE) {
        // No mask, no gates: the activated block is the new state (and the step's output).
        System.arraycopy(gate, 0, h, 0, n * m);
        if (out != null) {
          System.arraycopy(gate, 0, out, t * b * m, n * m);
        }
        stateBuffer.put(0, h, 0, n * m);
        continue;
      }
      for (int p = 0; p < n; p++) {
        int row = t * b + p;
        boolean keep = mask == null || mask[row];
        if (keep) {
          update(gate, p, h, c);
        }
        if (out != null) {
          if (keep || !zeroOutputForMask) {
            System.arraycopy(h, p * m, out, row * m, m);
          } else {
            java.util.Arrays.fill(out, row * m, (row + 1) * m, 0f);
          }
        }
      }
      stateBuffer.put(0, h, 0, n * m);
    }
    if (last != null) {
      for (int p = 0; p < b; p++) {
        System.arraycopy(h, p * m, last, p * stateWidth, m);
        if (c != null) {
          System.arraycopy(c, p * m, last, p * stateWidth + m, m);
        }
      }
    }
    if (returnSequences) {
      return Tensor.sequence(out, m, input.mask);
    }
    if (zeroOutputForMask && mask != null) {
      // Keras' last output is the last step's output, zeros when that step was masked.
      for (int p = 0; p < b; p++) {
        if (!mask[(batch.length[p] - 1) * b + p]) {
          java.util.Arrays.fill(h, p * m, (p + 1) * m, 0f);
        }
      }
    }
    return Tensor.vector(h, m);
  }

  /**
   * Adds the recurrent contribution to the n rows' pre-activations in {@code gate} (n × G·M) and
   * applies the gates' activations, block by block (SimpleRNN's and LSTM's sums are already in
   * {@code gate}): afterwards row p holds SimpleRNN's new h,
   * LSTM's i, f, g, o, or GRU's z, r and candidate ĥ.
   */
  private void combine(float[] gate, float[] product, float[] candidate, int n) {
    int m = units;
    int width = gates * m;
    switch (kind) {
      case SIMPLE:
        FastMath.activate(gate, 0, n * m, activation);
        return;
      case LSTM:
        for (int p = 0; p < n; p++) {
          int at = p * width;
          FastMath.activate(gate, at, at + 2 * m, recurrentActivation);
          FastMath.activate(gate, at + 2 * m, at + 3 * m, activation);
          FastMath.activate(gate, at + 3 * m, at + 4 * m, recurrentActivation);
        }
        return;
      case GRU_RESET_AFTER:
        for (int p = 0; p < n; p++) {
          int at = p * width;
          for (int j = 0; j < 2 * m; j++) {
            gate[at + j] += product[at + j] + (recurrentBias == null ? 0 : recurrentBias[j]);
          }
          FastMath.activate(gate, at, at + 2 * m, recurrentActivation);
          for (int j = 0; j < m; j++) {
            float rh = product[at + 2 * m + j] + (recurrentBias == null ? 0 : recurrentBias[2 * m + j]);
            gate[at + 2 * m + j] += gate[at + m + j] * rh;
          }
          FastMath.activate(gate, at + 2 * m, at + 3 * m, activation);
        }
        return;
      case GRU_RESET_BEFORE:
        // z and r were activated by the caller (r was needed for (r·H)·U_h, now in candidate).
        for (int p = 0; p < n; p++) {
          int at = p * width;
          for (int j = 0; j < m; j++) {
            gate[at + 2 * m + j] += candidate[p * m + j];
          }
          FastMath.activate(gate, at + 2 * m, at + 3 * m, activation);
        }
        return;
      default:
        throw new IllegalStateException(kind.name());
    }
  }

  /** gate[0 : n·G·M] = the step's block of x·W, plus the input bias. */
  private void loadStep(FloatBuffer projected, int from, float[] gate, int n) {
    int width = gates * units;
    projected.get(from, gate, 0, n * width);
    if (inputBias != null) {
      for (int p = 0; p < n; p++) {
        int at = p * width;
        for (int j = 0; j < width; j++) {
          gate[at + j] += inputBias[j];
        }
      }
    }
  }

  /** Row p's new state from its activated gates. */
  private void update(float[] gate, int p, float[] h, float[] c) {
    int m = units;
    int at = p * gates * m;
    int hAt = p * m;
    switch (kind) {
      case SIMPLE:
        System.arraycopy(gate, at, h, hAt, m);
        return;
      case LSTM:
        for (int j = 0; j < m; j++) {
          float cell = gate[at + m + j] * c[hAt + j] + gate[at + j] * gate[at + 2 * m + j];
          c[hAt + j] = cell;
          h[hAt + j] = cell;
        }
        FastMath.activate(h, hAt, hAt + m, activation);
        for (int j = 0; j < m; j++) {
          h[hAt + j] *= gate[at + 3 * m + j];
        }
        return;
      case GRU_RESET_AFTER:
      case GRU_RESET_BEFORE:
        for (int j = 0; j < m; j++) {
          float z = gate[at + j];
          h[hAt + j] = z * h[hAt + j] + (1 - z) * gate[at + 2 * m + j];
        }
        return;
      default:
        throw new IllegalStateException(kind.name());
    }
  }


  private void ensureCapacity(int rows, int productWidth) {
    if (rows <= capacity) {
      return;
    }
    int grown = Math.max(rows, capacity + capacity / 2);
    stateNd = Nd4j.createUninitialized(DataType.FLOAT, new long[] {grown, units}, 'c');
    productNd = Nd4j.createUninitialized(DataType.FLOAT, new long[] {grown, productWidth}, 'c');
    if (kind == CellKind.GRU_RESET_BEFORE) {
      resetNd = Nd4j.createUninitialized(DataType.FLOAT, new long[] {grown, units}, 'c');
      candidateNd = Nd4j.createUninitialized(DataType.FLOAT, new long[] {grown, units}, 'c');
    }
    capacity = grown;
  }
}
