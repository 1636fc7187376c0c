package org.rnnscore.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * A scored model: a graph of layers ({@link Node}s, topologically ordered) from the input
 * sequence (N×T×D, or N×T token ids when it is read by an Embedding) to the prediction (N×K, or
 * N×T×K when the output node gives a sequence). Today's readers build its simplest case, a
 * chain, in which node i reads node i − 1. Immutable and serializable: this is what the driver
 * broadcasts.
 *
 * <p>The declared number of timesteps (Keras' {@code batch_input_shape[1]}) is enforced only
 * where the graph needs it (Flatten after a sequence); elsewhere a row of any length is scored as
 * Keras scores that row alone.
 */
public final class RnnModel implements Serializable {
  private static final long serialVersionUID = 4L;

  private final String inputName;
  private final int declaredTimesteps;
  /** The model's inputs, each with its resolved width (input 0 is also inputName, declaredTimesteps). */
  private final List<Input> inputs;
  private final List<Node> nodes;
  private final int output;
  /** Every output node, in the model's order (the first is {@link #output}). */
  private final List<Integer> outputs;
  private final List<Layer> layers;
  private final List<Shape> outputShapes;
  private final int inputWidth;
  /** Each step's image frame (a per-step image model: input N×T×H×W×C), or null for T×D rows. */
  private final Frame inputFrame;

  /**
   * A chain: each layer reads the one before it, the first reads the model input, the last gives
   * the prediction.
   *
   * @param inputName the InputLayer's name, or null when the model has none of its own
   * @param declaredTimesteps the timesteps the file declares, or 0 when it declares none (None)
   * @throws ModelFormatException when the layers do not chain: a layer that cannot take what the
   *     one before gives, an Embedding that is not first, or no recurrent layer at all
   */
  public RnnModel(String inputName, int declaredTimesteps, List<Layer> layers) {
    this(inputName, declaredTimesteps, chain(layers), layers == null ? -1 : layers.size() - 1);
  }

  /**
   * A graph: {@code nodes} in topological order, {@code output} the index of the node that gives
   * the prediction.
   *
   * @throws ModelFormatException as {@link #RnnModel(String, int, List)}, and when a node reads a
   *     node that is not before it, or a node does not lead to the output
   */
  public static RnnModel graph(String inputName, int declaredTimesteps, List<Node> nodes, int output) {
    return new RnnModel(List.of(new Input(inputName, declaredTimesteps, 0)), null, nodes, List.of(output));
  }

  /**
   * One input of a model of several (Keras' InputLayers, in the model's input_layers order).
   *
   * @param width D, or 0 to read it off the first layer with a kernel that reads this input
   */
  public record Input(String name, int declaredTimesteps, int width) implements Serializable {}

  /**
   * A graph of several inputs: node inputs name input k as {@link Node#input(int)}; each input
   * has its own rows, lengths and masks.
   */
  public static RnnModel graph(List<Input> inputs, List<Node> nodes, int output) {
    return new RnnModel(inputs, null, nodes, List.of(output));
  }

  /**
   * A graph of several outputs (Keras' output_layers, in order): the first is {@link
   * #outputNode()}, which the one-output accessors (outputWidth, ...) describe.
   */
  public static RnnModel graph(List<Input> inputs, List<Node> nodes, List<Integer> outputs) {
    return new RnnModel(inputs, null, nodes, outputs);
  }

  private RnnModel(String inputName, int declaredTimesteps, List<Node> nodes, int output) {
    this(List.of(new Input(inputName, declaredTimesteps, 0)), null, nodes, List.of(output));
  }

  /**
   * A graph whose input is a sequence of image frames (Keras input shape (None, T, H, W, C)):
   * each step one {@code inputFrame} of H·W·C values, which is then D.
   */
  public static RnnModel graph(String inputName, int declaredTimesteps, Frame inputFrame, List<Node> nodes,
      int output) {
    return new RnnModel(List.of(new Input(inputName, declaredTimesteps, inputFrame.size())), inputFrame, nodes,
        List.of(output));
  }

  private RnnModel(List<Input> givenInputs, Frame inputFrame, List<Node> nodes, List<Integer> outputList) {
    if (outputList == null || outputList.isEmpty()) {
      throw new ModelFormatException("the model has no outputs");
    }
    int output = outputList.get(0);
    if (givenInputs == null || givenInputs.isEmpty()) {
      throw new ModelFormatException("the model has no inputs");
    }
    String inputName = givenInputs.get(0).name();
    int declaredTimesteps = givenInputs.get(0).declaredTimesteps();
    if (inputFrame != null && givenInputs.size() != 1) {
      throw new ModelFormatException("a model of image frames has one input; this one has " + givenInputs.size());
    }
    if (nodes == null || nodes.isEmpty()) {
      throw new ModelFormatException("the model has no layers; expected at least one recurrent layer"
          + " (SimpleRNN, LSTM, GRU)");
    }
    for (Input in : givenInputs) {
      if (in.declaredTimesteps() < 0) {
        throw new ModelFormatException("the model declares " + in.declaredTimesteps()
            + " timesteps, expected at least 1 (or None)");
      }
    }
    checkTopology(nodes, outputList, givenInputs);
    boolean recurrent = false;
    for (Node node : nodes) {
      Layer layer = node.layer();
      if (layer.readsTokens() && (node.inputs().size() != 1 || node.inputs().get(0) >= 0)) {
        throw new ModelFormatException("layer '" + layer.name() + "' (" + layer.kerasClass() + ") follows layer '"
            + nodes.get(node.inputs().get(0)).layer().name() + "'; an " + layer.kerasClass()
            + " reads the token column, so it must come first");
      }
      recurrent |= layer.recurrent();
    }
    if (!recurrent) {
      throw new ModelFormatException("the model has no recurrent layer; expected at least one of SimpleRNN, LSTM, GRU"
          + " (alone or in Bidirectional)");
    }
    List<Input> resolved = new ArrayList<>();
    if (givenInputs.size() == 1) {
      resolved.add(new Input(inputName, declaredTimesteps, givenInputs.get(0).width() > 0 ? givenInputs.get(0).width()
          : inputWidthOf(nodes)));
    } else {
      for (int k = 0; k < givenInputs.size(); k++) {
        resolved.add(new Input(givenInputs.get(k).name(), givenInputs.get(k).declaredTimesteps(),
            inputWidthOf(nodes, k, givenInputs.get(k))));
      }
    }
    this.inputs = List.copyOf(resolved);
    this.inputWidth = resolved.get(0).width();
    this.inputFrame = inputFrame;
    List<Shape> shapes = new ArrayList<>();
    for (Node node : nodes) {
      List<Shape> in = new ArrayList<>();
      List<String> sources = new ArrayList<>();
      for (int from : node.inputs()) {
        Input input = from < 0 ? resolved.get(Node.inputOf(from)) : null;
        in.add(from < 0 ? inputShape(input, inputFrame) : shapes.get(from));
        sources.add(from < 0 ? (resolved.size() == 1 ? "the model input" : "input '" + input.name() + "'")
            : "layer '" + nodes.get(from).layer().name() + "'");
      }
      shapes.add(node.layer().outputShape(in, sources));
      checkInitialState(nodes, node, shapes);
    }
    this.inputName = inputName;
    this.declaredTimesteps = declaredTimesteps;
    this.nodes = List.copyOf(nodes);
    this.output = output;
    this.outputs = List.copyOf(outputList);
    this.layers = this.nodes.stream().map(Node::layer).toList();
    this.outputShapes = List.copyOf(shapes);
  }

  private static List<Node> chain(List<Layer> layers) {
    List<Node> nodes = new ArrayList<>();
    if (layers != null) {
      for (int i = 0; i < layers.size(); i++) {
        nodes.add(Node.of(layers.get(i), i - 1));
      }
    }
    return nodes;
  }

  /**
   * A node's initial_state wiring: only a plain recurrent layer takes it, one state per state of
   * its cell (h; LSTM h then c), each of its units, from an earlier recurrent layer's outputs:
   * 0 its main output when that is a vector, 1 its final h, 2 its final c (LSTM).
   */
  private static void checkInitialState(List<Node> nodes, Node node, List<Shape> shapes) {
    if (node.initialState().isEmpty()) {
      return;
    }
    Layer layer = node.layer();
    String self = "layer '" + layer.name() + "' (" + layer.kerasClass() + ")";
    if (!(layer instanceof RecurrentLayer recurrent)) {
      throw new ModelFormatException(self + " is given an initial_state; only SimpleRNN, LSTM and GRU take one here");
    }
    int states = recurrent instanceof LstmLayer ? 2 : 1;
    if (node.initialState().size() != states) {
      throw new ModelFormatException(self + " is given " + node.initialState().size() + " initial states, expected "
          + states + " (" + (states == 2 ? "h and c" : "h") + ")");
    }
    for (Node.Output state : node.initialState()) {
      int from = state.node(); // before the node: checkTopology
      Layer source = nodes.get(from).layer();
      String what = "output " + state.index() + " of layer '" + source.name() + "'";
      int width;
      if (state.index() == 0) {
        if (shapes.get(from).sequence()) {
          throw new ModelFormatException(self + " takes its initial state from " + what + ", a sequence "
              + shapes.get(from).kerasText() + "; expected a state vector");
        }
        width = shapes.get(from).width();
      } else if (source instanceof RecurrentLayer src && (state.index() == 1 || state.index() == 2
          && src instanceof LstmLayer)) {
        width = src.units();
      } else {
        throw new ModelFormatException(self + " takes its initial state from " + what + ", which " + source.kerasClass()
            + " does not give; expected a SimpleRNN, LSTM or GRU with return_state=True (outputs 1 = h, 2 = c of an"
            + " LSTM)");
      }
      if (width != recurrent.units()) {
        throw new ModelFormatException(self + " has " + recurrent.units() + " units, but its initial state " + what
            + " has " + width + " values");
      }
    }
  }

  /** Each node reads only nodes before it (or the model input), and every node leads to the output. */
  private static void checkTopology(List<Node> nodes, List<Integer> outputs, List<Input> inputs) {
    boolean[] used = new boolean[nodes.size()];
    for (int output : outputs) {
      if (output < 0 || output >= nodes.size()) {
        throw new ModelFormatException("the model's output is node " + output + ", expected one of its "
            + nodes.size() + " layers");
      }
      if (used[output]) {
        throw new ModelFormatException("layer '" + nodes.get(output).layer().name() + "' is named twice as an output");
      }
      used[output] = true;
    }
    int output = outputs.get(0);
    String outputNames = outputs.size() == 1 ? "output '" + nodes.get(output).layer().name() + "'" : "outputs ('"
        + String.join("', '", outputs.stream().map(o -> nodes.get(o).layer().name()).toList()) + "')";
    boolean[] inputUsed = new boolean[inputs.size()];
    for (int i = nodes.size() - 1; i >= 0; i--) {
      Node node = nodes.get(i);
      if (node.inputs().isEmpty()) {
        throw new ModelFormatException("layer '" + node.layer().name() + "' reads no tensor");
      }
      for (int from : node.inputs()) {
        if (from < Node.input(inputs.size() - 1) || from >= i) {
          throw new ModelFormatException("layer '" + node.layer().name() + "' reads node " + from
              + ", expected the model input or a layer before it");
        }
        if (used[i] && from >= 0) {
          used[from] = true;
        }
        if (used[i] && from < 0) {
          inputUsed[Node.inputOf(from)] = true;
        }
      }
      for (Node.Output state : node.initialState()) {
        if (state.node() < 0 || state.node() >= i) {
          throw new ModelFormatException("layer '" + node.layer().name() + "' takes an initial state from node "
              + state.node() + ", expected a layer before it");
        }
        if (used[i]) {
          used[state.node()] = true;
        }
      }
    }
    for (int k = 0; k < inputs.size() && inputs.size() > 1; k++) {
      if (!inputUsed[k]) {
        throw new ModelFormatException("input '" + inputs.get(k).name() + "' does not lead to the model's "
            + outputNames);
      }
    }
    for (int i = 0; i < used.length; i++) {
      if (!used[i]) {
        throw new ModelFormatException("layer '" + nodes.get(i).layer().name() + "' does not lead to the model's"
            + " " + outputNames);
      }
    }
  }

  /**
   * D of input k of a model of several: the width the file declares, else read off the first
   * layer that reads the input directly and has a kernel.
   */
  private static int inputWidthOf(List<Node> nodes, int k, Input input) {
    int found = 0;
    for (Node node : nodes) {
      if (node.inputs().contains(Node.input(k))) {
        Layer layer = node.layer();
        if (layer.readsTokens()) {
          found = 1;
        } else if (layer.inputKernel() != null && node.inputs().size() == 1) {
          found = layer.inputKernelWidth();
        }
        if (found > 0) {
          break;
        }
      }
    }
    if (input.width() > 0) {
      if (found > 0 && found != input.width()) {
        throw new ModelFormatException("input '" + input.name() + "' declares " + input.width() + " features per"
            + " timestep, but the layers reading it take " + found);
      }
      return input.width();
    }
    if (found == 0) {
      throw new ModelFormatException("input '" + input.name() + "' has no declared width and no layer with weights"
          + " reads it directly");
    }
    return found;
  }

  /** D, read off the first layer that fixes it (a kernel's rows; 1 for a token column feeding an Embedding). */
  private static int inputWidthOf(List<Node> nodes) {
    for (Node node : nodes) {
      Layer layer = node.layer();
      if (layer.readsTokens()) {
        return 1;
      }
      if (layer.inputKernel() != null) {
        return layer.inputKernelWidth();
      }
    }
    throw new ModelFormatException("the model has no layer with weights to tell its input width");
  }

  /** The graph's nodes, in topological order (a chain's in layer order). */
  public List<Node> nodes() {
    return nodes;
  }

  /** Every output node, in the model's order (one for all but models of several outputs). */
  public List<Integer> outputNodes() {
    return outputs;
  }

  /** The index of the node whose output is the prediction (the first output). */
  public int outputNode() {
    return output;
  }

  /** The shape of what node {@code from} gives ({@link Node#MODEL_INPUT}: the model input). */
  public Shape shapeOf(int from) {
    if (from < 0) {
      Input input = inputs.get(Node.inputOf(from));
      return inputShape(input, inputFrame);
    }
    return outputShapes.get(from);
  }

  /** The model's inputs in order, each with its width (one for a model read from a single input). */
  public List<Input> inputs() {
    return inputs;
  }

  /** Input {@code input}'s shape: frames when the model reads image frames, else a sequence of its width. */
  private static Shape inputShape(Input input, Frame frame) {
    return frame != null ? Shape.frames(input.declaredTimesteps(), frame)
        : Shape.sequence(input.declaredTimesteps(), input.width());
  }

  /** Each step's image frame when the input is N×T×H×W×C (D is then H·W·C), or null. */
  public Frame inputFrame() {
    return inputFrame;
  }

  public List<Layer> layers() {
    return layers;
  }

  /** Each layer's output shape, in layer order (what inspect prints). */
  public List<Shape> outputShapes() {
    return outputShapes;
  }

  public String inputName() {
    return inputName;
  }

  /** The timesteps the model file declares, if any. */
  public OptionalInt declaredTimesteps() {
    return declaredTimesteps == 0 ? OptionalInt.empty() : OptionalInt.of(declaredTimesteps);
  }

  /** True when every row must have exactly the declared timesteps (a Flatten reads a sequence). */
  public boolean requiresDeclaredTimesteps() {
    return declaredTimestepsNeededBy() != null;
  }

  /**
   * The first layer that needs every row to have the declared timesteps (Flatten, Reshape or
   * Permute over time, reading the row's own steps), or null.
   */
  public Layer declaredTimestepsNeededBy() {
    // Only where a node's input still has the row's own steps: after RepeatVector every row has n.
    boolean[] rowSteps = new boolean[nodes.size()];
    for (int i = 0; i < nodes.size(); i++) {
      Node node = nodes.get(i);
      boolean fromRow = false;
      for (int from : node.inputs()) {
        boolean inputFromRow = from < 0 || rowSteps[from];
        fromRow |= inputFromRow;
        if (inputFromRow && node.layer().needsDeclaredTimesteps(shapeOf(from))) {
          return node.layer();
        }
      }
      rowSteps[i] = fromRow && !node.layer().fixesSteps(shapeOf(node.inputs().get(0)));
    }
    return null;
  }

  /** The steps of a sequence prediction for a row of {@code rowLength} steps (RepeatVector fixes them, Conv1D shortens them). */
  public int outputSteps(int rowLength) {
    int[] lengths = new int[inputs.size()];
    java.util.Arrays.fill(lengths, rowLength);
    return outputSteps(lengths);
  }

  /** As {@link #outputSteps(int)} for a row of several inputs, each of its own length. */
  public int outputSteps(int[] rowLengths) {
    return stepsPerNode(rowLengths)[output];
  }

  private int[] stepsPerNode(int rowLength) {
    int[] lengths = new int[inputs.size()];
    java.util.Arrays.fill(lengths, rowLength);
    return stepsPerNode(lengths);
  }

  /**
   * Per node, the steps its output has for a row of {@code rowLengths} steps (per input): 1 for a
   * vector, 0 where a layer (Conv1D, pooling) shortens the row to nothing, and after it.
   */
  private int[] stepsPerNode(int[] rowLengths) {
    int[] steps = new int[nodes.size()];
    for (int i = 0; i < nodes.size(); i++) {
      int from = nodes.get(i).inputs().get(0);
      int in = from < 0 ? rowLengths[Node.inputOf(from)] : steps[from];
      Shape out = outputShapes.get(i);
      steps[i] = in == 0 ? 0 : !out.sequence() ? 1 : nodes.get(i).layer().rowSteps(in, shapeOf(from), out);
    }
    return steps;
  }

  /**
   * The layers that need rows of more than one step to give any (a Conv1D or pooling with valid
   * padding, or a layer after one), each with the shortest model-input row it gives a step for
   * (its receptive field, in the row's steps), in node order; empty when every row of at least
   * one step is scored.
   */
  public List<StepMinimum> stepMinimums() {
    return stepMinimums(0);
  }

  /**
   * As {@link #stepMinimums()} for input {@code input} of a model of several inputs: the shortest
   * row of that input each layer gives steps for, the other inputs long enough not to limit it.
   */
  public List<StepMinimum> stepMinimums(int input) {
    List<StepMinimum> minimums = new ArrayList<>();
    int known = 1;
    for (int i = 0; i < nodes.size(); i++) {
      if (stepsWith(input, known)[i] > 0) {
        continue;
      }
      // Steps grow with the row's length: double until node i gives one, then bisect.
      int low = known;
      int high = known;
      while (stepsWith(input, high)[i] == 0) {
        if (high > (1 << 28)) {
          throw new ModelFormatException("layer '" + nodes.get(i).layer().name() + "' gives no steps for any row"
              + " length");
        }
        low = high;
        high *= 2;
      }
      while (high - low > 1) {
        int mid = low + (high - low) / 2;
        if (stepsWith(input, mid)[i] == 0) {
          low = mid;
        } else {
          high = mid;
        }
      }
      known = high;
      minimums.add(new StepMinimum(nodes.get(i).layer().name(), nodes.get(i).layer().kerasClass(), high));
    }
    return List.copyOf(minimums);
  }

  /** Per node, its steps for a row whose input {@code input} has {@code length} steps and every other 2^28. */
  private int[] stepsWith(int input, int length) {
    int[] lengths = new int[inputs.size()];
    java.util.Arrays.fill(lengths, 1 << 28);
    lengths[input] = length;
    return stepsPerNode(lengths);
  }

  /**
   * The first layer that mixes time ({@link Layer#mixesTime()}) with a recurrent layer after it,
   * or null: what makes the model's rows impossible to score in parts.
   */
  public Layer timeMixingBeforeRecurrent() {
    Layer mixing = null;
    for (Node node : nodes) {
      Layer layer = node.layer();
      if (layer.recurrent() && mixing != null) {
        return mixing;
      }
      if (mixing == null && layer.mixesTime(shapeOf(node.inputs().get(0)))) {
        mixing = layer;
      }
    }
    return null;
  }

  /**
   * The first layer that a mask reaches (from Masking or Embedding(mask_zero), through the layers
   * that pass it on) but that does not support masking ({@link Layer#supportsMasking()}), or null.
   */
  public Layer maskedLayerWithoutMaskSupport() {
    return firstMaskReached(layer -> !layer.supportsMasking());
  }

  /**
   * The first layer that a mask reaches (from Masking or Embedding(mask_zero), through the layers
   * that pass it on) and that {@code which} picks, or null.
   */
  public Layer firstMaskReached(java.util.function.Predicate<Layer> which) {
    boolean[] masked = new boolean[nodes.size()];
    for (int i = 0; i < nodes.size(); i++) {
      Layer layer = nodes.get(i).layer();
      boolean in = false;
      for (int from : nodes.get(i).inputs()) {
        in |= from >= 0 && masked[from];
      }
      if (in && which.test(layer)) {
        return layer;
      }
      masked[i] = layer.masksOutput(in);
    }
    return null;
  }

  /** The input is token ids (the first layer is an Embedding). */
  public boolean tokenInput() {
    return layers.get(0).readsTokens();
  }

  /** D: features per timestep (1 for token ids). */
  public int inputWidth() {
    return inputWidth;
  }

  /** M: units of the first recurrent layer, as the run report names the model. */
  public int hiddenUnits() {
    for (Layer layer : layers) {
      if (layer.recurrent()) {
        return layer.hiddenUnits();
      }
    }
    throw new IllegalStateException("no recurrent layer");
  }

  /** K: values per prediction (per step when {@link #outputIsSequence()}). */
  public int outputWidth() {
    return outputShapes.get(output).width();
  }

  /** True when the prediction is a sequence: one K-vector per timestep of the row. */
  public boolean outputIsSequence() {
    return outputShapes.get(output).sequence();
  }

  /** The first recurrent layer (the only one of the classic SimpleRNN → Dense model). */
  public RecurrentLayer recurrent() {
    for (Layer layer : layers) {
      if (layer instanceof RecurrentLayer) {
        return (RecurrentLayer) layer;
      }
    }
    throw new IllegalStateException("no plain recurrent layer (Bidirectional only)");
  }

  /** The Dense layers, in order. */
  public List<DenseLayer> denseLayers() {
    List<DenseLayer> dense = new ArrayList<>();
    for (Layer layer : layers) {
      if (layer instanceof DenseLayer) {
        dense.add((DenseLayer) layer);
      }
    }
    return dense;
  }

  /**
   * The layers saved with stateful=True (a Bidirectional counts when its halves are), in layer
   * order: scored from the zero state per row, which the run report lists.
   */
  public List<String> statefulLayers() {
    List<String> names = new ArrayList<>();
    for (Layer layer : layers()) {
      RecurrentLayer recurrent = layer instanceof BidirectionalLayer ? ((BidirectionalLayer) layer).forward()
          : layer instanceof RecurrentLayer ? (RecurrentLayer) layer : null;
      if (recurrent != null && recurrent.sequencing().stateful()) {
        names.add(layer.name());
      }
    }
    return names;
  }

  public long paramCount() {
    long total = 0;
    for (Layer layer : layers) {
      total += layer.paramCount();
    }
    return total;
  }

  /**
   * The model with the first recurrent layer's activation and the last Dense layer's activation
   * replaced (npz files carry none); null leaves one as it is.
   */
  public RnnModel withActivations(Activation recurrentActivation, Activation outputActivation) {
    List<Layer> changed = new ArrayList<>(layers);
    if (recurrentActivation != null) {
      for (int i = 0; i < changed.size(); i++) {
        if (changed.get(i) instanceof RecurrentLayer) {
          changed.set(i, ((RecurrentLayer) changed.get(i)).withActivation(recurrentActivation));
          break;
        }
      }
    }
    if (outputActivation != null) {
      for (int i = changed.size() - 1; i >= 0; i--) {
        if (changed.get(i) instanceof DenseLayer) {
          changed.set(i, ((DenseLayer) changed.get(i)).withActivation(outputActivation));
          break;
        }
      }
    }
    List<Node> rewired = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      rewired.add(new Node(changed.get(i), nodes.get(i).inputs(), nodes.get(i).initialState()));
    }
    return new RnnModel(inputs, inputFrame, rewired, outputs);
  }

  /** "T=10 D=3 M=5 K=2", as the score command reports a model. */
  public String dimensionsText() {
    return "T=" + (declaredTimesteps == 0 ? "any" : String.valueOf(declaredTimesteps)) + " D=" + inputWidth()
        + (inputFrame != null ? " (frames " + inputFrame.height() + "×" + inputFrame.width() + "×"
            + inputFrame.channels() + ")" : "") + " M="
        + hiddenUnits() + " K=" + outputWidth() + (outputIsSequence() ? " per step" : "");
  }
}
