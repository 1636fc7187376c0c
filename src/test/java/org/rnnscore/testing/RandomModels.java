package org.rnnscore.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.rnnscore.model.Activation;
import org.rnnscore.model.ActivationLayer;
import org.rnnscore.model.BidirectionalLayer;
import org.rnnscore.model.BidirectionalLayer.MergeMode;
import org.rnnscore.model.DenseLayer;
import org.rnnscore.model.EmbeddingLayer;
import org.rnnscore.model.FlattenLayer;
import org.rnnscore.model.GruLayer;
import org.rnnscore.model.Layer;
import org.rnnscore.model.LstmLayer;
import org.rnnscore.model.MaskingLayer;
import org.rnnscore.model.MergeLayer;
import org.rnnscore.model.Node;
import org.rnnscore.model.RecurrentLayer;
import org.rnnscore.layers.RepeatVectorUnit.RepeatVectorLayer;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.Sequencing;
import org.rnnscore.model.SimpleRnnLayer;
import org.rnnscore.model.WeightArray;

/**
 * Seeded random models for tests: weights uniform in [-1, 1), any shapes and activations. Weight
 * arrays carry the names the readers give them (kernel, recurrent_kernel, bias, embeddings), so
 * a model read back compares equal to the one written.
 */
public final class RandomModels {
  /** Element-wise activations every Keras generation writes under the same meaning. */
  public static final List<Activation> PORTABLE = List.of(Activation.LINEAR, Activation.TANH, Activation.SIGMOID,
      Activation.RELU, Activation.ELU, Activation.SELU, Activation.SOFTPLUS, Activation.SOFTSIGN, Activation.SWISH);

  /**
   * Bounded activations for the recurrent layers of the random graphs: with weights of ±1 an
   * unbounded recurrence (linear, relu) overflows float32 within a few steps.
   */
  public static final List<Activation> BOUNDED = List.of(Activation.TANH, Activation.SIGMOID, Activation.SOFTSIGN);

  /** The recurrent layer kinds, by Keras class. */
  public static final List<String> RECURRENT_KINDS = List.of("SimpleRNN", "LSTM", "GRU");

  private RandomModels() {}

  public static WeightArray array(Random random, String name, int... shape) {
    int size = 1;
    for (int dim : shape) {
      size *= dim;
    }
    float[] data = new float[size];
    for (int i = 0; i < size; i++) {
      data[i] = random.nextFloat() * 2 - 1;
    }
    return new WeightArray(name, shape, data);
  }

  /**
   * A SimpleRNN(d → m) followed by Dense layers of the given widths.
   *
   * @param timesteps declared timesteps, 0 for none
   */
  public static RnnModel model(long seed, int timesteps, int d, int m, boolean bias, Activation rnnActivation,
      Activation denseActivation, int... denseUnits) {
    Random random = new Random(seed);
    List<Layer> layers = new ArrayList<>();
    layers.add(new SimpleRnnLayer("simple_rnn", m, array(random, "kernel", d, m), array(random, "recurrent_kernel", m, m),
        bias ? array(random, "bias", m) : null, rnnActivation));
    int width = m;
    for (int i = 0; i < denseUnits.length; i++) {
      int k = denseUnits[i];
      layers.add(new DenseLayer(i == 0 ? "dense" : "dense_" + i, k, array(random, "kernel", width, k),
          bias ? array(random, "bias", k) : null, denseActivation));
      width = k;
    }
    return new RnnModel(null, timesteps, layers);
  }

  /**
   * A recurrent layer of the given Keras class (SimpleRNN, LSTM, GRU) reading d features with m
   * units; GRU with reset_after as given (ignored by the others).
   */
  public static RecurrentLayer recurrent(Random random, String kind, String name, int d, int m, boolean bias,
      Activation activation, Activation recurrentActivation, boolean resetAfter, Sequencing sequencing) {
    switch (kind) {
      case "SimpleRNN":
        return new SimpleRnnLayer(name, m, array(random, "kernel", d, m), array(random, "recurrent_kernel", m, m),
            bias ? array(random, "bias", m) : null, activation, sequencing);
      case "LSTM":
        return new LstmLayer(name, m, array(random, "kernel", d, 4 * m), array(random, "recurrent_kernel", m, 4 * m),
            bias ? array(random, "bias", 4 * m) : null, activation, recurrentActivation, sequencing);
      case "GRU":
        return new GruLayer(name, m, array(random, "kernel", d, 3 * m), array(random, "recurrent_kernel", m, 3 * m),
            bias ? resetAfter ? array(random, "bias", 2, 3 * m) : array(random, "bias", 3 * m) : null, activation,
            recurrentActivation, resetAfter, sequencing);
      default:
        throw new IllegalArgumentException("not a recurrent kind: " + kind);
    }
  }

  /**
   * Bidirectional around a layer of {@code kind}, halves named forward_&lt;base&gt; and
   * backward_&lt;base&gt;, zero_output_for_mask = return_sequences as Keras forces it. With
   * {@code customBackward} the backward half gets its own activation (and, under concat, its
   * own width), as a user-given backward_layer may; otherwise it has the forward's config.
   */
  public static BidirectionalLayer bidirectional(Random random, String name, String base, String kind, int d, int m,
      MergeMode mode, boolean returnSequences, boolean bias, boolean customBackward) {
    Sequencing forwardSequencing = new Sequencing(returnSequences, false, returnSequences);
    Activation activation = pick(random, PORTABLE);
    Activation recurrentActivation = pick(random, PORTABLE);
    boolean resetAfter = random.nextBoolean();
    RecurrentLayer forward = recurrent(random, kind, "forward_" + base, d, m, bias, activation, recurrentActivation,
        resetAfter, forwardSequencing);
    RecurrentLayer backward = customBackward
        ? recurrent(random, kind, "backward_" + base, d, mode == MergeMode.CONCAT ? m + 1 : m, bias,
            pick(random, PORTABLE), recurrentActivation, resetAfter, forwardSequencing.backwards())
        : recurrent(random, kind, "backward_" + base, d, m, bias, activation, recurrentActivation, resetAfter,
            forwardSequencing.backwards());
    return new BidirectionalLayer(name, forward, backward, mode);
  }

  public static DenseLayer dense(Random random, String name, int in, int k, boolean bias, Activation activation) {
    return new DenseLayer(name, k, array(random, "kernel", in, k), bias ? array(random, "bias", k) : null, activation);
  }

  public static EmbeddingLayer embedding(Random random, String name, int vocabulary, int width, boolean maskZero) {
    return new EmbeddingLayer(name, array(random, "embeddings", vocabulary, width), maskZero);
  }

  /**
   * A random chain: optionally an Embedding or a Masking first, one to three recurrent layers
   * (plain or Bidirectional, any kind, any options, all but the last returning sequences), then
   * optionally Flatten, Dense layers and an Activation. Activations are ones every Keras
   * generation writes, so the model can be written in every format.
   */
  public static RnnModel randomChain(long seed) {
    Random random = new Random(seed);
    int timesteps = random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(5);
    List<Layer> layers = new ArrayList<>();
    int width;
    int start = random.nextInt(3);
    if (start == 0) {
      EmbeddingLayer embedding = embedding(random, "embedding", 2 + random.nextInt(12), 1 + random.nextInt(4),
          random.nextBoolean());
      layers.add(embedding);
      width = embedding.outputWidth();
    } else {
      width = 1 + random.nextInt(5);
      if (start == 1) {
        layers.add(new MaskingLayer("masking", new float[] {0f, -1f, 0.5f}[random.nextInt(3)]));
      }
    }
    int recurrentCount = 1 + random.nextInt(3);
    boolean sequence = true;
    int[] kindCounts = new int[4];
    for (int i = 0; i < recurrentCount; i++) {
      boolean last = i == recurrentCount - 1;
      boolean returnSequences = !last || random.nextBoolean();
      String kind = pick(random, RECURRENT_KINDS);
      int m = 1 + random.nextInt(4);
      boolean bias = random.nextInt(4) != 0;
      if (random.nextInt(3) == 0) {
        MergeMode mode = pick(random, List.of(MergeMode.values()));
        String name = numbered("bidirectional", kindCounts[3]++);
        BidirectionalLayer layer = bidirectional(random, name, kind.toLowerCase(java.util.Locale.ROOT) + "_" + i, kind,
            width, m, mode, returnSequences, bias, random.nextBoolean());
        layers.add(layer);
        width = layer.outputWidth();
      } else {
        int kindIndex = RECURRENT_KINDS.indexOf(kind);
        String name = numbered(kind.equals("SimpleRNN") ? "simple_rnn" : kind.toLowerCase(java.util.Locale.ROOT),
            kindCounts[kindIndex]++);
        Sequencing sequencing = new Sequencing(returnSequences, random.nextBoolean(), random.nextBoolean());
        RecurrentLayer layer = recurrent(random, kind, name, width, m, bias, pick(random, PORTABLE),
            pick(random, PORTABLE), random.nextBoolean(), sequencing);
        layers.add(layer);
        width = m;
      }
      sequence = returnSequences;
    }
    // Keras 1 and 2 refuse a mask reaching Flatten (supports_masking=False): no Flatten after one.
    boolean masked = start == 1 || start == 0 && ((EmbeddingLayer) layers.get(0)).maskZero();
    if (sequence && timesteps > 0 && random.nextBoolean() && !masked) {
      layers.add(new FlattenLayer("flatten"));
      width *= timesteps;
    }
    int denseCount = random.nextInt(3);
    for (int i = 0; i < denseCount; i++) {
      int k = 1 + random.nextInt(4);
      layers.add(dense(random, numbered("dense", i), width, k, random.nextInt(4) != 0,
          random.nextInt(4) == 0 ? Activation.SOFTMAX : pick(random, PORTABLE)));
      width = k;
    }
    if (random.nextInt(3) == 0) {
      layers.add(new ActivationLayer("activation", pick(random, List.of(Activation.SOFTMAX, Activation.SIGMOID,
          Activation.RELU))));
    }
    return new RnnModel(random.nextBoolean() ? "input_layer" : null, timesteps, layers);
  }

  /**
   * A random graph that is not a chain: optionally a Masking first, then two or three branches
   * from it (a recurrent layer, any kind, sometimes go_backwards, then sometimes a Dense; under
   * Concatenate one branch may be the input itself), joined by a random merge (Concatenate, Add,
   * Subtract, Multiply, Average, Maximum, Minimum, or Dot of two vectors), then sometimes a
   * recurrent layer on the merged sequence and a Dense head. Widths include 1 and odd sizes.
   * Activations are ones every Keras generation writes.
   */
  public static RnnModel randomGraph(long seed) {
    Random random = new Random(seed);
    int timesteps = random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(5);
    int d = 1 + random.nextInt(5);
    List<Node> nodes = new ArrayList<>();
    int source = Node.MODEL_INPUT;
    int sourceWidth = d;
    if (random.nextBoolean()) {
      nodes.add(Node.of(new MaskingLayer("masking", new float[] {0f, -1f, 0.5f}[random.nextInt(3)]), source));
      source = 0;
    }
    boolean sequence = random.nextBoolean();
    List<MergeLayer.Op> ops = new ArrayList<>(List.of(MergeLayer.Op.CONCATENATE, MergeLayer.Op.ADD,
        MergeLayer.Op.SUBTRACT, MergeLayer.Op.MULTIPLY, MergeLayer.Op.AVERAGE, MergeLayer.Op.MAXIMUM,
        MergeLayer.Op.MINIMUM));
    if (!sequence) {
      ops.add(MergeLayer.Op.DOT);
    }
    MergeLayer.Op op = pick(random, ops);
    int branches = op == MergeLayer.Op.SUBTRACT || op == MergeLayer.Op.DOT ? 2 : 2 + random.nextInt(2);
    int common = 1 + random.nextInt(5);
    List<Integer> ends = new ArrayList<>();
    int merged = 0;
    for (int b = 0; b < branches; b++) {
      if (op == MergeLayer.Op.CONCATENATE && sequence && b == branches - 1 && random.nextInt(3) == 0) {
        ends.add(source); // the (masked) input itself, beside the recurrent branches
        merged += sourceWidth;
        continue;
      }
      String kind = pick(random, RECURRENT_KINDS);
      int m = op == MergeLayer.Op.CONCATENATE || random.nextBoolean() ? 1 + random.nextInt(5) : common;
      Sequencing sequencing = new Sequencing(sequence, random.nextBoolean(), random.nextBoolean());
      nodes.add(Node.of(recurrent(random, kind, "rnn_" + b, sourceWidth, m, random.nextInt(4) != 0,
          pick(random, BOUNDED), pick(random, BOUNDED), random.nextBoolean(), sequencing), source));
      int width = m;
      if (op != MergeLayer.Op.CONCATENATE && m != common || random.nextInt(3) == 0) {
        int k = op == MergeLayer.Op.CONCATENATE ? 1 + random.nextInt(5) : common;
        nodes.add(Node.of(dense(random, "branch_dense_" + b, m, k, random.nextBoolean(), pick(random, PORTABLE)),
            nodes.size() - 1));
        width = k;
      }
      ends.add(nodes.size() - 1);
      merged += width;
    }
    MergeLayer merge = op == MergeLayer.Op.DOT
        ? new MergeLayer("merge", op, new int[] {-1, 1}, random.nextBoolean())
        : op == MergeLayer.Op.CONCATENATE ? new MergeLayer("merge", op, new int[] {random.nextBoolean() ? -1
            : sequence ? 2 : 1}, false) : MergeLayer.of("merge", op);
    nodes.add(new Node(merge, ends));
    int width = op == MergeLayer.Op.CONCATENATE ? merged : op == MergeLayer.Op.DOT ? 1 : common;
    if (sequence && random.nextBoolean()) {
      int m = 1 + random.nextInt(4);
      nodes.add(Node.of(recurrent(random, pick(random, RECURRENT_KINDS), "after_merge", width, m, true,
          pick(random, BOUNDED), pick(random, BOUNDED), random.nextBoolean(),
          new Sequencing(random.nextBoolean(), random.nextBoolean(), false)), nodes.size() - 1));
      width = m;
    }
    if (random.nextBoolean()) {
      nodes.add(Node.of(dense(random, "head", width, 1 + random.nextInt(3), true, pick(random, PORTABLE)),
          nodes.size() - 1));
    }
    return RnnModel.graph("input_layer", timesteps, nodes, nodes.size() - 1);
  }

  /**
   * A random seq2seq graph as Keras saves one: an encoder (SimpleRNN, LSTM or GRU, sometimes
   * go_backwards, sometimes after a Masking) with return_state whose states start a decoder
   * (Keras' initial_state: outputs 1 = h, 2 = c, or the encoder's output 0, which is h) reading
   * the input itself, a Dense of it, or a RepeatVector of the encoder's output; then sometimes a
   * Dense head. Widths include 1 and odd sizes.
   */
  public static RnnModel randomSeq2seq(long seed) {
    Random random = new Random(seed);
    int timesteps = random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(5);
    int d = 1 + random.nextInt(5);
    List<Node> nodes = new ArrayList<>();
    int source = Node.MODEL_INPUT;
    if (random.nextBoolean()) {
      nodes.add(Node.of(new MaskingLayer("masking", new float[] {0f, -1f, 0.5f}[random.nextInt(3)]), source));
      source = 0;
    }
    int m = 1 + random.nextInt(5);
    String encoderKind = pick(random, RECURRENT_KINDS);
    nodes.add(Node.of(recurrent(random, encoderKind, "encoder", d, m, random.nextInt(4) != 0, pick(random, BOUNDED),
        pick(random, BOUNDED), random.nextBoolean(), new Sequencing(false, random.nextBoolean(), false)), source));
    int encoder = nodes.size() - 1;
    int decoderInput;
    int width;
    switch (random.nextInt(3)) {
      case 0 -> {
        decoderInput = source;
        width = d;
      }
      case 1 -> {
        width = 1 + random.nextInt(4);
        nodes.add(Node.of(dense(random, "decoder_in", d, width, true, pick(random, PORTABLE)), source));
        decoderInput = nodes.size() - 1;
      }
      default -> {
        nodes.add(Node.of(new RepeatVectorLayer("repeat", 1 + random.nextInt(4)), encoder));
        decoderInput = nodes.size() - 1;
        width = m;
      }
    }
    String decoderKind = encoderKind.equals("LSTM") ? pick(random, RECURRENT_KINDS) : pick(random, List.of("SimpleRNN",
        "GRU"));
    List<Node.Output> states = new ArrayList<>();
    states.add(new Node.Output(encoder, random.nextBoolean() ? 1 : 0));
    if (decoderKind.equals("LSTM")) {
      states.add(new Node.Output(encoder, 2));
    }
    nodes.add(new Node(recurrent(random, decoderKind, "decoder", width, m, random.nextInt(4) != 0,
        pick(random, BOUNDED), pick(random, BOUNDED), random.nextBoolean(),
        new Sequencing(random.nextBoolean(), false, false)), List.of(decoderInput), states));
    if (random.nextBoolean()) {
      nodes.add(Node.of(dense(random, "head", m, 1 + random.nextInt(3), true, pick(random, PORTABLE)),
          nodes.size() - 1));
    }
    return RnnModel.graph("input_layer", timesteps, nodes, nodes.size() - 1);
  }

  /** input → LSTM(seq) → Dense(2) [output 1]; LSTM → GRU → Dense(1) [output 2]. */
  public static RnnModel twoHeads(long seed) {
    Random random = new Random(seed);
    Node lstm = Node.of(recurrent(random, "LSTM", "lstm", 3, 4, true, Activation.TANH, Activation.SIGMOID,
        false, new Sequencing(true, false, false)), Node.MODEL_INPUT);
    Node perStep = Node.of(dense(random, "per_step", 4, 2, true, Activation.LINEAR), 0);
    Node gru = Node.of(recurrent(random, "GRU", "gru", 4, 3, true, Activation.TANH, Activation.SIGMOID,
        true, Sequencing.LAST), 0);
    Node last = Node.of(dense(random, "last", 3, 1, true, Activation.SIGMOID), 2);
    return RnnModel.graph(List.of(new RnnModel.Input("in", 0, 0)), List.of(lstm, perStep, gru, last), List.of(1, 3));
  }

  private static String numbered(String base, int index) {
    return index == 0 ? base : base + "_" + index;
  }

  public static <T> T pick(Random random, List<T> choices) {
    return choices.get(random.nextInt(choices.size()));
  }
}
