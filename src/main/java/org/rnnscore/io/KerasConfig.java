package org.rnnscore.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.rnnscore.model.Activation;
import org.rnnscore.model.ActivationLayer;
import org.rnnscore.model.BidirectionalLayer;
import org.rnnscore.model.DenseLayer;
import org.rnnscore.model.EmbeddingLayer;
import org.rnnscore.model.FlattenLayer;
import org.rnnscore.model.GruLayer;
import org.rnnscore.model.Layer;
import org.rnnscore.model.LstmLayer;
import org.rnnscore.model.MaskingLayer;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.RecurrentLayer;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.Sequencing;
import org.rnnscore.model.SimpleRnnLayer;
import org.rnnscore.model.WeightArray;

/**
 * A Keras model's JSON architecture, reduced to what rnnscore scores, and the model built from
 * it. Shared by the legacy .h5, the Keras 3 .keras and the JSON + weights readers because the
 * architecture JSON is the same across Keras 2.0 → 3 apart from a few spellings (a bare layer
 * list in old Sequential configs, {@code batch_input_shape} vs {@code batch_shape}, two
 * inbound-node formats); only where the weights live differs, and that is the caller's
 * {@link WeightSource}.
 *
 * <p>Everything that would make our forward pass differ from Keras' is refused here, by name,
 * before any weight is read: we would rather not score than score something else.
 */
final class KerasConfig {
  static final String SUPPORTED = "supported: InputLayer, SimpleRNN, LSTM, GRU, Bidirectional (around SimpleRNN,"
      + " LSTM or GRU), Dense, TimeDistributed (around Dense), Embedding, Masking, Flatten, Activation, and layers that"
      + " do nothing at inference (Dropout, SpatialDropout1D, GaussianNoise, GaussianDropout, AlphaDropout,"
      + " ActivityRegularization)";
  static final List<String> RECURRENT = List.of("SimpleRNN", "LSTM", "GRU");
  private static final Set<String> INFERENCE_IDENTITY = Set.of("Dropout", "AlphaDropout", "GaussianDropout",
      "GaussianNoise", "SpatialDropout1D", "ActivityRegularization");
  private static final String NEVER_RUN = "rnnscore never runs Python code from a model file (Lambda and custom"
      + " layers); rebuild the model from built-in layers";
  private static final ObjectMapper JSON = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder()
              .maxNestingDepth(ParseLimits.DEFAULTS.maxJsonNesting())
              .maxStringLength(ParseLimits.DEFAULTS.maxJsonStringChars())
              .build())
          .build())
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS) // Python's json.dumps writes NaN and Infinity
      .build();

  /** A scored layer of the config, with its position among layers of its class. */
  static final class LayerSpec {
    final String className;
    final String name;
    final JsonNode config;
    /** 0 for the first layer of this class in layer order, 1 for the second, ... (Keras 3 weight paths). */
    final int classOrdinal;
    /** Bidirectional: its two halves (recurrent specs); TimeDistributed: the Dense inside, as {@code forward}. */
    final LayerSpec forward;
    final LayerSpec backward;

    LayerSpec(String className, String name, JsonNode config, int classOrdinal) {
      this(className, name, config, classOrdinal, null, null);
    }

    LayerSpec(String className, String name, JsonNode config, int classOrdinal, LayerSpec forward, LayerSpec backward) {
      this.className = className;
      this.name = name;
      this.config = config;
      this.classOrdinal = classOrdinal;
      this.forward = forward;
      this.backward = backward;
    }

    boolean isRecurrent() {
      return RECURRENT.contains(className);
    }

    boolean isBidirectional() {
      return className.equals("Bidirectional");
    }

    /** Whether the file holds weights for this layer. */
    boolean hasWeights() {
      switch (className) {
        case "Masking":
        case "Flatten":
        case "Activation":
          return false;
        default:
          return true;
      }
    }
  }

  /** Where a format keeps a layer's weights. */
  interface WeightSource {
    /**
     * The layer's weight arrays in Keras' order (recurrent: kernel, recurrent_kernel[, bias];
     * Dense and TimeDistributed: kernel[, bias]; Embedding: embeddings; Bidirectional: the
     * forward half's, then the backward half's), each named by where it lies in the file.
     */
    List<WeightArray> weights(LayerSpec layer);
  }

  private final String inputName;
  private final String inputDescription;
  private final int declaredTimesteps;
  private final int declaredFeatures;
  private final List<LayerSpec> layers;
  private final KerasVersion version;
  /** The Keras generation whose hard_sigmoid applies (the file's, unless forced). */
  private final int activationMajor;

  private KerasConfig(String inputName, String inputDescription, int declaredTimesteps, int declaredFeatures,
      List<LayerSpec> layers, KerasVersion version, int activationMajor) {
    this.inputName = inputName;
    this.inputDescription = inputDescription;
    this.declaredTimesteps = declaredTimesteps;
    this.declaredFeatures = declaredFeatures;
    this.layers = layers;
    this.version = version;
    this.activationMajor = activationMajor;
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

  /** The message for a file written by Keras 1. */
  static String keras1(String kerasVersion) {
    return "has keras_version " + kerasVersion + ": Keras 1 files are not supported (their layer configs and weight"
        + " layout differ); re-save the model with Keras 2 or later";
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
    if (!model.isObject() || !model.path("class_name").isTextual()) {
      throw new ModelFormatException(what + " is not a serialized Keras model (no \"class_name\" at the top level)");
    }
    String modelClass = model.get("class_name").asText();
    JsonNode config = model.path("config");
    List<JsonNode> entries;
    switch (modelClass) {
      case "Sequential":
        // Keras 2.0/2.1 wrote the layer list itself as the config; later versions {"name", "layers"}.
        entries = list(config.isArray() ? config : config.path("layers"));
        break;
      case "Functional":
      case "Model":
        entries = list(config.path("layers"));
        checkChain(config, entries);
        break;
      default:
        throw new ModelFormatException(what + " describes a " + modelClass
            + " model; rnnscore reads Sequential models and Functional models that are a single chain");
    }
    if (entries.isEmpty()) {
      throw new ModelFormatException(what + " lists no layers; expected at least one recurrent layer (SimpleRNN, LSTM,"
          + " GRU)");
    }
    int activationMajor = options.hardSigmoidKerasVersion() != null ? options.hardSigmoidKerasVersion() : version.major();
    return fromEntries(entries, config, version, activationMajor);
  }

  private static KerasConfig fromEntries(List<JsonNode> entries, JsonNode modelConfig, KerasVersion version,
      int activationMajor) {
    String inputName = null;
    JsonNode batchShape = null;
    String shapeOwner = null;
    Map<String, Integer> classCounts = new HashMap<>();
    List<LayerSpec> kept = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      JsonNode entry = entries.get(i);
      String className = entry.path("class_name").asText("");
      JsonNode config = entry.path("config");
      String name = config.path("name").isTextual() ? config.get("name").asText() : entry.path("name").asText("#" + i);
      int ordinal = classCounts.merge(className, 1, Integer::sum) - 1;
      refuseCustom(entry, className, name);
      if (batchShape == null && kept.isEmpty()) {
        JsonNode shape = firstPresent(config, "batch_input_shape", "batch_shape");
        if (shape != null) {
          batchShape = shape;
          shapeOwner = (className.equals("InputLayer") ? "InputLayer" : "layer") + " '" + name + "'";
        }
      }
      switch (className) {
        case "InputLayer":
          if (i != 0) {
            throw new ModelFormatException("InputLayer '" + name + "' is not the first layer; expected one input");
          }
          inputName = name;
          break;
        case "SimpleRNN":
        case "LSTM":
        case "GRU":
          refuseKeras1Config(name, config);
          checkRecurrentOptions("layer '" + name + "'", config);
          kept.add(new LayerSpec(className, name, config, ordinal));
          break;
        case "Bidirectional":
          kept.add(bidirectional(name, config, ordinal));
          break;
        case "TimeDistributed":
          kept.add(timeDistributed(name, config, ordinal));
          break;
        case "Dense":
          refuseKeras1Config(name, config);
          kept.add(new LayerSpec(className, name, config, ordinal));
          break;
        case "Embedding":
        case "Masking":
        case "Flatten":
        case "Activation":
          kept.add(new LayerSpec(className, name, config, ordinal));
          break;
        case "Lambda":
          throw new ModelFormatException("layer '" + name + "' has type Lambda: " + NEVER_RUN + "; " + SUPPORTED);
        default:
          if (!INFERENCE_IDENTITY.contains(className)) {
            throw new ModelFormatException("layer '" + name + "' has type " + (className.isEmpty() ? "(none)" : className)
                + ", which rnnscore does not support; " + SUPPORTED);
          }
      }
    }
    if (kept.stream().noneMatch(spec -> spec.isRecurrent() || spec.isBidirectional())) {
      throw new ModelFormatException("the model has no recurrent layer (layers: " + entries.stream()
          .map(e -> e.path("class_name").asText("?")).collect(Collectors.joining(", "))
          + "); expected at least one of SimpleRNN, LSTM, GRU (alone or in Bidirectional)");
    }
    LayerSpec last = kept.get(kept.size() - 1);
    if ((last.isRecurrent() || last.isBidirectional()) && flag(last.isBidirectional() ? last.forward.config : last.config,
        "return_state")) {
      throw new ModelFormatException("layer '" + last.name + "' has return_state=true and gives the model's output: it"
          + " returns its states as extra outputs, and rnnscore writes one prediction per row (or per step); re-create"
          + " it with return_state=False");
    }
    boolean tokens = kept.get(0).className.equals("Embedding");
    if (batchShape == null) {
      batchShape = modelConfig.isObject() ? modelConfig.get("build_input_shape") : null;
      shapeOwner = "the model's build_input_shape";
    }
    int timesteps = 0;
    int features = 0;
    if (batchShape != null && !batchShape.isNull()) {
      int rank = tokens ? 2 : 3;
      if (!batchShape.isArray() || batchShape.size() != rank) {
        throw new ModelFormatException(shapeOwner + " has input shape " + batchShape + ", expected " + rank
            + " dimensions " + (tokens ? "[batch, timesteps] of token ids for the Embedding '" + kept.get(0).name + "'"
            : "[batch, timesteps, features] for a recurrent model"));
      }
      timesteps = dimension(batchShape.get(1), shapeOwner, "timesteps");
      features = tokens ? 0 : dimension(batchShape.get(2), shapeOwner, "features");
    } else if (tokens) {
      // Keras 2's Embedding(input_length=T) declares the length without a batch shape.
      JsonNode length = kept.get(0).config.get("input_length");
      if (length != null && !length.isNull()) {
        timesteps = dimension(length, "layer '" + kept.get(0).name + "' (Embedding)", "timesteps (input_length)");
      }
    }
    String description = batchShape == null || batchShape.isNull() ? null : shapeOwner + " (input shape " + batchShape + ")";
    return new KerasConfig(inputName, description, timesteps, features, kept, version, activationMajor);
  }

  /** Keras 3 marks layers from outside Keras by their module; those are user code. */
  private static void refuseCustom(JsonNode entry, String className, String name) {
    JsonNode module = entry.get("module");
    if (module != null && module.isTextual() && !module.asText().equals("keras")
        && !module.asText().startsWith("keras.")) {
      JsonNode registered = entry.get("registered_name");
      throw new ModelFormatException("layer '" + name + "' has type " + className + ", a custom layer (module '"
          + module.asText() + "'" + (registered != null && registered.isTextual() ? ", registered as '"
          + registered.asText() + "'" : "") + "): " + NEVER_RUN + "; " + SUPPORTED);
    }
  }

  /** Keras 1 configs name a layer's width output_dim (Keras 2: units). */
  private static void refuseKeras1Config(String name, JsonNode config) {
    if (config.has("output_dim") && !config.has("units")) {
      throw new ModelFormatException("layer '" + name + "' has output_dim and no units: a Keras 1 layer config; Keras 1"
          + " files are not supported (their layer configs and weight layout differ); re-save the model with Keras 2 or"
          + " later");
    }
  }

  private static LayerSpec bidirectional(String name, JsonNode config, int ordinal) {
    String label = "layer '" + name + "' (Bidirectional)";
    JsonNode inner = config.path("layer");
    String innerClass = inner.path("class_name").asText("");
    if (!RECURRENT.contains(innerClass)) {
      throw new ModelFormatException(label + " wraps " + (innerClass.isEmpty() ? "no layer" : "a " + innerClass)
          + "; supported inside Bidirectional: SimpleRNN, LSTM, GRU");
    }
    refuseCustom(inner, innerClass, name);
    JsonNode mergeMode = config.get("merge_mode");
    // Throws for None and unknown modes, naming the layer.
    BidirectionalLayer.MergeMode.fromKeras(name, mergeMode == null ? "concat" : mergeMode.isNull() ? null
        : mergeMode.asText());
    JsonNode forwardConfig = inner.path("config");
    refuseKeras1Config(name, forwardConfig);
    checkRecurrentOptions(label, forwardConfig);
    String base = forwardConfig.path("name").asText(name);
    LayerSpec forward = new LayerSpec(innerClass, "forward_" + removePrefix(base, "forward_"), forwardConfig, -1);
    JsonNode backwardEntry = config.get("backward_layer");
    LayerSpec backward;
    if (backwardEntry != null && !backwardEntry.isNull()) {
      String backwardClass = backwardEntry.path("class_name").asText("");
      if (!RECURRENT.contains(backwardClass)) {
        throw new ModelFormatException(label + " has a backward_layer of type " + (backwardClass.isEmpty() ? "(none)"
            : backwardClass) + "; supported inside Bidirectional: SimpleRNN, LSTM, GRU");
      }
      refuseCustom(backwardEntry, backwardClass, name);
      JsonNode backwardConfig = backwardEntry.path("config");
      refuseKeras1Config(name, backwardConfig);
      checkRecurrentOptions(label, backwardConfig);
      backward = new LayerSpec(backwardClass, backwardConfig.path("name").asText("backward_" + base), backwardConfig, -1);
    } else {
      // Keras builds the backward half from the forward config with go_backwards flipped.
      com.fasterxml.jackson.databind.node.ObjectNode copy = forwardConfig.isObject()
          ? ((com.fasterxml.jackson.databind.node.ObjectNode) forwardConfig).deepCopy() : JSON.createObjectNode();
      copy.put("go_backwards", !flag(forwardConfig, "go_backwards"));
      String backwardName = "backward_" + removePrefix(base, "backward_");
      copy.put("name", backwardName);
      backward = new LayerSpec(innerClass, backwardName, copy, -1);
    }
    return new LayerSpec("Bidirectional", name, config, ordinal, forward, backward);
  }

  private static LayerSpec timeDistributed(String name, JsonNode config, int ordinal) {
    JsonNode inner = config.path("layer");
    String innerClass = inner.path("class_name").asText("");
    if (!innerClass.equals("Dense")) {
      throw new ModelFormatException("layer '" + name + "' (TimeDistributed) wraps " + (innerClass.isEmpty()
          ? "no layer" : "a " + innerClass) + "; supported inside TimeDistributed: Dense");
    }
    refuseCustom(inner, innerClass, name);
    refuseKeras1Config(name, inner.path("config"));
    LayerSpec dense = new LayerSpec("Dense", name, inner.path("config"), -1);
    return new LayerSpec("TimeDistributed", name, config, ordinal, dense, null);
  }

  private static String removePrefix(String text, String prefix) {
    return text.startsWith(prefix) ? text.substring(prefix.length()) : text;
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

  private static void checkRecurrentOptions(String label, JsonNode config) {
    if (flag(config, "stateful")) {
      throw new ModelFormatException(label + " has stateful=true: rnnscore scores rows independently; a stateful layer"
          + " carries state between batches");
    }
    if (flag(config, "time_major")) {
      throw new ModelFormatException(label + " has time_major=true: it reads inputs laid out [timesteps, batch,"
          + " features], which rnnscore does not support; re-create it with time_major=False");
    }
  }

  private static boolean flag(JsonNode config, String key) {
    JsonNode value = config.get(key);
    return value != null && value.asBoolean(false);
  }

  /** A functional model is accepted only as InputLayer → layer → ... → output, each layer called once. */
  private static void checkChain(JsonNode config, List<JsonNode> entries) {
    String model = "functional model '" + config.path("name").asText("?") + "' is not a straight chain: ";
    String rule = "; rnnscore reads Functional models only when they are a single chain from one input to one"
        + " output";
    List<String> inputs = tensorNames(config.get("input_layers"));
    List<String> outputs = tensorNames(config.get("output_layers"));
    if (inputs.size() != 1) {
      throw new ModelFormatException(model + "it has " + inputs.size() + " inputs (" + quoted(inputs) + ")" + rule);
    }
    if (outputs.size() != 1) {
      throw new ModelFormatException(model + "it has " + outputs.size() + " outputs (" + quoted(outputs) + ")" + rule);
    }
    String previous = null;
    for (JsonNode entry : entries) {
      String name = entry.path("name").asText(entry.path("config").path("name").asText("?"));
      List<List<Tensor>> nodes = inboundNodes(entry.get("inbound_nodes"));
      if (previous == null) {
        if (!name.equals(inputs.get(0)) || !nodes.isEmpty()) {
          throw new ModelFormatException(model + "its first layer is '" + name + "', not its input '" + inputs.get(0) + "'"
              + rule);
        }
      } else if (nodes.size() != 1) {
        throw new ModelFormatException(model + "layer '" + name + "' is called " + nodes.size() + " times" + rule);
      } else if (nodes.get(0).size() != 1) {
        throw new ModelFormatException(model + "layer '" + name + "' takes " + nodes.get(0).size() + " inputs ("
            + quoted(nodes.get(0).stream().map(Tensor::layer).collect(Collectors.toList())) + ")" + rule);
      } else if (!nodes.get(0).get(0).layer().equals(previous)) {
        throw new ModelFormatException(model + "layer '" + name + "' takes its input from '" + nodes.get(0).get(0).layer()
            + "', not from the layer listed before it ('" + previous + "')" + rule);
      } else if (nodes.get(0).get(0).index() != 0) {
        throw new ModelFormatException(model + "layer '" + name + "' takes output " + nodes.get(0).get(0).index()
            + " of layer '" + previous + "' (a state, from return_state=True), not its main output" + rule);
      }
      previous = name;
    }
    if (!outputs.get(0).equals(previous)) {
      throw new ModelFormatException(model + "its output is layer '" + outputs.get(0) + "', not the last layer '" + previous
          + "'" + rule);
    }
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

  /**
   * The activation under {@code key}, or Keras' default when the config has none: {@code
   * oldDefault} for standalone Keras 2.0–2.2 (LSTM/GRU recurrent_activation hard_sigmoid), {@code
   * modernDefault} for tf.keras, Keras 2.3+ and 3 (sigmoid).
   */
  private Activation activation(String layerName, JsonNode config, String key, String oldDefault,
      String modernDefault) {
    JsonNode value = config.get(key);
    if (value == null) {
      return activationByName(layerName, JSON.getNodeFactory().textNode(version.modern() ? modernDefault
          : oldDefault), activationMajor);
    }
    return activationByName(layerName, value, activationMajor);
  }

  /** "tanh", or Keras 3's {"class_name": "function", "config": "tanh", ...}; null means linear. */
  private static Activation activationByName(String layerName, JsonNode value, int kerasMajorVersion) {
    String name;
    if (value == null || value.isNull()) {
      name = null;
    } else if (value.isTextual()) {
      name = value.asText();
    } else if (value.isObject() && value.path("config").isTextual()) {
      name = value.get("config").asText();
    } else {
      throw new ModelFormatException("layer '" + layerName + "' has activation " + value
          + ", expected the name of a built-in Keras activation; " + Activation.supportedNames());
    }
    try {
      return Activation.fromKerasName(name, kerasMajorVersion);
    } catch (ModelFormatException e) {
      throw new ModelFormatException("layer '" + layerName + "': " + e.getMessage(), e);
    }
  }

  private static int positiveInt(String layerName, JsonNode config, String key) {
    JsonNode value = config.get(key);
    if (value == null || !value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 1) {
      throw new ModelFormatException("layer '" + layerName + "' has " + key + " " + (value == null ? "(missing)" : value)
          + ", expected a positive integer");
    }
    return value.asInt();
  }

  private static boolean useBias(JsonNode config) {
    JsonNode value = config.get("use_bias");
    return value == null || value.asBoolean(true);
  }

  /** The weight names Keras gives a recurrent or Dense layer, in its order. */
  private static List<String> expectedNames(LayerSpec spec) {
    List<String> names = new ArrayList<>();
    if (spec.className.equals("Embedding")) {
      names.add("embeddings");
      return names;
    }
    names.add("kernel");
    if (spec.isRecurrent()) {
      names.add("recurrent_kernel");
    }
    if (useBias(spec.config)) {
      names.add("bias");
    }
    return names;
  }

  /** Builds the model, taking each layer's weights from the format's source, in Keras' order. */
  RnnModel build(WeightSource source) {
    List<Layer> built = new ArrayList<>();
    for (LayerSpec spec : layers) {
      List<WeightArray> found = spec.hasWeights() ? source.weights(spec) : List.of();
      switch (spec.className) {
        case "SimpleRNN":
        case "LSTM":
        case "GRU":
          built.add(recurrent(spec, named(spec, found, expectedNames(spec), bias(spec)), false));
          break;
        case "Bidirectional":
          built.add(bidirectional(spec, found));
          break;
        case "Dense":
          built.add(dense(spec.name, spec.config, named(spec, found, expectedNames(spec), bias(spec))));
          break;
        case "TimeDistributed":
          built.add(dense(spec.name, spec.forward.config, named(spec, found, expectedNames(spec.forward),
              bias(spec.forward))));
          break;
        case "Embedding":
          built.add(embedding(spec, named(spec, found, expectedNames(spec), "")));
          break;
        case "Masking":
          built.add(new MaskingLayer(spec.name, maskValue(spec)));
          break;
        case "Flatten":
          built.add(new FlattenLayer(spec.name));
          break;
        case "Activation":
          built.add(new ActivationLayer(spec.name, activationByName(spec.name, spec.config.get("activation"),
              activationMajor)));
          break;
        default:
          throw new IllegalStateException("unexpected kept layer class " + spec.className);
      }
    }
    Layer first = built.get(0);
    if (declaredFeatures != 0 && !(first instanceof EmbeddingLayer)) {
      WeightArray kernel = firstKernel(built);
      if (kernel != null && kernel.dim(0) != declaredFeatures) {
        throw new ModelFormatException(inputDescription + " declares " + declaredFeatures + " features per timestep,"
            + " but layer '" + kernelOwner(built) + "' kernel has shape " + kernel.shapeText() + " (" + kernel.dim(0)
            + " features)");
      }
    }
    return new RnnModel(inputName, declaredTimesteps, built);
  }

  private static String bias(LayerSpec spec) {
    return "; use_bias = " + useBias(spec.config);
  }

  private static WeightArray firstKernel(List<Layer> built) {
    for (Layer layer : built) {
      if (layer instanceof RecurrentLayer) {
        return ((RecurrentLayer) layer).kernel();
      }
      if (layer instanceof BidirectionalLayer) {
        return ((BidirectionalLayer) layer).forward().kernel();
      }
      if (layer instanceof DenseLayer) {
        return ((DenseLayer) layer).kernel();
      }
    }
    return null;
  }

  private static String kernelOwner(List<Layer> built) {
    for (Layer layer : built) {
      if (layer instanceof RecurrentLayer || layer instanceof DenseLayer) {
        return layer.name();
      }
      if (layer instanceof BidirectionalLayer) {
        return ((BidirectionalLayer) layer).forward().name();
      }
    }
    return "?";
  }

  /** Checks the count and gives the arrays Keras' names (kernel, recurrent_kernel, bias, embeddings). */
  private static List<WeightArray> named(LayerSpec spec, List<WeightArray> found, List<String> expected,
      String detail) {
    if (found.size() != expected.size()) {
      throw new ModelFormatException("layer '" + spec.name + "' has " + found.size() + " weight array"
          + (found.size() == 1 ? "" : "s") + " in the file (" + arrayNames(found) + "), expected " + expected.size()
          + " (" + String.join(", ", expected) + detail + ")");
    }
    return rename(found, expected);
  }

  private static List<WeightArray> rename(List<WeightArray> found, List<String> expected) {
    List<WeightArray> named = new ArrayList<>();
    for (int i = 0; i < found.size(); i++) {
      WeightArray array = found.get(i);
      named.add(new WeightArray(expected.get(i), array.shape(), array.data()));
    }
    return named;
  }

  private static String arrayNames(List<WeightArray> found) {
    return found.isEmpty() ? "none" : found.stream().map(WeightArray::name).collect(Collectors.joining(", "));
  }

  private RecurrentLayer recurrent(LayerSpec spec, List<WeightArray> weights, boolean inBidirectional) {
    JsonNode config = spec.config;
    int units = positiveInt(spec.name, config, "units");
    WeightArray kernel = weights.get(0);
    WeightArray recurrentKernel = weights.get(1);
    WeightArray bias = weights.size() > 2 ? weights.get(2) : null;
    boolean returnSequences = flag(config, "return_sequences");
    // Keras' Bidirectional forces zero_output_for_mask = return_sequences on both halves (tf.keras, Keras 2.3+, 3).
    boolean zeroOutput = inBidirectional && version.modern() ? returnSequences : flag(config, "zero_output_for_mask");
    Sequencing sequencing = new Sequencing(returnSequences, flag(config, "go_backwards"), zeroOutput);
    Activation activation = activation(spec.name, config, "activation", "tanh", "tanh");
    switch (spec.className) {
      case "SimpleRNN":
        return new SimpleRnnLayer(spec.name, units, kernel, recurrentKernel, bias, activation, sequencing);
      case "LSTM":
        return new LstmLayer(spec.name, units, kernel, recurrentKernel, bias, activation,
            activation(spec.name, config, "recurrent_activation", "hard_sigmoid", "sigmoid"), sequencing);
      default:
        return new GruLayer(spec.name, units, kernel, recurrentKernel, bias, activation,
            activation(spec.name, config, "recurrent_activation", "hard_sigmoid", "sigmoid"), resetAfter(config, bias),
            sequencing);
    }
  }

  /**
   * reset_after as configured; configs from before the option (Keras 2.0–2.1) lack it and mean
   * False. Where it is absent and the layer has a bias, the bias' shape tells (2×3M only exists
   * with reset_after); without a bias, the file's Keras version gives the default.
   */
  private boolean resetAfter(JsonNode config, WeightArray bias) {
    JsonNode value = config.get("reset_after");
    if (value != null && !value.isNull()) {
      return value.asBoolean();
    }
    if (bias != null) {
      return bias.rank() == 2;
    }
    return version.modern();
  }

  private BidirectionalLayer bidirectional(LayerSpec spec, List<WeightArray> found) {
    List<String> forwardNames = expectedNames(spec.forward);
    List<String> backwardNames = expectedNames(spec.backward);
    if (found.size() != forwardNames.size() + backwardNames.size()) {
      throw new ModelFormatException("layer '" + spec.name + "' has " + found.size() + " weight array"
          + (found.size() == 1 ? "" : "s") + " in the file (" + arrayNames(found) + "), expected "
          + (forwardNames.size() + backwardNames.size()) + " (" + spec.forward.name + ": " + String.join(", ", forwardNames)
          + bias(spec.forward) + "; " + spec.backward.name + ": " + String.join(", ", backwardNames) + bias(spec.backward)
          + ")");
    }
    List<WeightArray> forwardArrays = rename(found.subList(0, forwardNames.size()), forwardNames);
    List<WeightArray> backwardArrays = rename(found.subList(forwardNames.size(), found.size()), backwardNames);
    String label = "layer '" + spec.name + "' (Bidirectional), ";
    RecurrentLayer forward;
    RecurrentLayer backward;
    try {
      forward = recurrent(spec.forward, forwardArrays, true);
    } catch (ModelFormatException e) {
      throw new ModelFormatException(label + "forward half: " + e.getMessage(), e);
    }
    try {
      backward = recurrent(spec.backward, backwardArrays, true);
    } catch (ModelFormatException e) {
      throw new ModelFormatException(label + "backward half: " + e.getMessage(), e);
    }
    JsonNode mergeMode = spec.config.get("merge_mode");
    return new BidirectionalLayer(spec.name, forward, backward, BidirectionalLayer.MergeMode.fromKeras(spec.name,
        mergeMode == null ? "concat" : mergeMode.asText()));
  }

  private DenseLayer dense(String name, JsonNode config, List<WeightArray> weights) {
    int units = positiveInt(name, config, "units");
    return new DenseLayer(name, units, weights.get(0), weights.size() > 1 ? weights.get(1) : null,
        activation(name, config, "activation", "linear", "linear"));
  }

  private static EmbeddingLayer embedding(LayerSpec spec, List<WeightArray> weights) {
    int inputDim = positiveInt(spec.name, spec.config, "input_dim");
    int outputDim = positiveInt(spec.name, spec.config, "output_dim");
    WeightArray embeddings = weights.get(0);
    if (!embeddings.hasShape(inputDim, outputDim)) {
      throw new ModelFormatException("layer '" + spec.name + "' embeddings has shape " + embeddings.shapeText()
          + ", expected " + WeightArray.shapeText(inputDim, outputDim) + " (input_dim = " + inputDim + ", output_dim = "
          + outputDim + ")");
    }
    return new EmbeddingLayer(spec.name, embeddings, flag(spec.config, "mask_zero"));
  }

  private static float maskValue(LayerSpec spec) {
    JsonNode value = spec.config.get("mask_value");
    if (value == null || value.isNull()) {
      return 0f;
    }
    if (!value.isNumber()) {
      throw new ModelFormatException("layer '" + spec.name + "' has mask_value " + value + ", expected a number");
    }
    return (float) value.asDouble();
  }

  /** Keras' class-name-to-path rule (keras.src.utils.naming.to_snake_case). */
  static String snakeCase(String className) {
    String name = className.replaceAll("\\W+", "");
    name = name.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
    return name.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }
}
