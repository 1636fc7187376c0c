package org.rnnscore.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
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
import org.rnnscore.model.DenseLayer;
import org.rnnscore.model.Layer;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.SimpleRnnLayer;
import org.rnnscore.model.WeightArray;

/**
 * A Keras model's JSON architecture, reduced to what this version scores, and the model built
 * from it. Shared by the legacy .h5 and the Keras 3 .keras readers because the architecture
 * JSON is the same across Keras 2.0 → 3 apart from a few spellings (a bare layer list in old
 * Sequential configs, {@code batch_input_shape} vs {@code batch_shape}, two inbound-node
 * formats); only where the weights live differs, and that is the caller's {@link WeightSource}.
 *
 * <p>Everything that would make our forward pass differ from Keras' is refused here, by name,
 * before any weight is read: we would rather not score than score something else.
 */
final class KerasConfig {
  static final String SUPPORTED = "supported: InputLayer, SimpleRNN, Dense, Activation (after a Dense), and layers"
      + " that do nothing at inference (" + "Dropout, AlphaDropout, GaussianDropout, GaussianNoise, SpatialDropout1D,"
      + " ActivityRegularization)";
  private static final Set<String> INFERENCE_IDENTITY = Set.of("Dropout", "AlphaDropout", "GaussianDropout",
      "GaussianNoise", "SpatialDropout1D", "ActivityRegularization");
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS) // Python's json.dumps writes NaN and Infinity
      .build();

  /** A SimpleRNN or Dense layer of the config, with its position among layers of its class. */
  static final class LayerSpec {
    final String className;
    final String name;
    final JsonNode config;
    /** 0 for the first layer of this class in layer order, 1 for the second, ... (Keras 3 weight paths). */
    final int classOrdinal;
    Activation foldedActivation;

    LayerSpec(String className, String name, JsonNode config, int classOrdinal) {
      this.className = className;
      this.name = name;
      this.config = config;
      this.classOrdinal = classOrdinal;
    }

    boolean isRecurrent() {
      return className.equals("SimpleRNN");
    }
  }

  /** Where a format keeps a layer's weights. */
  interface WeightSource {
    /**
     * The layer's weight arrays in Keras' order (SimpleRNN: kernel, recurrent_kernel[, bias];
     * Dense: kernel[, bias]), each named by where it lies in the file.
     */
    List<WeightArray> weights(LayerSpec layer);
  }

  private final String inputName;
  private final String inputDescription;
  private final int declaredTimesteps;
  private final int declaredFeatures;
  private final List<LayerSpec> layers;
  private final int kerasMajorVersion;

  private KerasConfig(String inputName, String inputDescription, int declaredTimesteps, int declaredFeatures,
      List<LayerSpec> layers, int kerasMajorVersion) {
    this.inputName = inputName;
    this.inputDescription = inputDescription;
    this.declaredTimesteps = declaredTimesteps;
    this.declaredFeatures = declaredFeatures;
    this.layers = layers;
    this.kerasMajorVersion = kerasMajorVersion;
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
    } catch (JsonProcessingException e) {
      String location = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new ModelFormatException(what + " is not valid JSON" + location + ": " + e.getOriginalMessage(), e);
    }
  }

  /** The major version of a keras_version string ("2.1.3", "2.2.4-tf", "3.3.3"), or the fallback. */
  static int majorVersion(String kerasVersion, int fallback) {
    if (kerasVersion == null || kerasVersion.isBlank()) {
      return fallback;
    }
    String digits = kerasVersion.trim().split("[^0-9]", 2)[0];
    try {
      return digits.isEmpty() ? fallback : Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  /**
   * Reads a serialized model ({@code {"class_name": "Sequential" | "Functional" | "Model",
   * "config": ...}}) and checks it is a model this version scores.
   *
   * @param what how messages name the JSON ("model_config", "config.json")
   */
  static KerasConfig parse(JsonNode model, String what, int kerasMajorVersion) {
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
            + " model; this version reads Sequential models and Functional models that are a single chain");
    }
    if (entries.isEmpty()) {
      throw new ModelFormatException(what + " lists no layers; expected a SimpleRNN followed by Dense layers");
    }
    return fromEntries(entries, config, kerasMajorVersion);
  }

  private static KerasConfig fromEntries(List<JsonNode> entries, JsonNode modelConfig, int kerasMajorVersion) {
    String inputName = null;
    JsonNode batchShape = null;
    String shapeOwner = null;
    Map<String, Integer> classCounts = new HashMap<>();
    List<LayerSpec> kept = new ArrayList<>();
    List<String> recurrentNames = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      JsonNode entry = entries.get(i);
      String className = entry.path("class_name").asText("");
      JsonNode config = entry.path("config");
      String name = config.path("name").isTextual() ? config.get("name").asText() : entry.path("name").asText("#" + i);
      int ordinal = classCounts.merge(className, 1, Integer::sum) - 1;
      if (i == 0 || batchShape == null && kept.isEmpty()) {
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
          recurrentNames.add(name);
          kept.add(new LayerSpec(className, name, config, ordinal));
          break;
        case "Dense":
          if (kept.isEmpty()) {
            throw new ModelFormatException("layer '" + name + "' (Dense) comes before the SimpleRNN; this version scores"
                + " a SimpleRNN reading the sequence, then Dense layers");
          }
          kept.add(new LayerSpec(className, name, config, ordinal));
          break;
        case "Activation":
          foldActivation(kept, name, config, kerasMajorVersion);
          break;
        default:
          if (!INFERENCE_IDENTITY.contains(className)) {
            throw new ModelFormatException("layer '" + name + "' has type " + (className.isEmpty() ? "(none)" : className)
                + ", which this version does not support; " + SUPPORTED);
          }
      }
    }
    if (recurrentNames.isEmpty()) {
      throw new ModelFormatException("the model has no SimpleRNN layer (layers: " + entries.stream()
          .map(e -> e.path("class_name").asText("?")).collect(Collectors.joining(", "))
          + "); this version scores a SimpleRNN followed by Dense layers");
    }
    if (recurrentNames.size() > 1) {
      throw new ModelFormatException("the model has " + recurrentNames.size() + " SimpleRNN layers ('"
          + String.join("', '", recurrentNames) + "'); this version scores exactly one SimpleRNN followed by Dense layers");
    }
    checkRecurrentOptions(kept.get(0));
    if (batchShape == null) {
      batchShape = modelConfig.isObject() ? modelConfig.get("build_input_shape") : null;
      shapeOwner = "the model's build_input_shape";
    }
    int timesteps = 0;
    int features = 0;
    if (batchShape != null && !batchShape.isNull()) {
      if (!batchShape.isArray() || batchShape.size() != 3) {
        throw new ModelFormatException(shapeOwner + " has input shape " + batchShape
            + ", expected 3 dimensions [batch, timesteps, features] for a SimpleRNN");
      }
      timesteps = dimension(batchShape.get(1), shapeOwner, "timesteps");
      features = dimension(batchShape.get(2), shapeOwner, "features");
    }
    String description = batchShape == null || batchShape.isNull() ? null : shapeOwner + " (input shape " + batchShape + ")";
    return new KerasConfig(inputName, description, timesteps, features, kept, kerasMajorVersion);
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

  private static void foldActivation(List<LayerSpec> kept, String name, JsonNode config, int kerasMajorVersion) {
    LayerSpec previous = kept.isEmpty() ? null : kept.get(kept.size() - 1);
    if (previous == null || !previous.className.equals("Dense") || previous.foldedActivation != null
        || activation(previous, kerasMajorVersion) != Activation.LINEAR) {
      throw new ModelFormatException("layer '" + name + "' (Activation) follows "
          + (previous == null ? "no scored layer" : "layer '" + previous.name + "' (" + previous.className + ")")
          + "; this version supports an Activation layer only right after a Dense layer with linear activation");
    }
    previous.foldedActivation = activationByName(name, config.get("activation"), kerasMajorVersion);
  }

  private static void checkRecurrentOptions(LayerSpec rnn) {
    String layer = "layer '" + rnn.name + "'";
    if (flag(rnn, "return_sequences")) {
      throw new ModelFormatException(layer + " has return_sequences=true: it gives an output for every timestep, and"
          + " this version scores only the last step (return_sequences=false)");
    }
    if (flag(rnn, "return_state")) {
      throw new ModelFormatException(layer + " has return_state=true: it returns its state as a second output, which"
          + " this version does not support");
    }
    if (flag(rnn, "go_backwards")) {
      throw new ModelFormatException(layer + " has go_backwards=true: it reads each sequence in reverse, which this"
          + " version does not support");
    }
    if (flag(rnn, "stateful")) {
      throw new ModelFormatException(layer + " has stateful=true: it carries its state from one batch to the next,"
          + " which this version does not support (every row is scored from a zero state)");
    }
    if (flag(rnn, "time_major")) {
      throw new ModelFormatException(layer + " has time_major=true, which this version does not support");
    }
  }

  private static boolean flag(LayerSpec layer, String key) {
    JsonNode value = layer.config.get(key);
    return value != null && value.asBoolean(false);
  }

  /** A functional model is accepted only as InputLayer → layer → ... → output, each layer called once. */
  private static void checkChain(JsonNode config, List<JsonNode> entries) {
    String model = "functional model '" + config.path("name").asText("?") + "' is not a straight chain: ";
    String rule = "; this version reads Functional models only when they are a single chain from one input to one"
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
      List<List<String>> nodes = inboundNodes(entry.get("inbound_nodes"));
      if (previous == null) {
        if (!name.equals(inputs.get(0)) || !nodes.isEmpty()) {
          throw new ModelFormatException(model + "its first layer is '" + name + "', not its input '" + inputs.get(0) + "'"
              + rule);
        }
      } else if (nodes.size() != 1) {
        throw new ModelFormatException(model + "layer '" + name + "' is called " + nodes.size() + " times" + rule);
      } else if (nodes.get(0).size() != 1) {
        throw new ModelFormatException(model + "layer '" + name + "' takes " + nodes.get(0).size() + " inputs ("
            + quoted(nodes.get(0)) + ")" + rule);
      } else if (!nodes.get(0).get(0).equals(previous)) {
        throw new ModelFormatException(model + "layer '" + name + "' takes its input from '" + nodes.get(0).get(0)
            + "', not from the layer listed before it ('" + previous + "')" + rule);
      }
      previous = name;
    }
    if (!outputs.get(0).equals(previous)) {
      throw new ModelFormatException(model + "its output is layer '" + outputs.get(0) + "', not the last layer '" + previous
          + "'" + rule);
    }
  }

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
   * Each call of a layer and the layers whose outputs it takes. Keras 2: [[[name, node, tensor,
   * kwargs], ...], ...]; Keras 3: [{"args": [...], "kwargs": {...}}, ...] with tensors as
   * {"class_name": "__keras_tensor__", "config": {"keras_history": [name, node, tensor]}}.
   */
  private static List<List<String>> inboundNodes(JsonNode value) {
    List<List<String>> nodes = new ArrayList<>();
    if (value == null || !value.isArray()) {
      return nodes;
    }
    for (JsonNode node : value) {
      List<String> sources = new ArrayList<>();
      if (node.isObject()) {
        collectKerasTensors(node, sources);
      } else if (node.isArray()) {
        for (JsonNode tensor : node) {
          sources.add(tensor.path(0).asText("?"));
        }
      }
      nodes.add(sources);
    }
    return nodes;
  }

  private static void collectKerasTensors(JsonNode node, List<String> sources) {
    if (node.isObject() && "__keras_tensor__".equals(node.path("class_name").asText())) {
      sources.add(node.path("config").path("keras_history").path(0).asText("?"));
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

  private static Activation activation(LayerSpec layer, int kerasMajorVersion) {
    JsonNode value = layer.config.get("activation");
    if (value == null) {
      // Keras' defaults: SimpleRNN tanh, Dense none (linear).
      return layer.isRecurrent() ? Activation.TANH : Activation.LINEAR;
    }
    return activationByName(layer.name, value, kerasMajorVersion);
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

  private static int units(LayerSpec layer) {
    JsonNode units = layer.config.get("units");
    if (units == null || !units.canConvertToInt() || !units.isIntegralNumber()) {
      throw new ModelFormatException("layer '" + layer.name + "' has units " + (units == null ? "(missing)" : units)
          + ", expected a positive integer");
    }
    return units.asInt();
  }

  private static boolean useBias(LayerSpec layer) {
    JsonNode value = layer.config.get("use_bias");
    return value == null || value.asBoolean(true);
  }

  /** Builds the model, taking each layer's weights from the format's source, in Keras' order. */
  RnnModel build(WeightSource source) {
    List<Layer> built = new ArrayList<>();
    for (LayerSpec spec : layers) {
      int units = units(spec);
      boolean bias = useBias(spec);
      List<String> expected = new ArrayList<>(spec.isRecurrent() ? List.of("kernel", "recurrent_kernel")
          : List.of("kernel"));
      if (bias) {
        expected.add("bias");
      }
      List<WeightArray> found = source.weights(spec);
      if (found.size() != expected.size()) {
        throw new ModelFormatException("layer '" + spec.name + "' has " + found.size() + " weight array"
            + (found.size() == 1 ? "" : "s") + " in the file ("
            + (found.isEmpty() ? "none" : found.stream().map(WeightArray::name).collect(Collectors.joining(", ")))
            + "), expected " + expected.size() + " (" + String.join(", ", expected) + "; use_bias = " + bias + ")");
      }
      List<WeightArray> named = new ArrayList<>();
      for (int i = 0; i < found.size(); i++) {
        WeightArray array = found.get(i);
        named.add(new WeightArray(expected.get(i), array.shape(), array.data()));
      }
      Activation activation = spec.foldedActivation != null ? spec.foldedActivation : activation(spec, kerasMajorVersion);
      if (spec.isRecurrent()) {
        built.add(new SimpleRnnLayer(spec.name, units, named.get(0), named.get(1), bias ? named.get(2) : null, activation));
      } else {
        built.add(new DenseLayer(spec.name, units, named.get(0), bias ? named.get(1) : null, activation));
      }
    }
    int width = built.get(0).inputWidth();
    if (declaredFeatures != 0 && declaredFeatures != width) {
      throw new ModelFormatException(inputDescription + " declares " + declaredFeatures + " features per timestep,"
          + " but layer '" + built.get(0).name() + "' kernel has shape "
          + ((SimpleRnnLayer) built.get(0)).kernel().shapeText() + " (" + width + " features)");
    }
    return new RnnModel(inputName, declaredTimesteps, built);
  }

  /** Keras' class-name-to-path rule (keras.src.utils.naming.to_snake_case). */
  static String snakeCase(String className) {
    String name = className.replaceAll("\\W+", "");
    name = name.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
    return name.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }
}
