package org.rnnscore.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.rnnscore.model.Frame;
import org.rnnscore.model.Layer;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.Node;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.WeightArray;

/**
 * A Keras model's JSON architecture, reduced to what rnnscore scores, and the model built from
 * it. Shared by the legacy .h5, the Keras 3 .keras and the JSON + weights readers because the
 * architecture JSON is the same across Keras 2.0 → 3 apart from a few spellings (a bare layer
 * list in old Sequential configs, {@code batch_input_shape} vs {@code batch_shape}, two
 * inbound-node formats); only where the weights live differs, and that is the caller's
 * {@link WeightSource}.
 *
 * <p>This class is the generic walk: the model class (Sequential, Functional), the InputLayers
 * and their declared shapes, the graph (inbound nodes, initial_state wiring; shared layers and
 * several outputs refused), custom layers. Each layer entry goes to the {@link LayerKind} that
 * {@link LayerKinds} names for its class, which reads its config, names its weights and builds it.
 * Everything that would make our forward pass differ from Keras' is refused, by name, before any
 * weight is read: we would rather not score than score something else.
 */
final class KerasConfig {
  private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder()
              .maxNestingDepth(ParseLimits.DEFAULTS.maxJsonNesting())
              .maxStringLength(ParseLimits.DEFAULTS.maxJsonStringChars())
              .build())
          .build())
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS) // Python's json.dumps writes NaN and Infinity
      .build();

  /** Where a format keeps a layer's weights. */
  interface WeightSource {
    /**
     * The layer's weight arrays in Keras' order ({@link LayerKind#weightNames}), each named by
     * where it lies in the file.
     */
    List<WeightArray> weights(LayerSpec layer);
  }

  private final String inputName;
  private final String inputDescription;
  private final int declaredTimesteps;
  private final int declaredFeatures;
  /** The frame of a (None, T, H, W, C) input (a per-step image model), or null. */
  private final Frame declaredFrame;
  private final List<LayerSpec> layers;
  /** Per layer, the layers it reads (indices into {@link #layers}; {@link Node#MODEL_INPUT} for the input). */
  private final List<List<Integer>> inputs;
  /** Per layer, where its initial_state comes from (empty for none). */
  private final List<List<Node.Output>> states;
  private final int output;
  private final Generation generation;
  /** The inputs of a model of several (null for one). */
  private List<RnnModel.Input> multiInputs;
  /** The output nodes, in output_layers order (the first is {@link #output}). */
  private List<Integer> outputNodes;

  private KerasConfig(String inputName, String inputDescription, int declaredTimesteps, int declaredFeatures,
      Frame declaredFrame, List<LayerSpec> layers, List<List<Integer>> inputs, List<List<Node.Output>> states,
      int output, Generation generation) {
    this.declaredFrame = declaredFrame;
    this.inputName = inputName;
    this.inputDescription = inputDescription;
    this.declaredTimesteps = declaredTimesteps;
    this.declaredFeatures = declaredFeatures;
    this.layers = layers;
    this.inputs = inputs;
    this.states = states;
    this.output = output;
    this.generation = generation;
  }

  List<LayerSpec> layers() {
    return layers;
  }

  /** Parses JSON text, naming {@code what} (an attribute or zip entry) if it is not JSON. */
  static JsonNode json(String what, String text) {
    try {
      JsonNode node = JSON.readTree(text);
      if (node == null || node.isMissingNode()) {
        throw new ModelFormatException(what + " is empty; expected JSON");
      }
      return node;
    } catch (StreamConstraintsException e) {
      throw new ModelFormatException(what + " is beyond what rnnscore reads in a model config: " + limitText(e), e);
    } catch (JsonProcessingException e) {
      String location = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new ModelFormatException(what + " is not valid JSON" + location + ": " + e.getOriginalMessage(), e);
    }
  }

  /** Which of {@link ParseLimits}' JSON limits a document broke, in our words rather than Jackson's. */
  private static String limitText(StreamConstraintsException e) {
    String message = String.valueOf(e.getOriginalMessage());
    if (message.contains("nesting depth")) {
      return "it nests objects and arrays deeper than " + ParseLimits.DEFAULTS.maxJsonNesting() + " levels";
    }
    if (message.contains("String value length")) {
      return "it holds a string longer than " + ParseLimits.DEFAULTS.maxJsonStringChars() + " characters";
    }
    return message;
  }

  /** The major version of a keras_version string ("2.1.3", "2.2.4-tf", "3.3.3"), or the fallback. */
  static int majorVersion(String kerasVersion, int fallback) {
    return KerasVersion.parse(kerasVersion, fallback).major();
  }

  static KerasConfig parse(JsonNode model, String what, int kerasMajorVersion) {
    return parse(model, what, KerasVersion.parse(null, kerasMajorVersion), ReadOptions.DEFAULTS);
  }

  /**
   * Reads a serialized model ({@code {"class_name": "Sequential" | "Functional" | "Model",
   * "config": ...}}) and checks it is a model rnnscore scores.
   *
   * @param what how messages name the JSON ("model_config", "config.json")
   */
  static KerasConfig parse(JsonNode model, String what, KerasVersion version, ReadOptions options) {
    return parse(model, what, version, options, null);
  }

  /** As {@link #parse(JsonNode, String, KerasVersion, ReadOptions)}, with the backend the file names (or null). */
  static KerasConfig parse(JsonNode model, String what, KerasVersion version, ReadOptions options, String backend) {
    if (!model.isObject() || !model.path("class_name").isTextual()) {
      throw new ModelFormatException(what + " is not a serialized Keras model (no \"class_name\" at the top level)");
    }
    String modelClass = model.get("class_name").asText();
    JsonNode config = model.path("config");
    List<JsonNode> entries;
    boolean functional = false;
    switch (modelClass) {
      case "Sequential":
        // Keras 2.0/2.1 wrote the layer list itself as the config; later versions {"name", "layers"}.
        entries = list(config.isArray() ? config : config.path("layers"));
        break;
      case "Functional":
      case "Model":
        entries = list(config.path("layers"));
        checkGraph(config, entries);
        functional = true;
        break;
      default:
        throw new ModelFormatException(what + " describes a " + modelClass
            + " model; rnnscore reads Sequential and Functional models");
    }
    if (entries.isEmpty()) {
      throw new ModelFormatException(what + " lists no layers; expected at least one recurrent layer (SimpleRNN, LSTM,"
          + " GRU)");
    }
    int activationMajor = options.hardSigmoidKerasVersion() != null ? options.hardSigmoidKerasVersion() : version.major();
    return fromEntries(entries, config, functional, new Generation(version, activationMajor, backend));
  }

  /**
   * @param functional whether the entries are wired by their inbound nodes (Functional) or each
   *     reads the one before it (Sequential)
   */
  private static KerasConfig fromEntries(List<JsonNode> entries, JsonNode modelConfig, boolean functional,
      Generation generation) {
    Wiring wiring = new Wiring();
    String inputName = null;
    JsonNode batchShape = null;
    String shapeOwner = null;
    Map<String, Integer> classCounts = new HashMap<>();
    Map<String, Integer> checkpointCounts = new HashMap<>();
    List<LayerSpec> kept = new ArrayList<>();
    List<String> multiInput = functional ? tensorNames(modelConfig.get("input_layers")) : List.of();
    Map<Integer, JsonNode> multiShapes = new HashMap<>();
    for (int i = 0; i < entries.size(); i++) {
      JsonNode entry = entries.get(i);
      String className = entry.path("class_name").asText("");
      JsonNode config = entry.path("config");
      String name = config.path("name").isTextual() ? config.get("name").asText() : entry.path("name").asText("#" + i);
      int ordinal = classCounts.merge(className, 1, Integer::sum) - 1;
      LayerConfigs.refuseCustom(entry, className, name);
      if (batchShape == null && kept.isEmpty()) {
        JsonNode shape = firstPresent(config, "batch_input_shape", "batch_shape");
        if (shape != null) {
          batchShape = shape;
          shapeOwner = (className.equals("InputLayer") ? "InputLayer" : "layer") + " '" + name + "'";
        }
      }
      if (className.equals("InputLayer") && multiInput.size() > 1) {
        // A model of several inputs: each InputLayer is input k of input_layers, with its own shape.
        int k = multiInput.indexOf(name);
        if (k < 0) {
          throw new ModelFormatException("InputLayer '" + name + "' is not one of the model's inputs ("
              + quoted(multiInput) + ")");
        }
        multiShapes.put(k, config);
        wiring.inputNumber(entry, name, k);
        continue;
      }
      if (className.equals("InputLayer")) {
        if (i != 0) {
          throw new ModelFormatException("InputLayer '" + name + "' is not the first layer; expected one input");
        }
        inputName = name;
        wiring.input(entry, name);
        continue;
      }
      LayerKind kind = LayerKinds.of(className);
      if (generation.keras1()) {
        if (kind == null || !kind.readsKeras1()) {
          throw new ModelFormatException("layer '" + name + "' has type " + (className.isEmpty() ? "(none)" : className)
              + ", which rnnscore does not read from a Keras 1 file; " + LayerKinds.KERAS1_SUPPORTED);
        }
        config = kind.keras1Config(className, name, config);
      }
      if (kind == null) {
        throw new ModelFormatException("layer '" + name + "' has type " + (className.isEmpty() ? "(none)" : className)
            + ", which rnnscore does not support; " + LayerKinds.SUPPORTED);
      }
      LayerSpec spec = kind.parse(className, name, config, ordinal);
      int checkpointOrdinal = checkpointCounts.getOrDefault(className, 0);
      checkpointCounts.put(className, checkpointOrdinal + (spec != null && spec.hasWeights() ? 2 : 1));
      List<Tensor> tensors = functional ? wiring.mainTensors(entry, spec, name) : null;
      List<Integer> from = functional ? wiring.resolveAll(tensors) : wiring.previous();
      List<Node.Output> states = functional ? wiring.initialState(entry, spec, name) : List.of();
      if (spec != null) {
        spec.checkpointOrdinal = checkpointOrdinal;
        wiring.node(entry, name, kept.size(), from, states);
        kept.add(spec);
      } else {
        wiring.alias(entry, name, from, tensors == null || tensors.isEmpty() ? 0 : wiring.index(tensors.get(0)));
      }
    }
    if (kept.stream().noneMatch(spec -> spec.kind.recurrent() || spec.forward != null && spec.forward.kind.recurrent())) {
      throw new ModelFormatException("the model has no recurrent layer (layers: " + entries.stream()
          .map(e -> e.path("class_name").asText("?")).collect(Collectors.joining(", "))
          + "); expected at least one of SimpleRNN, LSTM, GRU (alone or in Bidirectional)");
    }
    List<Integer> outputs = new ArrayList<>();
    for (String name : functional ? tensorNames(modelConfig.get("output_layers")) : List.<String>of()) {
      outputs.add(wiring.resolve(name));
    }
    if (outputs.isEmpty()) {
      outputs.add(wiring.last);
    }
    for (int node : outputs) {
      if (node < 0) {
        throw new ModelFormatException("the model's output is its input; expected a layer");
      }
      LayerSpec last = kept.get(node);
      if (last.kind.returnsState(last)) {
        throw new ModelFormatException("layer '" + last.name + "' has return_state=true and gives the model's output:"
            + " it returns its states as extra outputs, and rnnscore writes one prediction per row (or per step);"
            + " re-create it with return_state=False");
      }
    }
    int output = outputs.get(0);
    if (multiInput.size() > 1) {
      KerasConfig config = multiInputConfig(multiInput, multiShapes, kept, wiring, output, generation);
      config.outputNodes = List.copyOf(outputs);
      return config;
    }
    boolean tokens = kept.get(0).kind.readsTokens();
    if (batchShape == null) {
      batchShape = modelConfig.isObject() ? modelConfig.get("build_input_shape") : null;
      shapeOwner = "the model's build_input_shape";
    }
    int timesteps = 0;
    int features = 0;
    Frame frame = null;
    if (batchShape != null && !batchShape.isNull()) {
      int rank = tokens ? 2 : 3;
      // (None, T, H, W, C): a sequence of image frames for a per-step CNN under TimeDistributed.
      boolean frames = !tokens && batchShape.isArray() && batchShape.size() == 5;
      if (!batchShape.isArray() || batchShape.size() != rank && !frames) {
        throw new ModelFormatException(shapeOwner + " has input shape " + batchShape + ", expected " + rank
            + " dimensions " + (tokens ? "[batch, timesteps] of token ids for the Embedding '" + kept.get(0).name + "'"
            : "[batch, timesteps, features] for a recurrent model (or 5, [batch, timesteps, height, width, channels],"
            + " for per-step image frames)"));
      }
      timesteps = dimension(batchShape.get(1), shapeOwner, "timesteps");
      if (frames) {
        int h = dimension(batchShape.get(2), shapeOwner, "frame height");
        int w = dimension(batchShape.get(3), shapeOwner, "frame width");
        int c = dimension(batchShape.get(4), shapeOwner, "frame channels");
        if (h == 0 || w == 0 || c == 0) {
          throw new ModelFormatException(shapeOwner + " has input shape " + batchShape + ": frames of undeclared"
              + " size; expected height, width and channels declared (only the timesteps may be None)");
        }
        frame = new Frame(h, w, c);
      } else {
        features = tokens ? 0 : dimension(batchShape.get(2), shapeOwner, "features");
      }
    } else if (tokens) {
      // Keras 2's Embedding(input_length=T) declares the length without a batch shape.
      JsonNode length = kept.get(0).config.get("input_length");
      if (length != null && !length.isNull()) {
        timesteps = dimension(length, "layer '" + kept.get(0).name + "' (Embedding)", "timesteps (input_length)");
      }
    }
    String description = batchShape == null || batchShape.isNull() ? null : shapeOwner + " (input shape " + batchShape + ")";
    KerasConfig parsed = new KerasConfig(inputName, description, timesteps, features, frame, kept, wiring.inputs,
        wiring.states, output, generation);
    parsed.outputNodes = List.copyOf(outputs);
    return parsed;
  }

  /** A model of several inputs: each InputLayer's [batch, timesteps, features]; no token inputs. */
  private static KerasConfig multiInputConfig(List<String> names, Map<Integer, JsonNode> shapes, List<LayerSpec> kept,
      Wiring wiring, int output, Generation generation) {
    List<RnnModel.Input> inputs = new ArrayList<>();
    for (int k = 0; k < names.size(); k++) {
      JsonNode config = shapes.get(k);
      String owner = "InputLayer '" + names.get(k) + "'";
      if (config == null) {
        throw new ModelFormatException("the model's input '" + names.get(k) + "' is not an InputLayer of its layers");
      }
      JsonNode shape = firstPresent(config, "batch_input_shape", "batch_shape");
      if (shape == null || !shape.isArray() || shape.size() != 3) {
        throw new ModelFormatException(owner + " has input shape " + shape + ", expected 3 dimensions [batch,"
            + " timesteps, features]; rnnscore reads models of several inputs only when each is a sequence of"
            + " feature vectors");
      }
      inputs.add(new RnnModel.Input(names.get(k), dimension(shape.get(1), owner, "timesteps"),
          dimension(shape.get(2), owner, "features")));
    }
    for (LayerSpec spec : kept) {
      if (spec.kind.readsTokens()) {
        throw new ModelFormatException("layer '" + spec.name + "' (" + spec.className + ") reads token ids in a model"
            + " of " + names.size() + " inputs; rnnscore reads token inputs only in one-input models");
      }
    }
    KerasConfig config = new KerasConfig(names.get(0), null, inputs.get(0).declaredTimesteps(),
        inputs.get(0).width(), null, kept, wiring.inputs, wiring.states, output, generation);
    config.multiInputs = List.copyOf(inputs);
    return config;
  }

  private static int dimension(JsonNode value, String owner, String what) {
    if (value == null || value.isNull()) {
      return 0;
    }
    if (!value.canConvertToInt() || value.asInt() < 1) {
      throw new ModelFormatException(owner + " declares " + value + " " + what + ", expected a positive integer or null");
    }
    return value.asInt();
  }
  /**
   * A functional model is accepted as a graph from one input to one output in which each layer is
   * called once; branches and merges are fine. Which tensors a layer may read (states only as a
   * recurrent layer's initial_state) the walk checks; unused layers the model ({@link RnnModel#graph}).
   */
  private static void checkGraph(JsonNode config, List<JsonNode> entries) {
    String model = "functional model '" + config.path("name").asText("?") + "': ";
    List<String> inputs = tensorNames(config.get("input_layers"));
    List<String> outputs = tensorNames(config.get("output_layers"));
    if (inputs.isEmpty()) {
      throw new ModelFormatException(model + "it lists no inputs (input_layers)");
    }
    if (outputs.isEmpty()) {
      throw new ModelFormatException(model + "it lists no outputs (output_layers)");
    }
    boolean first = true;
    for (JsonNode entry : entries) {
      String name = entry.path("name").asText(entry.path("config").path("name").asText("?"));
      List<List<Tensor>> nodes = inboundNodes(entry.get("inbound_nodes"));
      if (inputs.size() > 1 && entry.path("class_name").asText("").equals("InputLayer")) {
        continue; // one of several inputs, wherever the layer list puts it
      }
      if (first && inputs.size() == 1) {
        if (!name.equals(inputs.get(0)) || !nodes.isEmpty()) {
          throw new ModelFormatException(model + "its first layer is '" + name + "', not its input '" + inputs.get(0)
              + "'; rnnscore reads Functional models whose input is listed first");
        }
        first = false;
        continue;
      }
      if (nodes.size() != 1) {
        throw new ModelFormatException(model + "layer '" + name + "' is called " + nodes.size() + " times; rnnscore"
            + " reads Functional models in which each layer is called once (no shared layers)");
      }
    }
  }

  /**
   * The graph's edges as the walk finds them: each layer name stands for a model node, the model
   * input, or (for a layer left out, such as Dropout) what that layer reads.
   */
  private static final class Wiring {
    private final Map<String, Integer> byName = new HashMap<>();
    /** A left-out layer (Dropout) reading output k > 0 of a layer stands for that output. */
    private final Map<String, Integer> aliasIndex = new HashMap<>();
    final List<List<Integer>> inputs = new ArrayList<>();
    final List<List<Node.Output>> states = new ArrayList<>();
    /** The last tensor named (a Sequential model's output). */
    int last = Node.MODEL_INPUT;

    void input(JsonNode entry, String name) {
      name(entry, name, Node.MODEL_INPUT);
    }

    void inputNumber(JsonNode entry, String name, int k) {
      name(entry, name, Node.input(k));
    }

    void node(JsonNode entry, String name, int index, List<Integer> from, List<Node.Output> initialState) {
      inputs.add(from);
      states.add(initialState);
      name(entry, name, index);
    }

    void alias(JsonNode entry, String name, List<Integer> from, int index) {
      name(entry, name, from.isEmpty() ? Node.MODEL_INPUT : from.get(0));
      if (index != 0) {
        aliasIndex.put(name, index);
      }
    }

    /** Sequential: the layer reads the one before it. */
    List<Integer> previous() {
      return List.of(last);
    }

    /**
     * Functional: the tensors a layer's (first) call reads as its inputs; main outputs only. A
     * Keras 2 recurrent layer's call lists its initial states after its input (RNN.__call__
     * appends them), so for one only the first tensor is its input.
     */
    List<Tensor> mainTensors(JsonNode entry, LayerSpec spec, String name) {
      Call call = firstCall(entry);
      List<Tensor> main = call.args;
      if (call.initialState.isEmpty() && spec != null && spec.isRecurrent() && main.size() > 1) {
        main = main.subList(0, 1);
      }
      for (Tensor tensor : main) {
        if (index(tensor) != 0 && spec != null) {
          throw new ModelFormatException("layer '" + name + "' takes output " + index(tensor) + " of layer '"
              + tensor.layer() + "' (a state, from return_state=True) as its input; rnnscore passes states only to"
              + " a recurrent layer's initial_state");
        }
      }
      return main;
    }

    /** Functional: where a recurrent layer's initial_state comes from (Keras 2: the tensors after its input). */
    List<Node.Output> initialState(JsonNode entry, LayerSpec spec, String name) {
      Call call = firstCall(entry);
      List<Tensor> given = call.initialState;
      if (given.isEmpty() && spec != null && spec.isRecurrent() && call.args.size() > 1) {
        given = call.args.subList(1, call.args.size());
      }
      if (given.isEmpty()) {
        return List.of();
      }
      if (spec == null || !spec.isRecurrent()) {
        throw new ModelFormatException("layer '" + name + "' is given an initial_state; rnnscore passes one only to a"
            + " SimpleRNN, LSTM or GRU (not wrapped)");
      }
      List<Node.Output> states = new ArrayList<>();
      for (Tensor tensor : given) {
        int node = resolve(tensor.layer());
        if (node < 0) {
          throw new ModelFormatException("layer '" + name + "' takes its initial_state from the model input '"
              + tensor.layer() + "'; rnnscore takes initial states only from a recurrent layer's return_state outputs"
              + " (or --initial-state-from)");
        }
        states.add(new Node.Output(node, index(tensor)));
      }
      return states;
    }

    /** Which output of its node a tensor is (through a left-out layer such as Dropout). */
    int index(Tensor tensor) {
      return tensor.index() != 0 ? tensor.index() : aliasIndex.getOrDefault(tensor.layer(), 0);
    }

    List<Integer> resolveAll(List<Tensor> tensors) {
      List<Integer> from = new ArrayList<>();
      for (Tensor tensor : tensors) {
        from.add(resolve(tensor.layer()));
      }
      return from.isEmpty() ? previous() : from;
    }

    private static Call firstCall(JsonNode entry) {
      List<Call> calls = calls(entry.get("inbound_nodes"));
      return calls.isEmpty() ? new Call(List.of(), List.of()) : calls.get(0);
    }

    int resolve(String layer) {
      Integer id = byName.get(layer);
      if (id == null) {
        throw new ModelFormatException("a layer reads '" + layer + "', which is not a layer listed before it");
      }
      return id;
    }

    private void name(JsonNode entry, String name, int id) {
      byName.put(name, id);
      JsonNode entryName = entry.get("name");
      if (entryName != null && entryName.isTextual()) {
        byName.putIfAbsent(entryName.asText(), id);
      }
      last = id;
    }
  }

  /** One call of a layer: the tensors it takes as inputs, and (Keras 3) those of its initial_state kwarg. */
  private record Call(List<Tensor> args, List<Tensor> initialState) {}

  /** Each call of a layer, its tensors split as {@link Call} (Keras 2 keeps them in one list). */
  private static List<Call> calls(JsonNode value) {
    List<Call> calls = new ArrayList<>();
    if (value == null || !value.isArray()) {
      return calls;
    }
    for (JsonNode node : value) {
      if (node.isObject()) {
        List<Tensor> args = new ArrayList<>();
        List<Tensor> states = new ArrayList<>();
        node.fields().forEachRemaining(field -> {
          if (field.getKey().equals("kwargs") && field.getValue().isObject()) {
            field.getValue().fields().forEachRemaining(kwarg -> collectKerasTensors(kwarg.getValue(),
                kwarg.getKey().equals("initial_state") ? states : args));
          } else {
            collectKerasTensors(field.getValue(), args);
          }
        });
        calls.add(new Call(args, states));
      } else {
        List<Tensor> args = new ArrayList<>();
        if (node.isArray()) {
          for (JsonNode tensor : node) {
            args.add(new Tensor(tensor.path(0).asText("?"), tensor.path(2).asInt(0)));
          }
        }
        calls.add(new Call(args, List.of()));
      }
    }
    return calls;
  }

  /** One tensor a layer takes: the layer that made it and which of its outputs it is. */
  private record Tensor(String layer, int index) {}

  /** input_layers / output_layers: [[name, node, tensor], ...] or, in Keras 3 for one tensor, [name, node, tensor]. */
  private static List<String> tensorNames(JsonNode value) {
    List<String> names = new ArrayList<>();
    if (value == null || !value.isArray()) {
      return names;
    }
    if (value.size() > 0 && value.get(0).isTextual()) {
      names.add(value.get(0).asText());
      return names;
    }
    for (JsonNode tensor : value) {
      names.add(tensor.path(0).asText("?"));
    }
    return names;
  }

  /**
   * Each call of a layer and the tensors it takes. Keras 2: [[[name, node, tensor, kwargs], ...],
   * ...]; Keras 3: [{"args": [...], "kwargs": {...}}, ...] with tensors as {"class_name":
   * "__keras_tensor__", "config": {"keras_history": [name, node, tensor]}}.
   */
  private static List<List<Tensor>> inboundNodes(JsonNode value) {
    List<List<Tensor>> nodes = new ArrayList<>();
    if (value == null || !value.isArray()) {
      return nodes;
    }
    for (JsonNode node : value) {
      List<Tensor> sources = new ArrayList<>();
      if (node.isObject()) {
        collectKerasTensors(node, sources);
      } else if (node.isArray()) {
        for (JsonNode tensor : node) {
          sources.add(new Tensor(tensor.path(0).asText("?"), tensor.path(2).asInt(0)));
        }
      }
      nodes.add(sources);
    }
    return nodes;
  }

  private static void collectKerasTensors(JsonNode node, List<Tensor> sources) {
    if (node.isObject() && "__keras_tensor__".equals(node.path("class_name").asText())) {
      JsonNode history = node.path("config").path("keras_history");
      sources.add(new Tensor(history.path(0).asText("?"), history.path(2).asInt(0)));
      return;
    }
    for (JsonNode child : node) {
      collectKerasTensors(child, sources);
    }
  }

  private static String quoted(List<String> names) {
    return names.isEmpty() ? "none" : "'" + String.join("', '", names) + "'";
  }

  private static List<JsonNode> list(JsonNode array) {
    List<JsonNode> items = new ArrayList<>();
    if (array != null && array.isArray()) {
      array.forEach(items::add);
    }
    return items;
  }

  private static JsonNode firstPresent(JsonNode config, String... keys) {
    for (String key : keys) {
      JsonNode value = config.get(key);
      if (value != null && !value.isNull()) {
        return value;
      }
    }
    return null;
  }


  /** Builds the model, taking each layer's weights from the format's source, in Keras' order. */
  RnnModel build(WeightSource source) {
    List<Layer> built = new ArrayList<>();
    for (LayerSpec spec : layers) {
      built.add(spec.kind.build(spec, spec.hasWeights() ? source.weights(spec) : List.of(), generation));
    }
    if (declaredFeatures != 0 && !built.get(0).readsTokens() && multiInputs == null) {
      Layer owner = built.stream().filter(layer -> layer.inputKernel() != null).findFirst().orElse(null);
      WeightArray kernel = owner == null ? null : owner.inputKernel();
      if (kernel != null && owner.inputKernelWidth() != declaredFeatures) {
        throw new ModelFormatException(inputDescription + " declares " + declaredFeatures + " features per timestep,"
            + " but layer '" + owner.inputKernelOwner() + "' kernel has shape " + kernel.shapeText() + " ("
            + owner.inputKernelWidth() + " features)");
      }
    }
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < built.size(); i++) {
      nodes.add(new Node(built.get(i), inputs.get(i), states.get(i)));
    }
    RnnModel model;
    if (declaredFrame != null) {
      model = RnnModel.graph(inputName, declaredTimesteps, declaredFrame, nodes, output);
    } else {
      List<RnnModel.Input> modelInputs = multiInputs != null ? multiInputs
          : List.of(new RnnModel.Input(inputName, declaredTimesteps, 0));
      model = RnnModel.graph(modelInputs, nodes, outputNodes == null ? List.of(output) : outputNodes);
    }
    LayerConfigs.refuseUnsupportedMask(model, generation);
    return model;
  }

  /** Keras' class-name-to-path rule (keras.src.utils.naming.to_snake_case). */
  static String snakeCase(String className) {
    String name = className.replaceAll("\\W+", "");
    name = name.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
    return name.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }
}
