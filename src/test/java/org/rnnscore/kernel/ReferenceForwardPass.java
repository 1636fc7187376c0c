package org.rnnscore.kernel;

import java.util.List;
import org.rnnscore.model.Activation;
import org.rnnscore.model.ActivationFunctionLayer;
import org.rnnscore.model.ActivationLayer;
import org.rnnscore.model.BatchNormalizationLayer;
import org.rnnscore.model.BidirectionalLayer;
import org.rnnscore.model.DenseLayer;
import org.rnnscore.model.EmbeddingLayer;
import org.rnnscore.model.Conv2DLayer;
import org.rnnscore.model.FlattenLayer;
import org.rnnscore.model.FrameFlattenLayer;
import org.rnnscore.model.Pooling2DLayer;
import org.rnnscore.model.GruLayer;
import org.rnnscore.model.Layer;
import org.rnnscore.model.LayerNormalizationLayer;
import org.rnnscore.model.LstmLayer;
import org.rnnscore.model.MaskingLayer;
import org.rnnscore.model.PReluLayer;
import org.rnnscore.model.MergeLayer;
import org.rnnscore.model.Node;
import org.rnnscore.model.PermuteLayer;
import org.rnnscore.model.RecurrentLayer;
import org.rnnscore.layers.RepeatVectorUnit.RepeatVectorLayer;
import org.rnnscore.model.ReshapeLayer;
import org.rnnscore.model.Conv1DLayer;
import org.rnnscore.model.GlobalPooling1DLayer;
import org.rnnscore.model.Pooling1DLayer;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.SimpleRnnLayer;
import org.rnnscore.model.WeightArray;

/**
 * The slow, obviously-right twin of {@link ForwardPass}: double precision, one sample at a time,
 * plain scalar loops, and activation definitions of its own (written from the Keras definitions,
 * not from {@link Activation#applyDouble}).
 *
 * <p>Keras semantics (TensorFlow backend, standard non-cuDNN loop, {@code keras/src/backend/tensorflow/rnn.py}):
 *
 * <ul>
 *   <li>h_0 = c_0 = 0. Steps are processed first to last, or last to first with go_backwards (the
 *       mask is reversed with them).
 *   <li>A masked step leaves every state unchanged; its output is the previous step's output
 *       (zeros before any unmasked step), or zeros with zero_output_for_mask. The layer's last
 *       output is the output of the last processed step, so with zero_output_for_mask and a
 *       masked last processed step it is zeros (Keras: {@code last_output = outputs[-1]}).
 *   <li>return_sequences returns outputs in processing order (reversed with go_backwards). The
 *       mask passes through unchanged (not reversed: Keras' RNN.compute_mask returns the input
 *       mask) when the layer returns sequences, and is dropped otherwise.
 *   <li>Bidirectional: both halves see the same input and mask; with return_sequences the
 *       backward half's outputs are flipped along time before the per-step merge (concat =
 *       [forward, backward]); otherwise the two last outputs are merged.
 *   <li>Masking(v): a step is masked when all its features equal v; the layer's output is its
 *       input times the step mask (masked steps become zeros, as Keras' Masking.call does), and
 *       its mask replaces the mask produced by the layers before it.
 *   <li>Embedding: row t of the embeddings for token t; mask_zero masks token 0.
 *   <li>Dense and Activation apply per step on sequences and pass the mask on; Flatten drops it.
 *   <li>RepeatVector(n): n steps, each the input vector, with no mask.
 *   <li>Reshape: the row's values in order, cut to the target shape; Permute((2, 1)) transposes
 *       the row's T×W. Both drop the mask (Keras 3: supports_masking=False).
 *   <li>BatchNormalization: γ·(x − moving_mean)/√(moving_variance + ε) + β per feature (γ = 1, β = 0
 *       when absent). LayerNormalization: per step, (x − mean)/√(var + ε)·γ + β over the step's
 *       features, var the population variance. ReLU(max_value, negative_slope, threshold), as Keras'
 *       relu computes it: (x &gt; threshold ? clip(x, 0, max_value) : 0) − negative_slope·max(threshold
 *       − x, 0) (so a negative threshold gives 0 between it and 0); LeakyReLU(α): x ≥ 0
 *       ? x : α·x; ELU(α): x &gt; 0 ? x : α·(eˣ − 1); ThresholdedReLU(θ): x &gt; θ ? x : 0; Softmax per
 *       step; PReLU: x ≥ 0 ? x : α_j·x. All of them per step and value, passing the mask on.
 *   <li>An explicit per-step mask is combined (AND) with the mask the layers produce, wherever
 *       a mask exists.
 *   <li>Merges (Concatenate, Add, ...) AND their inputs' masks; initial_state wiring starts a
 *       recurrent layer from another's final h (and c) — the state after its last unmasked step.
 * </ul>
 *
 * <p>Keras layout, row-major: kernel D×(G·M) at [d*(G·M) + g*M + m], recurrent kernel M×(G·M),
 * Dense kernel in×K at [i*K + k].
 */
public final class ReferenceForwardPass {
  private static final double SELU_ALPHA = 1.6732632423543772;
  private static final double SELU_SCALE = 1.0507009873554805;
  private static final double LEAKY_SLOPE = 0.2;

  private ReferenceForwardPass() {}

  /** input[b][t][d] → predictions[b]: K values, or T·K (step-major) for sequence outputs. */
  public static double[][] forward(RnnModel model, double[][][] input) {
    double[][] out = new double[input.length][];
    for (int b = 0; b < input.length; b++) {
      out[b] = forwardRow(model, input[b], null);
    }
    return out;
  }

  /**
   * One row alone, as Keras scores it.
   *
   * @param x T×D values (token ids as doubles for Embedding models)
   * @param stepMask per-step mask (false = masked), combined with the model's own masks; null for none
   * @return K values, or T'·K step-major for sequence outputs
   */
  public static double[] forwardRow(RnnModel model, double[][] x, boolean[] stepMask) {
    return forwardRow(model, x, stepMask, null, null);
  }

  /**
   * One row from given recurrent states (Keras' initial_state).
   *
   * @param initialStates per RecurrentLayer in model order: h (M values), or for LSTM h then c
   *     (2·M); null, or a null entry, for zeros
   * @param finalStates when non-null, receives per RecurrentLayer its state after the last step,
   *     in the same layout
   */
  public static double[] forwardRow(RnnModel model, double[][] x, boolean[] stepMask, double[][] initialStates,
      java.util.List<double[]> finalStates) {
    if (stepMask != null && stepMask.length != x.length) {
      throw new IllegalArgumentException("step mask has " + stepMask.length + " steps, row has " + x.length);
    }
    Flow input = new Flow();
    input.seq = copy(x);
    input.explicit = stepMask == null ? null : stepMask.clone();
    input.masked = stepMask != null;
    input.initialStates = initialStates;
    input.finalStates = finalStates;
    if (model.inputFrame() != null) {
      input.frame = new int[] {model.inputFrame().height(), model.inputFrame().width(), model.inputFrame().channels()};
    }
    return run(model, new Flow[] {input});
  }

  /**
   * One row of a model of several inputs: {@code xs.get(k)} input k's T_k×D_k values, {@code
   * masks} null or per input a step mask (or null).
   */
  public static double[] forwardRow(RnnModel model, List<double[][]> xs, List<boolean[]> masks) {
    Flow[] inputs = new Flow[xs.size()];
    int[] recurrentIndex = {0};
    for (int k = 0; k < xs.size(); k++) {
      boolean[] mask = masks == null ? null : masks.get(k);
      inputs[k] = new Flow();
      inputs[k].seq = copy(xs.get(k));
      inputs[k].explicit = mask == null ? null : mask.clone();
      inputs[k].masked = mask != null;
      inputs[k].recurrentIndex = recurrentIndex;
    }
    return run(model, inputs);
  }

  private static Flow[] flows(RnnModel model, Flow[] inputFlows) {
    // The graph's nodes in order, each on its own copy of what it reads (a chain: one flow passed along).
    List<Node> nodes = model.nodes();
    Flow[] outputs = new Flow[nodes.size()];
    double[][] nodeStates = new double[nodes.size()][]; // a recurrent node's final h (then c)
    for (int i = 0; i < nodes.size(); i++) {
      List<Integer> inputs = nodes.get(i).inputs();
      if (nodes.get(i).layer() instanceof MergeLayer) {
        List<Flow> in = new java.util.ArrayList<>();
        for (int from : inputs) {
          in.add((from < 0 ? inputFlows[Node.inputOf(from)] : outputs[from]).copy());
        }
        outputs[i] = mergeFlows((MergeLayer) nodes.get(i).layer(), in);
        continue;
      }
      if (inputs.size() != 1) {
        throw new IllegalArgumentException("no reference for layer " + nodes.get(i).layer().name() + " reading "
            + inputs.size() + " inputs");
      }
      Flow flow = (inputs.get(0) < 0 ? inputFlows[Node.inputOf(inputs.get(0))] : outputs[inputs.get(0)]).copy();
      List<Node.Output> wiring = nodes.get(i).initialState();
      if (!wiring.isEmpty()) {
        // Keras' initial_state: state j (h, then c) is the source's output 0 (its vector), 1 (h) or 2 (c).
        int units = ((RecurrentLayer) nodes.get(i).layer()).units();
        flow.wired = new double[wiring.size() * units];
        for (int j = 0; j < wiring.size(); j++) {
          Node.Output state = wiring.get(j);
          double[] from = state.index() == 0 ? outputs[state.node()].vec : java.util.Arrays.copyOfRange(
              nodeStates[state.node()], (state.index() - 1) * units, state.index() * units);
          System.arraycopy(from, 0, flow.wired, j * units, units);
        }
      }
      apply(nodes.get(i).layer(), flow);
      nodeStates[i] = flow.lastState;
      flow.wired = null;
      outputs[i] = flow;
    }
    return outputs;
  }

  /** One row of a model of several outputs: per output (in the model's order), its values. */
  public static List<double[]> forwardRowOutputs(RnnModel model, List<double[][]> xs, List<boolean[]> masks) {
    Flow[] inputs = new Flow[xs.size()];
    int[] recurrentIndex = {0};
    for (int k = 0; k < xs.size(); k++) {
      boolean[] mask = masks == null ? null : masks.get(k);
      inputs[k] = new Flow();
      inputs[k].seq = copy(xs.get(k));
      inputs[k].explicit = mask == null ? null : mask.clone();
      inputs[k].masked = mask != null;
      inputs[k].recurrentIndex = recurrentIndex;
    }
    Flow[] flows = flows(model, inputs);
    List<double[]> out = new java.util.ArrayList<>();
    for (int node : model.outputNodes()) {
      out.add(values(flows[node]));
    }
    return out;
  }

  private static double[] run(RnnModel model, Flow[] inputFlows) {
    return values(flows(model, inputFlows)[model.outputNode()]);
  }

  /** A flow's values: the vector, or the sequence step-major. */
  private static double[] values(Flow flow) {
    if (flow.seq != null) {
      int w = flow.seq.length == 0 ? 0 : flow.seq[0].length;
      double[] out = new double[flow.seq.length * w];
      for (int t = 0; t < flow.seq.length; t++) {
        System.arraycopy(flow.seq[t], 0, out, t * w, w);
      }
      return out;
    }
    return flow.vec;
  }

  /**
   * Reshape: the row's values in order (step-major), cut to the target; a −1 is inferred from the
   * row's own count, and a sequence target of the row's width keeps the row's own length. The
   * mask is dropped (Keras 3: supports_masking=False).
   */
  private static void reshape(int[] target, Flow flow) {
    double[] values;
    if (flow.seq != null) {
      int w = flow.seq[0].length;
      values = new double[flow.seq.length * w];
      for (int t = 0; t < flow.seq.length; t++) {
        System.arraycopy(flow.seq[t], 0, values, t * w, w);
      }
    } else {
      values = flow.vec;
    }
    flow.dropMask();
    if (target.length == 1) {
      flow.vec = values;
      flow.seq = null;
      return;
    }
    int b = target[1] != -1 ? target[1] : values.length / target[0];
    double[][] seq = new double[values.length / b][b];
    for (int s = 0; s < seq.length; s++) {
      System.arraycopy(values, s * b, seq[s], 0, b);
    }
    flow.seq = seq;
    flow.vec = null;
  }

  /**
   * A merge of two or more flows of one row. Concatenate joins each step's (or the vector's)
   * features in input order; Add/Subtract/Multiply/Average/Maximum/Minimum act per value; Dot
   * gives Σ a·b of two vectors (over ‖a‖·‖b‖ with normalize, each squared norm at least 1e-12 as
   * in l2_normalize). The mask is the AND of the inputs' masks, an input without one counting as
   * all-true (Keras' Merge.compute_mask); Dot's output has none.
   */
  private static Flow mergeFlows(MergeLayer layer, List<Flow> in) {
    Flow out = in.get(0).copy();
    MergeLayer.Op op = layer.op();
    if (op == MergeLayer.Op.DOT) {
      double[] a = in.get(0).vec;
      double[] b = in.get(1).vec;
      double dot = 0;
      double na = 0;
      double nb = 0;
      for (int j = 0; j < a.length; j++) {
        dot += a[j] * b[j];
        na += a[j] * a[j];
        nb += b[j] * b[j];
      }
      if (layer.normalize()) {
        dot = dot / Math.sqrt(Math.max(na, 1e-12)) / Math.sqrt(Math.max(nb, 1e-12));
      }
      out.vec = new double[] {dot};
      out.seq = null;
      out.dropMask();
      return out;
    }
    int steps = out.seq == null ? 1 : out.seq.length;
    double[][] merged = new double[steps][];
    for (int t = 0; t < steps; t++) {
      List<double[]> values = new java.util.ArrayList<>();
      for (Flow f : in) {
        values.add(f.seq == null ? f.vec : f.seq[t]);
      }
      merged[t] = mergeValues(op, values);
    }
    if (out.seq == null) {
      out.vec = merged[0];
      return out;
    }
    out.seq = merged;
    boolean[] mask = null;
    for (Flow f : in) {
      boolean[] m = f.mask();
      if (m == null) {
        continue;
      }
      if (mask == null) {
        mask = m.clone();
      } else {
        for (int t = 0; t < mask.length; t++) {
          mask[t] = mask[t] && m[t];
        }
      }
      if (out.explicit == null) {
        out.explicit = f.explicit; // one model input: every branch's explicit mask is the row's
      }
    }
    out.layerMask = mask;
    out.masked = mask != null;
    return out;
  }

  private static double[] mergeValues(MergeLayer.Op op, List<double[]> values) {
    if (op == MergeLayer.Op.CONCATENATE) {
      int width = 0;
      for (double[] v : values) {
        width += v.length;
      }
      double[] out = new double[width];
      int at = 0;
      for (double[] v : values) {
        System.arraycopy(v, 0, out, at, v.length);
        at += v.length;
      }
      return out;
    }
    double[] out = values.get(0).clone();
    for (int i = 1; i < values.size(); i++) {
      double[] v = values.get(i);
      for (int j = 0; j < out.length; j++) {
        switch (op) {
          case ADD, AVERAGE -> out[j] += v[j];
          case SUBTRACT -> out[j] -= v[j];
          case MULTIPLY -> out[j] *= v[j];
          case MAXIMUM -> out[j] = Math.max(out[j], v[j]);
          case MINIMUM -> out[j] = Math.min(out[j], v[j]);
          default -> throw new IllegalArgumentException(op.name());
        }
      }
    }
    if (op == MergeLayer.Op.AVERAGE) {
      for (int j = 0; j < out.length; j++) {
        out[j] /= values.size();
      }
    }
    return out;
  }

  /** What flows between layers for one row. */
  private static final class Flow {
    double[][] seq; // T×W, or null once it is a vector
    double[] vec;
    boolean masked; // a mask exists (explicit or from a layer)
    boolean[] explicit; // the explicit mask, or null
    boolean[] layerMask; // the mask a Masking / Embedding layer made, or null
    double[][] initialStates; // per recurrent layer, or null
    java.util.List<double[]> finalStates; // receives per recurrent layer, or null
    int[] recurrentIndex = {0}; // shared by every copy: recurrent layers count in node order
    int[] frame; // {H, W, C} while each step is an image frame (row-major H, W, C), else null
    double[] wired; // this node's initial state from other nodes (initial_state wiring), or null
    double[] lastState; // a recurrent node's final state, h then c

    /** What a node reads: the same values, rows and masks replaced (never written in place) by the layers. */
    Flow copy() {
      Flow c = new Flow();
      c.seq = seq == null ? null : seq.clone();
      c.vec = vec;
      c.masked = masked;
      c.explicit = explicit;
      c.layerMask = layerMask;
      c.initialStates = initialStates;
      c.finalStates = finalStates;
      c.recurrentIndex = recurrentIndex;
      c.frame = frame;
      return c;
    }

    /** The effective mask, null when there is none. */
    boolean[] mask() {
      if (!masked) {
        return null;
      }
      boolean[] m = new boolean[seq.length];
      for (int t = 0; t < m.length; t++) {
        m[t] = (explicit == null || explicit[t]) && (layerMask == null || layerMask[t]);
      }
      return m;
    }

    void dropMask() {
      masked = false;
      explicit = null;
      layerMask = null;
    }
  }

  private static void apply(Layer layer, Flow flow) {
    if (layer instanceof EmbeddingLayer) {
      EmbeddingLayer e = (EmbeddingLayer) layer;
      double[] table = toDouble(e.embeddings());
      int width = e.outputWidth();
      double[][] out = new double[flow.seq.length][width];
      boolean[] mask = new boolean[flow.seq.length];
      for (int t = 0; t < out.length; t++) {
        double id = flow.seq[t][0];
        int token = (int) id;
        if (token != id || token < 0 || token >= e.vocabularySize()) {
          throw new IllegalArgumentException("token " + id + " outside [0, " + e.vocabularySize() + ")");
        }
        System.arraycopy(table, token * width, out[t], 0, width);
        mask[t] = token != 0;
      }
      flow.seq = out;
      if (e.maskZero()) {
        flow.layerMask = mask;
        flow.masked = true;
      }
    } else if (layer instanceof MaskingLayer) {
      double v = ((MaskingLayer) layer).maskValue();
      boolean[] mask = new boolean[flow.seq.length];
      for (int t = 0; t < mask.length; t++) {
        boolean keep = false;
        for (double f : flow.seq[t]) {
          keep |= f != v;
        }
        mask[t] = keep;
        if (!keep) {
          flow.seq[t] = new double[flow.seq[t].length];
        }
      }
      flow.layerMask = mask;
      flow.masked = true;
    } else if (layer instanceof DenseLayer) {
      DenseLayer d = (DenseLayer) layer;
      if (flow.seq != null) {
        for (int t = 0; t < flow.seq.length; t++) {
          flow.seq[t] = dense(d, flow.seq[t]);
        }
      } else {
        flow.vec = dense(d, flow.vec);
      }
    } else if (layer instanceof ActivationLayer) {
      Activation a = ((ActivationLayer) layer).activation();
      if (flow.seq != null) {
        for (int t = 0; t < flow.seq.length; t++) {
          flow.seq[t] = activateVector(a, flow.seq[t]);
        }
      } else {
        flow.vec = activateVector(a, flow.vec);
      }
    } else if (layer instanceof Conv2DLayer) {
      // TimeDistributed(Conv2D): each step's frame on its own; the step mask passes on (Keras 3's TimeDistributed).
      Conv2DLayer conv = (Conv2DLayer) layer;
      int[] out = null;
      for (int t = 0; t < flow.seq.length; t++) {
        double[][][] image = image(flow.seq[t], flow.frame);
        double[][][] y = conv2d(conv, image);
        flow.seq[t] = flat(y);
        out = new int[] {y.length, y[0].length, y[0][0].length};
      }
      flow.frame = out;
    } else if (layer instanceof Pooling2DLayer) {
      Pooling2DLayer pool = (Pooling2DLayer) layer;
      int[] out = null;
      for (int t = 0; t < flow.seq.length; t++) {
        double[][][] y = pool2d(pool, image(flow.seq[t], flow.frame));
        flow.seq[t] = flat(y);
        out = new int[] {y.length, y[0].length, y[0][0].length};
      }
      flow.frame = out;
    } else if (layer instanceof FrameFlattenLayer) {
      // Each step's frame, already H·W·C values in Keras' flattened order: only the frame notion goes.
      flow.frame = null;
    } else if (layer instanceof FlattenLayer) {
      if (flow.seq != null) {
        int w = flow.seq.length == 0 ? 0 : flow.seq[0].length;
        double[] v = new double[flow.seq.length * w];
        for (int t = 0; t < flow.seq.length; t++) {
          System.arraycopy(flow.seq[t], 0, v, t * w, w);
        }
        flow.vec = v;
        flow.seq = null;
        flow.dropMask();
      }
    } else if (layer instanceof RepeatVectorLayer) {
      // n steps, each the vector; RepeatVector makes no mask (its vector input carries none).
      int n = ((RepeatVectorLayer) layer).n();
      flow.seq = new double[n][];
      for (int t = 0; t < n; t++) {
        flow.seq[t] = flow.vec.clone();
      }
      flow.vec = null;
      flow.dropMask();
    } else if (layer instanceof Conv1DLayer) {
      flow.seq = conv1d((Conv1DLayer) layer, flow.seq);
      flow.dropMask();
    } else if (layer instanceof Pooling1DLayer) {
      flow.seq = pool1d((Pooling1DLayer) layer, flow.seq);
      flow.dropMask();
    } else if (layer instanceof GlobalPooling1DLayer) {
      GlobalPooling1DLayer g = (GlobalPooling1DLayer) layer;
      boolean[] mask = g.kind() == Pooling1DLayer.Kind.AVERAGE ? flow.mask() : null;
      int w = flow.seq[0].length;
      double[] v = new double[w];
      for (int j = 0; j < w; j++) {
        double best = Double.NEGATIVE_INFINITY;
        double sum = 0;
        int count = 0;
        for (int t = 0; t < flow.seq.length; t++) {
          if (mask == null || mask[t]) {
            best = Math.max(best, flow.seq[t][j]);
            sum += flow.seq[t][j];
            count++;
          }
        }
        // Keras: sum(x·mask) / sum(mask): 0/0 = NaN for a row with every step masked.
        v[j] = g.kind() == Pooling1DLayer.Kind.MAX ? best : sum / count;
      }
      flow.dropMask();
      if (g.keepdims()) {
        flow.seq = new double[][] {v};
      } else {
        flow.seq = null;
        flow.vec = v;
      }
    } else if (layer instanceof ReshapeLayer) {
      reshape(((ReshapeLayer) layer).target(), flow);
    } else if (layer instanceof PermuteLayer) {
      // (2, 1) transposes the row's T×W; (1, 2) and (1,) keep it. The mask is dropped either way.
      if (flow.seq != null && ((PermuteLayer) layer).swaps()) {
        double[][] out = new double[flow.seq[0].length][flow.seq.length];
        for (int t = 0; t < flow.seq.length; t++) {
          for (int d = 0; d < out.length; d++) {
            out[d][t] = flow.seq[t][d];
          }
        }
        flow.seq = out;
      }
      flow.dropMask();
    } else if (layer instanceof BatchNormalizationLayer) {
      BatchNormalizationLayer bn = (BatchNormalizationLayer) layer;
      double[] mean = toDouble(bn.movingMean());
      double[] variance = toDouble(bn.movingVariance());
      double[] gamma = bn.gamma().map(ReferenceForwardPass::toDouble).orElse(null);
      double[] beta = bn.beta().map(ReferenceForwardPass::toDouble).orElse(null);
      perStep(flow, v -> {
        double[] out = new double[v.length];
        for (int j = 0; j < v.length; j++) {
          int c = j % mean.length; // a frame's values are pixels of mean.length channels each
          out[j] = (gamma == null ? 1 : gamma[c]) * (v[j] - mean[c]) / Math.sqrt(variance[c] + bn.epsilon())
              + (beta == null ? 0 : beta[c]);
        }
        return out;
      });
    } else if (layer instanceof LayerNormalizationLayer) {
      LayerNormalizationLayer ln = (LayerNormalizationLayer) layer;
      double[] gamma = ln.gamma().map(ReferenceForwardPass::toDouble).orElse(null);
      double[] beta = ln.beta().map(ReferenceForwardPass::toDouble).orElse(null);
      perStep(flow, v -> {
        double mean = 0;
        for (double x : v) {
          mean += x / v.length;
        }
        double var = 0;
        for (double x : v) {
          var += (x - mean) * (x - mean) / v.length;
        }
        double[] out = new double[v.length];
        for (int j = 0; j < v.length; j++) {
          out[j] = (v[j] - mean) / Math.sqrt(var + ln.epsilon()) * (gamma == null ? 1 : gamma[j])
              + (beta == null ? 0 : beta[j]);
        }
        return out;
      });
    } else if (layer instanceof ActivationFunctionLayer) {
      ActivationFunctionLayer f = (ActivationFunctionLayer) layer;
      if (f.function() == ActivationFunctionLayer.Function.SOFTMAX) {
        perStep(flow, v -> activateVector(Activation.SOFTMAX, v));
      } else {
        perStep(flow, v -> {
          double[] out = new double[v.length];
          for (int j = 0; j < v.length; j++) {
            out[j] = activationFunction(f, v[j]);
          }
          return out;
        });
      }
    } else if (layer instanceof PReluLayer) {
      PReluLayer p = (PReluLayer) layer;
      int[] step = {0}; // the step's position in the row picks a per-step α
      perStep(flow, v -> {
        double[] out = new double[v.length];
        for (int j = 0; j < v.length; j++) {
          out[j] = v[j] >= 0 ? v[j] : p.alphaOf(step[0], j) * v[j];
        }
        step[0]++;
        return out;
      });
    } else if (layer instanceof RecurrentLayer) {
      RecurrentLayer r = (RecurrentLayer) layer;
      int index = flow.recurrentIndex[0]++;
      double[] initial = flow.wired != null ? flow.wired : flow.initialStates == null ? null
          : flow.initialStates[index];
      double[] last = new double[r instanceof LstmLayer ? 2 * r.units() : r.units()];
      double[][] outputs = run(r, flow.seq, flow.mask(), initial, last);
      flow.lastState = last;
      if (flow.finalStates != null) {
        flow.finalStates.add(last);
      }
      if (r.returnSequences()) {
        flow.seq = outputs;
      } else {
        flow.vec = outputs[outputs.length - 1];
        flow.seq = null;
        flow.dropMask();
      }
    } else if (layer instanceof BidirectionalLayer) {
      BidirectionalLayer bi = (BidirectionalLayer) layer;
      boolean[] mask = flow.mask();
      double[][] fw = run(bi.forward(), flow.seq, mask);
      double[][] bw = run(bi.backward(), flow.seq, mask);
      if (bi.returnSequences()) {
        int n = bw.length;
        double[][] merged = new double[n][];
        for (int t = 0; t < n; t++) {
          merged[t] = merge(bi.mergeMode(), fw[t], bw[n - 1 - t]);
        }
        flow.seq = merged;
      } else {
        flow.vec = merge(bi.mergeMode(), fw[fw.length - 1], bw[bw.length - 1]);
        flow.seq = null;
        flow.dropMask();
      }
    } else {
      throw new IllegalArgumentException("no reference for layer " + layer.getClass().getSimpleName());
    }
  }

  /** {@code f} on each step of a sequence, or on the vector; the mask is left as it is (these layers pass it on). */
  private static void perStep(Flow flow, java.util.function.UnaryOperator<double[]> f) {
    if (flow.seq != null) {
      for (int t = 0; t < flow.seq.length; t++) {
        flow.seq[t] = f.apply(flow.seq[t]);
      }
    } else {
      flow.vec = f.apply(flow.vec);
    }
  }

  /** ReLU, LeakyReLU, ELU, ThresholdedReLU on one value, from Keras' definitions. */
  private static double activationFunction(ActivationFunctionLayer f, double x) {
    switch (f.function()) {
      case RELU: {
        // Keras' relu: x above the threshold (else 0), clipped to [0, max_value], minus slope·relu(threshold − x).
        double kept = x > f.threshold() ? Math.min(Math.max(x, 0), f.maxValue()) : 0;
        return kept - f.slope() * Math.max(f.threshold() - x, 0);
      }
      case LEAKY_RELU:
        return x >= 0 ? x : f.slope() * x;
      case ELU:
        return x > 0 ? x : f.slope() * (Math.exp(x) - 1);
      case THRESHOLDED_RELU:
        return x > f.threshold() ? x : 0;
      default:
        throw new IllegalArgumentException(f.function().toString());
    }
  }

  private static double[][][] image(double[] values, int[] frame) {
    double[][][] image = new double[frame[0]][frame[1]][frame[2]];
    for (int i = 0; i < frame[0]; i++) {
      for (int j = 0; j < frame[1]; j++) {
        for (int c = 0; c < frame[2]; c++) {
          image[i][j][c] = values[(i * frame[1] + j) * frame[2] + c];
        }
      }
    }
    return image;
  }

  private static double[] flat(double[][][] image) {
    int h = image.length;
    int w = image[0].length;
    int c = image[0][0].length;
    double[] out = new double[h * w * c];
    for (int i = 0; i < h; i++) {
      for (int j = 0; j < w; j++) {
        System.arraycopy(image[i][j], 0, out, (i * w + j) * c, c);
      }
    }
    return out;
  }

  /** Keras' output size and leading padding on one axis: {out, padBefore}. */
  private static int[] axis(int in, int k, int s, int d, boolean same) {
    int span = (k - 1) * d + 1;
    int out = same ? (int) Math.ceil(in / (double) s) : (int) Math.floor((in - span) / (double) s) + 1;
    int total = same ? Math.max((out - 1) * s + span - in, 0) : 0;
    return new int[] {out, total / 2};
  }

  /** Direct convolution, the sum over the window written out: no im2col, double precision. */
  private static double[][][] conv2d(Conv2DLayer conv, double[][][] x) {
    org.rnnscore.model.Window2D w = conv.window();
    int h = x.length;
    int wd = x[0].length;
    int c = x[0][0].length;
    int f = conv.filters();
    int[] ay = axis(h, w.kernelH(), w.strideH(), w.dilationH(), w.same());
    int[] ax = axis(wd, w.kernelW(), w.strideW(), w.dilationW(), w.same());
    double[] kernel = toDouble(conv.kernel());
    double[] bias = conv.bias().map(ReferenceForwardPass::toDouble).orElse(null);
    double[][][] y = new double[ay[0]][ax[0]][f];
    for (int i = 0; i < ay[0]; i++) {
      for (int j = 0; j < ax[0]; j++) {
        for (int o = 0; o < f; o++) {
          double sum = bias == null ? 0 : bias[o];
          for (int u = 0; u < w.kernelH(); u++) {
            for (int v = 0; v < w.kernelW(); v++) {
              int yi = i * w.strideH() + u * w.dilationH() - ay[1];
              int xj = j * w.strideW() + v * w.dilationW() - ax[1];
              if (yi < 0 || yi >= h || xj < 0 || xj >= wd) {
                continue; // zero padding
              }
              for (int ch = 0; ch < c; ch++) {
                sum += kernel[((u * w.kernelW() + v) * c + ch) * f + o] * x[yi][xj][ch];
              }
            }
          }
          y[i][j][o] = sum;
        }
        y[i][j] = activateVector(conv.activation(), y[i][j]);
      }
    }
    return y;
  }

  /** Max or mean over the window's positions inside the frame (the padding of same takes no part). */
  private static double[][][] pool2d(Pooling2DLayer pool, double[][][] x) {
    org.rnnscore.model.Window2D w = pool.window();
    int h = x.length;
    int wd = x[0].length;
    int c = x[0][0].length;
    int[] ay = axis(h, w.kernelH(), w.strideH(), 1, w.same());
    int[] ax = axis(wd, w.kernelW(), w.strideW(), 1, w.same());
    double[][][] y = new double[ay[0]][ax[0]][c];
    for (int i = 0; i < ay[0]; i++) {
      for (int j = 0; j < ax[0]; j++) {
        for (int ch = 0; ch < c; ch++) {
          double acc = pool.max() ? Double.NEGATIVE_INFINITY : 0;
          int n = 0;
          for (int u = 0; u < w.kernelH(); u++) {
            for (int v = 0; v < w.kernelW(); v++) {
              int yi = i * w.strideH() + u - ay[1];
              int xj = j * w.strideW() + v - ax[1];
              if (yi < 0 || yi >= h || xj < 0 || xj >= wd) {
                continue;
              }
              acc = pool.max() ? Math.max(acc, x[yi][xj][ch]) : acc + x[yi][xj][ch];
              n++;
            }
          }
          y[i][j][ch] = pool.max() ? acc : acc / n;
        }
      }
    }
    return y;
  }

  private static double[] merge(BidirectionalLayer.MergeMode mode, double[] a, double[] b) {
    if (mode == BidirectionalLayer.MergeMode.CONCAT) {
      double[] out = new double[a.length + b.length];
      System.arraycopy(a, 0, out, 0, a.length);
      System.arraycopy(b, 0, out, a.length, b.length);
      return out;
    }
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      switch (mode) {
        case SUM:
          out[i] = a[i] + b[i];
          break;
        case MUL:
          out[i] = a[i] * b[i];
          break;
        case AVE:
          out[i] = (a[i] + b[i]) / 2;
          break;
        default:
          throw new IllegalArgumentException(mode.toString());
      }
    }
    return out;
  }

  /**
   * Runs one recurrent layer over x (T×D) with an optional mask (original time order).
   *
   * @return the T outputs in processing order (the last one is the layer's last output)
   */
  public static double[][] run(RecurrentLayer layer, double[][] x, boolean[] mask) {
    return run(layer, x, mask, null, null);
  }

  /**
   * As {@link #run(RecurrentLayer, double[][], boolean[])}, from {@code initial} (h, then c for
   * LSTM; null for zeros), writing the state after the last step into {@code last} (same layout)
   * when non-null.
   *
   * <p>A masked step before any unmasked one outputs the initial h here (zeros without one), as
   * continuing an earlier run does: the previous output is the earlier run's last h. Keras'
   * initial_state differs in that one case (its "previous output" starts at zeros whatever the
   * initial state), so a row whose first steps are masked gives zeros there in Keras.
   */
  public static double[][] run(RecurrentLayer layer, double[][] x, boolean[] mask, double[] initial,
      double[] last) {
    int n = x.length;
    int m = layer.units();
    double[] h = new double[m];
    double[] c = new double[m];
    if (initial != null) {
      System.arraycopy(initial, 0, h, 0, m);
      if (layer instanceof LstmLayer) {
        System.arraycopy(initial, m, c, 0, m);
      }
    }
    double[] previousOutput = h.clone();
    double[][] outputs = new double[n][];
    for (int i = 0; i < n; i++) {
      int t = layer.goBackwards() ? n - 1 - i : i;
      if (mask != null && !mask[t]) {
        outputs[i] = layer.sequencing().zeroOutputForMask() ? new double[m] : previousOutput.clone();
        continue;
      }
      if (layer instanceof SimpleRnnLayer) {
        h = simpleRnnStep((SimpleRnnLayer) layer, x[t], h);
      } else if (layer instanceof LstmLayer) {
        double[][] hc = lstmStep((LstmLayer) layer, x[t], h, c);
        h = hc[0];
        c = hc[1];
      } else if (layer instanceof GruLayer) {
        h = gruStep((GruLayer) layer, x[t], h);
      } else {
        throw new IllegalArgumentException("no reference for " + layer.getClass().getSimpleName());
      }
      outputs[i] = h.clone();
      previousOutput = h.clone();
    }
    if (last != null) {
      System.arraycopy(h, 0, last, 0, m);
      if (layer instanceof LstmLayer) {
        System.arraycopy(c, 0, last, m, m);
      }
    }
    return outputs;
  }

  /** x·W[:, g·M .. (g+1)·M) for gate block g of a kernel with G·M columns. */
  private static double project(double[] in, double[] w, int columns, int gate, int m, int j) {
    double s = 0;
    for (int i = 0; i < in.length; i++) {
      s += in[i] * w[i * columns + gate * m + j];
    }
    return s;
  }

  private static double[] biasOrZeros(RecurrentLayer layer, int size) {
    return layer.bias().map(ReferenceForwardPass::toDouble).orElse(new double[size]);
  }

  /** h' = act(x·W + h·U + b). */
  private static double[] simpleRnnStep(SimpleRnnLayer layer, double[] x, double[] h) {
    int m = layer.units();
    double[] w = toDouble(layer.kernel());
    double[] u = toDouble(layer.recurrentKernel());
    double[] b = biasOrZeros(layer, m);
    double[] next = new double[m];
    for (int j = 0; j < m; j++) {
      next[j] = activate(layer.activation(), project(x, w, m, 0, m, j) + project(h, u, m, 0, m, j) + b[j]);
    }
    return next;
  }

  /** Gates i, f, c, o: c' = f·c + i·act(z_c), h' = o·act(c'). Returns {h', c'}. */
  private static double[][] lstmStep(LstmLayer layer, double[] x, double[] h, double[] c) {
    int m = layer.units();
    int cols = 4 * m;
    double[] w = toDouble(layer.kernel());
    double[] u = toDouble(layer.recurrentKernel());
    double[] b = biasOrZeros(layer, cols);
    Activation act = layer.activation();
    Activation rec = layer.recurrentActivation();
    double[] nextH = new double[m];
    double[] nextC = new double[m];
    for (int j = 0; j < m; j++) {
      double[] z = new double[4];
      for (int g = 0; g < 4; g++) {
        z[g] = project(x, w, cols, g, m, j) + project(h, u, cols, g, m, j) + b[g * m + j];
      }
      double i = activate(rec, z[0]);
      double f = activate(rec, z[1]);
      double candidate = activate(act, z[2]);
      double o = activate(rec, z[3]);
      nextC[j] = f * c[j] + i * candidate;
      nextH[j] = o * activate(act, nextC[j]);
    }
    return new double[][] {nextH, nextC};
  }

  /** Gates z, r, h; reset_after applies r to (h·U_h + b_rec_h), else to h before U_h. */
  private static double[] gruStep(GruLayer layer, double[] x, double[] h) {
    int m = layer.units();
    int cols = 3 * m;
    double[] w = toDouble(layer.kernel());
    double[] u = toDouble(layer.recurrentKernel());
    Activation act = layer.activation();
    Activation rec = layer.recurrentActivation();
    double[] next = new double[m];
    if (layer.resetAfter()) {
      double[] b = biasOrZeros(layer, 2 * cols); // row 0: input bias, row 1: recurrent bias
      for (int j = 0; j < m; j++) {
        double xz = project(x, w, cols, 0, m, j) + b[j];
        double xr = project(x, w, cols, 1, m, j) + b[m + j];
        double xh = project(x, w, cols, 2, m, j) + b[2 * m + j];
        double rz = project(h, u, cols, 0, m, j) + b[cols + j];
        double rr = project(h, u, cols, 1, m, j) + b[cols + m + j];
        double rh = project(h, u, cols, 2, m, j) + b[cols + 2 * m + j];
        double z = activate(rec, xz + rz);
        double r = activate(rec, xr + rr);
        double candidate = activate(act, xh + r * rh);
        next[j] = z * h[j] + (1 - z) * candidate;
      }
    } else {
      double[] b = biasOrZeros(layer, cols);
      double[] z = new double[m];
      double[] rh = new double[m];
      for (int j = 0; j < m; j++) {
        z[j] = activate(rec, project(x, w, cols, 0, m, j) + b[j] + project(h, u, cols, 0, m, j));
        double r = activate(rec, project(x, w, cols, 1, m, j) + b[m + j] + project(h, u, cols, 1, m, j));
        rh[j] = r * h[j];
      }
      for (int j = 0; j < m; j++) {
        double candidate = activate(act, project(x, w, cols, 2, m, j) + b[2 * m + j] + project(rh, u, cols, 2, m, j));
        next[j] = z[j] * h[j] + (1 - z[j]) * candidate;
      }
    }
    return next;
  }

  /**
   * Conv1D by its definition, directly: output step j of a row of L steps sums, over taps i and
   * input features c, x[j·s + i·d − left][c] · kernel[i][c][f], a tap outside the row reading 0;
   * with valid padding there are ⌊(L − span)/s⌋ + 1 output steps and left = 0; with same ⌈L/s⌉
   * and left = ⌊max((⌈L/s⌉ − 1)·s + span − L, 0) / 2⌋; with causal ⌈L/s⌉ and left = span − 1.
   */
  static double[][] conv1d(Conv1DLayer layer, double[][] x) {
    int length = x.length;
    int k = layer.kernelSize();
    int s = layer.stride();
    int d = layer.dilation();
    int span = (k - 1) * d + 1;
    int steps;
    int left;
    switch (layer.padding()) {
      case VALID:
        steps = length < span ? 0 : (length - span) / s + 1;
        left = 0;
        break;
      case SAME:
        steps = (int) Math.ceil(length / (double) s);
        left = Math.max((steps - 1) * s + span - length, 0) / 2;
        break;
      default:
        steps = (int) Math.ceil(length / (double) s);
        left = span - 1;
    }
    if (steps == 0) {
      throw new IllegalArgumentException("row of " + length + " steps is too short for " + layer.name());
    }
    double[] kernel = toDouble(layer.kernel());
    double[] bias = layer.bias().isPresent() ? toDouble(layer.bias().get()) : null;
    int in = layer.inputWidth();
    int filters = layer.filters();
    double[][] out = new double[steps][filters];
    for (int j = 0; j < steps; j++) {
      for (int f = 0; f < filters; f++) {
        double z = bias == null ? 0 : bias[f];
        for (int i = 0; i < k; i++) {
          int t = j * s + i * d - left;
          if (t < 0 || t >= length) {
            continue;
          }
          for (int c = 0; c < in; c++) {
            z += x[t][c] * kernel[(i * in + c) * filters + f];
          }
        }
        out[j][f] = activate(layer.activation(), z);
      }
    }
    return out;
  }

  /**
   * MaxPooling1D / AveragePooling1D: windows of pool steps every s steps, valid (only where the
   * window fits) or same (⌈L/s⌉ windows, left pad ⌊max((⌈L/s⌉ − 1)·s + pool − L, 0) / 2⌋); a
   * window takes only the row's own steps, and the average divides by how many it took.
   */
  static double[][] pool1d(Pooling1DLayer layer, double[][] x) {
    int length = x.length;
    int pool = layer.poolSize();
    int s = layer.stride();
    boolean same = layer.padding() == org.rnnscore.model.Padding1D.SAME;
    int steps = same ? (int) Math.ceil(length / (double) s) : length < pool ? 0 : (length - pool) / s + 1;
    int left = same ? Math.max((steps - 1) * s + pool - length, 0) / 2 : 0;
    if (steps == 0) {
      throw new IllegalArgumentException("row of " + length + " steps is too short for " + layer.name());
    }
    int w = x[0].length;
    double[][] out = new double[steps][w];
    for (int j = 0; j < steps; j++) {
      for (int c = 0; c < w; c++) {
        double best = Double.NEGATIVE_INFINITY;
        double sum = 0;
        int count = 0;
        for (int i = 0; i < pool; i++) {
          int t = j * s - left + i;
          if (t >= 0 && t < length) {
            best = Math.max(best, x[t][c]);
            sum += x[t][c];
            count++;
          }
        }
        out[j][c] = layer.kind() == Pooling1DLayer.Kind.MAX ? best : sum / count;
      }
    }
    return out;
  }

  private static double[] dense(DenseLayer layer, double[] in) {
    int n = layer.inputWidth();
    int k = layer.units();
    double[] w = toDouble(layer.kernel());
    double[] b = layer.bias().map(ReferenceForwardPass::toDouble).orElse(new double[k]);
    double[] z = new double[k];
    for (int j = 0; j < k; j++) {
      double s = b[j];
      for (int i = 0; i < n; i++) {
        s += in[i] * w[i * k + j];
      }
      z[j] = s;
    }
    return activateVector(layer.activation(), z);
  }

  /** The activation of a whole row (softmax / log_softmax need all of it). */
  public static double[] activateVector(Activation activation, double[] z) {
    double[] out = new double[z.length];
    if (activation == Activation.SOFTMAX || activation == Activation.LOG_SOFTMAX) {
      double max = Double.NEGATIVE_INFINITY;
      for (double v : z) {
        max = Math.max(max, v);
      }
      double sum = 0;
      for (double v : z) {
        sum += Math.exp(v - max);
      }
      for (int i = 0; i < z.length; i++) {
        out[i] = activation == Activation.SOFTMAX ? Math.exp(z[i] - max) / sum : z[i] - max - Math.log(sum);
      }
      return out;
    }
    for (int i = 0; i < z.length; i++) {
      out[i] = activate(activation, z[i]);
    }
    return out;
  }

  /** Element-wise Keras activations, from their textbook definitions. */
  public static double activate(Activation activation, double x) {
    switch (activation) {
      case LINEAR:
        return x;
      case TANH: {
        double e = Math.exp(-2 * Math.abs(x));
        return Math.signum(x) * (1 - e) / (1 + e);
      }
      case SIGMOID:
        return 1 / (1 + Math.exp(-x));
      case RELU:
        return Math.max(0, x);
      case RELU6:
        return Math.min(6, Math.max(0, x));
      case ELU:
        return x >= 0 ? x : Math.exp(x) - 1;
      case SELU:
        return x >= 0 ? SELU_SCALE * x : SELU_SCALE * SELU_ALPHA * (Math.exp(x) - 1);
      case SOFTPLUS:
        return softplus(x);
      case SOFTSIGN:
        return x / (Math.abs(x) + 1);
      case EXPONENTIAL:
        return Math.exp(x);
      case SWISH:
        return x / (1 + Math.exp(-x));
      case GELU:
        return x / 2 * (1 + erf(x / Math.sqrt(2)));
      case MISH:
        return x * activate(Activation.TANH, softplus(x));
      case HARD_SIGMOID_KERAS2:
        return Math.min(1, Math.max(0, 0.2 * x + 0.5));
      case HARD_SIGMOID_KERAS3:
        return Math.min(6, Math.max(0, x + 3)) / 6;
      case HARD_SILU:
        return x * (Math.min(6, Math.max(0, x + 3)) / 6);
      case LEAKY_RELU:
        return x >= 0 ? x : LEAKY_SLOPE * x;
      default:
        throw new IllegalArgumentException(activation + " is not element-wise");
    }
  }

  /** log(1 + e^x) = max(x, 0) + log(1 + e^{-|x|}). */
  private static double softplus(double x) {
    return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  }

  /**
   * erf by the everywhere-convergent series of positive terms (no cancellation):
   * erf(x) = 2/√π · e^{-x²} · Σ_{n≥0} 2^n x^{2n+1} / (1·3·…·(2n+1)); beyond |x| = 6, erfc &lt; 3e-17.
   */
  public static double erf(double x) {
    double ax = Math.abs(x);
    if (ax >= 6) {
      return Math.signum(x);
    }
    double term = ax;
    double sum = ax;
    double twoX2 = 2 * ax * ax;
    for (int n = 1; n < 1000; n++) {
      term *= twoX2 / (2 * n + 1);
      sum += term;
      if (term < 1e-18 * sum) {
        break;
      }
    }
    double r = 2 / Math.sqrt(Math.PI) * Math.exp(-ax * ax) * sum;
    return x < 0 ? -r : r;
  }

  private static double[][] copy(double[][] x) {
    double[][] c = new double[x.length][];
    for (int t = 0; t < x.length; t++) {
      c[t] = x[t].clone();
    }
    return c;
  }

  static double[] toDouble(WeightArray array) {
    float[] f = array.data();
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
