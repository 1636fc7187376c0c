package org.rnnscore.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.rnnscore.model.Activation;
import org.rnnscore.model.ActivationFunctionLayer;
import org.rnnscore.model.ActivationLayer;
import org.rnnscore.model.BatchNormalizationLayer;
import org.rnnscore.model.BidirectionalLayer;
import org.rnnscore.model.DenseLayer;
import org.rnnscore.model.EmbeddingLayer;
import org.rnnscore.model.Conv2DLayer;
import org.rnnscore.model.FlattenLayer;
import org.rnnscore.model.Frame;
import org.rnnscore.model.FrameFlattenLayer;
import org.rnnscore.model.Pooling2DLayer;
import org.rnnscore.model.Window2D;
import org.rnnscore.model.GruLayer;
import org.rnnscore.model.Layer;
import org.rnnscore.model.LayerNormalizationLayer;
import org.rnnscore.model.LstmLayer;
import org.rnnscore.model.MaskingLayer;
import org.rnnscore.model.PReluLayer;
import org.rnnscore.model.MergeLayer;
import org.rnnscore.model.PermuteLayer;
import org.rnnscore.model.RecurrentLayer;
import org.rnnscore.layers.RepeatVectorUnit.RepeatVectorLayer;
import org.rnnscore.model.Conv1DLayer;
import org.rnnscore.model.GlobalPooling1DLayer;
import org.rnnscore.model.Pooling1DLayer;
import org.rnnscore.model.ReshapeLayer;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.Shape;
import org.rnnscore.model.SimpleRnnLayer;
import org.rnnscore.model.WeightArray;

/**
 * Writes an {@link RnnModel} in the layouts Keras itself writes, for round-trip tests and for
 * the project's sample-data/. Nothing here is read from Keras; the layouts follow Keras' saving
 * code (tf.keras hdf5_format / Keras 3 legacy_h5_format for .h5, saving_lib for .keras, numpy's
 * format module for .npz) and the real files under ../shared/keras-conformance:
 *
 * <ul>
 *   <li>.h5 (tf.keras 2.x): root attributes {@code model_config} (JSON, with {@code keras_version}
 *       and {@code backend} inside as tf.keras writes them), {@code keras_version}, {@code
 *       backend}; group {@code model_weights} with {@code layer_names}, and per layer a group
 *       with {@code weight_names} such as "lstm/lstm_cell/kernel:0" (Bidirectional:
 *       "bidirectional/forward_lstm/lstm_cell/kernel:0", then the backward half's; Embedding:
 *       "embedding/embeddings:0") whose datasets lie at that path below the layer group; float32.
 *   <li>JSON + weights (Keras 2's {@code to_json()} and {@code save_weights("w.h5")}): the
 *       model_config JSON as a file, and an h5 whose root carries {@code layer_names}, {@code
 *       keras_version} and {@code backend}, with the layer groups directly below the root.
 *   <li>.keras (Keras 3): a stored (uncompressed) zip of metadata.json, config.json and
 *       model.weights.h5, the model as a Sequential starting with an InputLayer; weights at
 *       {@code layers/<snake_case class>[_N]/vars/0..}, recurrent layers at {@code .../cell/vars},
 *       Bidirectional at {@code .../forward_layer/cell/vars} and {@code .../backward_layer/cell/vars},
 *       TimeDistributed at {@code .../layer/vars}.
 *   <li>.npz: stored zip entries Wx.npy Wh.npy [bh.npy] Wo.npy [bo.npy], .npy format 1.0,
 *       little-endian float32, C order, header padded to a multiple of 64 bytes. (numpy writes
 *       the entries with zip64 extra fields; java.util.zip does not, which readers ignore.)
 * </ul>
 *
 * <p>A model does not remember whether a Dense came from {@code TimeDistributed(Dense)}: the
 * {@code timeDistributed} arguments name the Dense layers to write wrapped.
 *
 * <p>Known differences from Keras' files: jhdf adds a root attribute {@code _jHDF} and writes
 * strings as fixed-length UTF-8 where h5py may write variable-length ones (Keras reads both).
 * Keras writes a group (with an empty weight_names) for every layer, and Keras 3 an empty {@code
 * vars} group for every saveable without variables; those are left out (weightless layers are
 * not in layer_names either) because jhdf 0.9.4 writes a corrupt file (unreadable by h5py too)
 * when a group without datasets follows a dataset. Keras' own loaders look those groups up, so a
 * file from here may need them added before Keras itself will load it; rnnscore does not read them.
 */
public final class KerasFileWriter {
  /** The versions written into files: a tf.keras 2.x and a Keras 3 release. */
  public static final String LEGACY_KERAS_VERSION = "2.15.0";
  public static final String KERAS3_VERSION = "3.6.0";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private KerasFileWriter() {}

  // ---------------------------------------------------------------------------------------
  // Legacy .h5 (tf.keras 2.x)

  /** Writes {@code model} as tf.keras 2.x's {@code model.save("x.h5")} would. */
  public static void writeLegacyH5(Path path, RnnModel model) {
    writeLegacyH5(path, model, Set.of());
  }

  /** As {@link #writeLegacyH5(Path, RnnModel)}, with the named Dense layers wrapped in TimeDistributed. */
  public static void writeLegacyH5(Path path, RnnModel model, Set<String> timeDistributed) {
    writeLegacyH5(path, model, legacyModelConfig(model, timeDistributed).toString());
  }

  /** As {@link #writeLegacyH5(Path, RnnModel)}, with the given model_config JSON (for tests that alter it). */
  public static void writeLegacyH5(Path path, RnnModel model, String modelConfigJson) {
    writeLegacyH5(path, modelConfigJson, legacyWeights(model));
  }

  /**
   * The legacy layout with any config and weights: {@code weights} maps each layer name (in
   * {@code layer_names} order) to its weight names (in {@code weight_names} order) and arrays.
   */
  public static void writeLegacyH5(Path path, String modelConfigJson, Map<String, Map<String, WeightArray>> weights) {
    writeLegacyH5(path, modelConfigJson, weights, LEGACY_KERAS_VERSION);
  }

  /** As {@link #writeLegacyH5(Path, String, Map)}, with the keras_version attributes. */
  public static void writeLegacyH5(Path path, String modelConfigJson, Map<String, Map<String, WeightArray>> weights,
      String kerasVersion) {
    writeLegacyH5(path, modelConfigJson, weights, kerasVersion, "tensorflow");
  }

  /** As {@link #writeLegacyH5(Path, String, Map, String)}, with the backend attributes ({@code null}: none). */
  public static void writeLegacyH5(Path path, String modelConfigJson, Map<String, Map<String, WeightArray>> weights,
      String kerasVersion, String backend) {
    try (WritableHdfFile file = HdfFile.write(path)) {
      if (backend != null) {
        file.putAttribute("backend", backend);
      }
      file.putAttribute("keras_version", kerasVersion);
      file.putAttribute("model_config", modelConfigJson);
      WritableGroup weightsGroup = file.putGroup("model_weights");
      if (backend != null) {
        weightsGroup.putAttribute("backend", backend);
      }
      weightsGroup.putAttribute("keras_version", kerasVersion);
      putLayers(weightsGroup, weights);
    }
  }

  /** layer_names on {@code group}, and a group per layer with its weight_names and datasets. */
  private static void putLayers(WritableGroup group, Map<String, Map<String, WeightArray>> weights) {
    group.putAttribute("layer_names", weights.keySet().toArray(new String[0]));
    for (Map.Entry<String, Map<String, WeightArray>> layer : weights.entrySet()) {
      WritableGroup layerGroup = group.putGroup(layer.getKey());
      // jhdf cannot write an empty string array; Keras' empty list is an empty float array anyway.
      if (!layer.getValue().isEmpty()) {
        layerGroup.putAttribute("weight_names", layer.getValue().keySet().toArray(new String[0]));
      }
      for (Map.Entry<String, WeightArray> dataset : layer.getValue().entrySet()) {
        putNested(layerGroup, dataset.getKey(), dataset.getValue());
      }
    }
  }

  /**
   * The weights of {@code model} by layer and tf.keras weight name, for tests that alter them.
   * Layers without weights are left out (see the class comment).
   */
  public static Map<String, Map<String, WeightArray>> legacyWeights(RnnModel model) {
    Map<String, Map<String, WeightArray>> weights = new LinkedHashMap<>();
    for (Layer layer : model.layers()) {
      Map<String, WeightArray> datasets = legacyWeights(layer);
      if (!datasets.isEmpty()) {
        weights.put(layer.name(), datasets);
      }
    }
    return weights;
  }

  /** tf.keras 2.x weight names: "<layer>/<cell>/kernel:0" for recurrent layers, "<layer>/kernel:0" for Dense. */
  private static Map<String, WeightArray> legacyWeights(Layer layer) {
    Map<String, WeightArray> datasets = new LinkedHashMap<>();
    entryFor(layer).legacyWeights(datasets, layer);
    return datasets;
  }

  private static void putRecurrent(Map<String, WeightArray> datasets, String prefix, RecurrentLayer layer) {
    String cell = prefix + cellName(layer) + "/";
    datasets.put(cell + "kernel:0", layer.kernel());
    datasets.put(cell + "recurrent_kernel:0", layer.recurrentKernel());
    layer.bias().ifPresent(b -> datasets.put(cell + "bias:0", b));
  }

  private static String cellName(RecurrentLayer layer) {
    return layer instanceof SimpleRnnLayer ? "simple_rnn_cell" : layer instanceof LstmLayer ? "lstm_cell" : "gru_cell";
  }

  /** The model_config tf.keras 2.x writes for a Sequential with an InputLayer. */
  public static ObjectNode legacyModelConfig(RnnModel model) {
    return legacyModelConfig(model, Set.of());
  }

  /** As {@link #legacyModelConfig(RnnModel)}, with the named Dense layers wrapped in TimeDistributed. */
  public static ObjectNode legacyModelConfig(RnnModel model, Set<String> timeDistributed) {
    ObjectNode root = NODES.objectNode();
    root.put("class_name", "Sequential");
    ObjectNode config = root.putObject("config");
    config.put("name", "sequential");
    ArrayNode layers = config.putArray("layers");
    ObjectNode input = layers.addObject();
    input.put("class_name", "InputLayer");
    ObjectNode inputConfig = input.putObject("config");
    inputConfig.set("batch_input_shape", batchShape(model));
    inputConfig.put("dtype", "float32");
    inputConfig.put("sparse", false);
    inputConfig.put("ragged", false);
    inputConfig.put("name", model.inputName() != null ? model.inputName() : model.layers().get(0).name() + "_input");
    for (Layer layer : model.layers()) {
      layers.add(entry(layer, 2, timeDistributed.contains(layer.name()), null));
    }
    root.put("keras_version", LEGACY_KERAS_VERSION);
    root.put("backend", "tensorflow");
    return root;
  }

  // ---------------------------------------------------------------------------------------
  // Functional models (graphs): the model's nodes with their inbound nodes

  /**
   * model_config of a tf.keras 2.x Functional model with the model's graph: an InputLayer, then
   * each node with {@code inbound_nodes [[[source, 0, 0, {}], ...]]} (a merge lists its inputs
   * in order), {@code output_layers} the output node.
   */
  public static ObjectNode legacyFunctionalConfig(RnnModel model) {
    ObjectNode root = NODES.objectNode();
    root.put("class_name", "Functional");
    ObjectNode config = root.putObject("config");
    config.put("name", "model");
    ArrayNode layers = config.putArray("layers");
    String inputName = model.inputName() != null ? model.inputName() : "input_1";
    ObjectNode input = layers.addObject();
    input.put("class_name", "InputLayer");
    ObjectNode inputConfig = input.putObject("config");
    inputConfig.set("batch_input_shape", batchShape(model));
    inputConfig.put("dtype", "float32");
    inputConfig.put("sparse", false);
    inputConfig.put("ragged", false);
    inputConfig.put("name", inputName);
    input.put("name", inputName);
    input.putArray("inbound_nodes");
    List<org.rnnscore.model.Node> nodes = model.nodes();
    for (org.rnnscore.model.Node node : nodes) {
      ObjectNode entry = entry(node.layer(), 2, false, null);
      entry.put("name", node.layer().name());
      returnState(model, node, entry);
      ArrayNode call = entry.putArray("inbound_nodes").addArray();
      for (int from : node.inputs()) {
        call.addArray().add(sourceName(model, inputName, from)).add(0).add(0).addObject();
      }
      // tf.keras' RNN.__call__ appends the initial states to the call's inputs.
      for (org.rnnscore.model.Node.Output state : node.initialState()) {
        call.addArray().add(sourceName(model, inputName, state.node())).add(0).add(state.index()).addObject();
      }
      layers.add(entry);
    }
    config.putArray("input_layers").addArray().add(inputName).add(0).add(0);
    ArrayNode outputLayers = config.putArray("output_layers");
    for (int output : model.outputNodes()) {
      outputLayers.addArray().add(nodes.get(output).layer().name()).add(0).add(0);
    }
    root.put("keras_version", LEGACY_KERAS_VERSION);
    root.put("backend", "tensorflow");
    return root;
  }

  /**
   * config.json of a Keras 3 Functional model with the model's graph: each node's inbound node
   * {@code {"args": [tensor], "kwargs": {}}}, a merge's {@code {"args": [[tensor, ...]]}}, tensors
   * as {@code __keras_tensor__} with their keras_history.
   */
  public static ObjectNode kerasV3FunctionalConfig(RnnModel model) {
    ObjectNode root = NODES.objectNode();
    root.put("module", "keras.src.models.functional");
    root.put("class_name", "Functional");
    ObjectNode config = root.putObject("config");
    config.put("name", "functional");
    config.put("trainable", true);
    ArrayNode layers = config.putArray("layers");
    String inputName = model.inputName() != null ? model.inputName() : "input_layer";
    ObjectNode input = layers.addObject();
    input.put("module", "keras.layers");
    input.put("class_name", "InputLayer");
    ObjectNode inputConfig = input.putObject("config");
    inputConfig.set("batch_shape", batchShape(model));
    inputConfig.put("dtype", "float32");
    inputConfig.put("sparse", false);
    inputConfig.put("name", inputName);
    input.putNull("registered_name");
    input.put("name", inputName);
    input.putArray("inbound_nodes");
    List<org.rnnscore.model.Node> nodes = model.nodes();
    for (org.rnnscore.model.Node node : nodes) {
      Shape first = model.shapeOf(node.inputs().get(0));
      ObjectNode entry = entry(node.layer(), 3, false, first);
      if (node.inputs().size() > 1) {
        ArrayNode shapes = NODES.arrayNode();
        for (int from : node.inputs()) {
          shapes.add(shapeJson(model.shapeOf(from), false));
        }
        entry.putObject("build_config").set("input_shape", shapes);
      }
      entry.put("name", node.layer().name());
      returnState(model, node, entry);
      ObjectNode call = entry.putArray("inbound_nodes").addObject();
      ArrayNode args = call.putArray("args");
      ArrayNode tensors = node.inputs().size() > 1 ? args.addArray() : args;
      for (int from : node.inputs()) {
        ObjectNode tensor = tensors.addObject();
        tensor.put("class_name", "__keras_tensor__");
        ObjectNode tensorConfig = tensor.putObject("config");
        tensorConfig.set("shape", shapeJson(model.shapeOf(from), from == org.rnnscore.model.Node.MODEL_INPUT
            && model.tokenInput()));
        tensorConfig.put("dtype", "float32");
        tensorConfig.putArray("keras_history").add(sourceName(model, inputName, from)).add(0).add(0);
      }
      ObjectNode kwargs = call.putObject("kwargs");
      if (!node.initialState().isEmpty()) {
        ArrayNode states = kwargs.putArray("initial_state");
        for (org.rnnscore.model.Node.Output state : node.initialState()) {
          ObjectNode tensor = states.addObject();
          tensor.put("class_name", "__keras_tensor__");
          ObjectNode tensorConfig = tensor.putObject("config");
          tensorConfig.set("shape", NODES.arrayNode().addNull().add(((RecurrentLayer) node.layer()).units()));
          tensorConfig.put("dtype", "float32");
          tensorConfig.putArray("keras_history").add(sourceName(model, inputName, state.node())).add(0)
              .add(state.index());
        }
      }
      layers.add(entry);
    }
    config.putArray("input_layers").addArray().add(inputName).add(0).add(0);
    ArrayNode outputLayers = config.putArray("output_layers");
    for (int output : model.outputNodes()) {
      outputLayers.addArray().add(nodes.get(output).layer().name()).add(0).add(0);
    }
    root.putNull("registered_name");
    root.putObject("build_config").putNull("input_shape");
    root.putNull("compile_config");
    return root;
  }

  /** A layer whose states another reads (outputs 1, 2) was built with return_state=True. */
  private static void returnState(RnnModel model, org.rnnscore.model.Node node, ObjectNode entry) {
    int self = model.nodes().indexOf(node);
    for (org.rnnscore.model.Node other : model.nodes()) {
      for (org.rnnscore.model.Node.Output state : other.initialState()) {
        if (state.node() == self && state.index() > 0) {
          ((ObjectNode) entry.get("config")).put("return_state", true);
        }
      }
    }
  }

  private static String sourceName(RnnModel model, String inputName, int from) {
    return from == org.rnnscore.model.Node.MODEL_INPUT ? inputName : model.nodes().get(from).layer().name();
  }

  /** Writes a graph model as tf.keras 2.x's {@code model.save("x.h5")} of a Functional model. */
  public static void writeLegacyH5Functional(Path path, RnnModel model) {
    writeLegacyH5(path, model, legacyFunctionalConfig(model).toString());
  }

  /** Writes a graph model as Keras 3's {@code model.save("x.keras")} of a Functional model. */
  public static void writeKerasV3Functional(Path path, RnnModel model) {
    writeKerasV3(path, model, kerasV3FunctionalConfig(model).toString());
  }

  // ---------------------------------------------------------------------------------------
  // JSON + weights (Keras 2's to_json() and save_weights())

  /** Writes {@code model.to_json()} and {@code model.save_weights()} as tf.keras 2.x would. */
  public static void writeJsonAndWeights(Path json, Path weights, RnnModel model) {
    writeJsonAndWeights(json, weights, model, Set.of());
  }

  /** As {@link #writeJsonAndWeights(Path, Path, RnnModel)}, with the named Dense layers wrapped in TimeDistributed. */
  public static void writeJsonAndWeights(Path json, Path weights, RnnModel model, Set<String> timeDistributed) {
    try {
      Files.writeString(json, legacyModelConfig(model, timeDistributed).toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    writeWeightsOnlyH5(weights, legacyWeights(model));
  }

  /** A save_weights() file: layer_names, keras_version and backend on the root, layer groups below it. */
  public static void writeWeightsOnlyH5(Path path, Map<String, Map<String, WeightArray>> weights) {
    try (WritableHdfFile file = HdfFile.write(path)) {
      file.putAttribute("backend", "tensorflow");
      file.putAttribute("keras_version", LEGACY_KERAS_VERSION);
      putLayers(file, weights);
    }
  }

  // ---------------------------------------------------------------------------------------
  // Keras 3 .keras

  /** Writes {@code model} as Keras 3's {@code model.save("x.keras")} would. */
  public static void writeKerasV3(Path path, RnnModel model) {
    writeKerasV3(path, model, Set.of());
  }

  /** As {@link #writeKerasV3(Path, RnnModel)}, with the named Dense layers wrapped in TimeDistributed. */
  public static void writeKerasV3(Path path, RnnModel model, Set<String> timeDistributed) {
    writeKerasV3(path, kerasV3Config(model, timeDistributed).toString(), kerasV3Vars(model, timeDistributed));
  }

  /** As {@link #writeKerasV3(Path, RnnModel)}, with the given config.json (for tests that alter it). */
  public static void writeKerasV3(Path path, RnnModel model, String configJson) {
    writeKerasV3(path, configJson, kerasV3Vars(model));
  }

  /** The .keras layout with any config and weights: {@code vars} maps a group path to its datasets 0, 1, ... */
  public static void writeKerasV3(Path path, String configJson, Map<String, List<WeightArray>> vars) {
    writeKerasV3(path, configJson, vars, KERAS3_VERSION);
  }

  /** As {@link #writeKerasV3(Path, String, Map)}, with metadata.json's keras_version. */
  public static void writeKerasV3(Path path, String configJson, Map<String, List<WeightArray>> vars,
      String kerasVersion) {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    ObjectNode metadata = NODES.objectNode();
    metadata.put("keras_version", kerasVersion);
    metadata.put("date_saved", "2025-01-01@00:00:00");
    entries.put("metadata.json", metadata.toString().getBytes(StandardCharsets.UTF_8));
    entries.put("config.json", configJson.getBytes(StandardCharsets.UTF_8));
    entries.put("model.weights.h5", kerasV3Weights(vars));
    writeZip(path, entries, false);
  }

  // ---------------------------------------------------------------------------------------
  // tf.keras 2.13–2.15 .keras

  public static final String TF_KERAS_V3_VERSION = "2.13.1";
  private static final Pattern KERAS3_GROUP = Pattern.compile("layers/(.+?)(?:_([0-9]+))?((?:/.*)?)/vars");

  /**
   * Writes {@code model} as tf.keras 2.13–2.15's {@code model.save("x.keras")}: a Keras 2 config
   * (with Keras 3's module keys) in the v3 zip, and the weight groups under {@code
   * _layer_checkpoint_dependencies}, saving_lib's first walk of the layers.
   *
   * @param separator '/' for nested groups; '\\' for a file saved on Windows, where each group's
   *     path (up to its {@code vars}) is one root group name joined with backslashes
   * @param doubledOrdinals the per-class counter counts each layer with weights twice ({@code
   *     lstm}, {@code lstm_2}, ...), as the checkpoint dict lists such a layer twice
   */
  public static void writeTfKerasV3(Path path, RnnModel model, char separator, boolean doubledOrdinals) {
    ObjectNode config = legacyModelConfig(model);
    config.remove("keras_version");
    config.remove("backend");
    config.put("module", "keras");
    for (JsonNode layer : config.path("config").path("layers")) {
      ((ObjectNode) layer).put("module", "keras.layers");
    }
    Map<String, List<WeightArray>> vars = new LinkedHashMap<>();
    kerasV3Vars(model).forEach((group, arrays) -> vars.put(checkpointGroup(group, separator, doubledOrdinals), arrays));
    writeKerasV3(path, config.toString(), vars, TF_KERAS_V3_VERSION);
  }

  /** A Keras 3 group path ({@code layers/lstm_1/cell/vars}) as tf.keras 2.13–2.15 wrote it. */
  public static String checkpointGroup(String keras3Group, char separator, boolean doubledOrdinals) {
    Matcher m = KERAS3_GROUP.matcher(keras3Group);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a Keras 3 vars group: " + keras3Group);
    }
    int ordinal = m.group(2) == null ? 0 : Integer.parseInt(m.group(2)) * (doubledOrdinals ? 2 : 1);
    String group = "_layer_checkpoint_dependencies/" + m.group(1) + (ordinal == 0 ? "" : "_" + ordinal) + m.group(3);
    return group.replace('/', separator) + "/vars";
  }

  public static Map<String, List<WeightArray>> kerasV3Vars(RnnModel model) {
    return kerasV3Vars(model, Set.of());
  }

  /**
   * Keras 3's weight paths for a Sequential of these layers: saving_lib names each layer of the
   * model's layers list by its snake_case class and a per-class counter ({@code layers/lstm},
   * {@code layers/lstm_1}, ...), then the saveable attributes inside it by attribute name.
   */
  public static Map<String, List<WeightArray>> kerasV3Vars(RnnModel model, Set<String> timeDistributed) {
    Map<String, List<WeightArray>> vars = new LinkedHashMap<>();
    Map<String, Integer> used = new HashMap<>();
    for (Layer layer : model.layers()) {
      String className = kerasClass(layer, timeDistributed);
      String base = snakeCase(className);
      int count = used.merge(base, 1, Integer::sum) - 1;
      String group = "layers/" + (count == 0 ? base : base + "_" + count);
      entryFor(layer).kerasV3Vars(vars, layer, className.equals("TimeDistributed") ? group + "/layer" : group);
    }
    return vars;
  }

  private static List<WeightArray> recurrentArrays(RecurrentLayer layer) {
    List<WeightArray> arrays = new ArrayList<>();
    arrays.add(layer.kernel());
    arrays.add(layer.recurrentKernel());
    layer.bias().ifPresent(arrays::add);
    return arrays;
  }

  /** Keras' to_snake_case, for weight group names. */
  static String snakeCase(String className) {
    String name = className.replaceAll("\\W+", "");
    name = name.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
    return name.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }

  /** model.weights.h5 holding the given groups' datasets, named 0, 1, ... as Keras' H5IOStore names them. */
  public static byte[] kerasV3Weights(Map<String, List<WeightArray>> vars) {
    try {
      Path temp = Files.createTempFile("rnnscore-weights", ".h5");
      try {
        try (WritableHdfFile file = HdfFile.write(temp)) {
          for (Map.Entry<String, List<WeightArray>> group : vars.entrySet()) {
            if (group.getValue().isEmpty()) {
              // saving_lib makes a vars group for a layer without weights too; written for poolings, whose
              // absence between two Conv2Ds would read as tf.keras' doubled counters. (jHDF writes an unreadable
              // file when such a group comes before any dataset, so Flatten's is left out.)
              putGroups(file, group.getKey());
            }
            for (int i = 0; i < group.getValue().size(); i++) {
              putNested(file, group.getKey() + "/" + i, group.getValue().get(i));
            }
          }
        }
        return Files.readAllBytes(temp);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ObjectNode kerasV3Config(RnnModel model) {
    return kerasV3Config(model, Set.of());
  }

  /** config.json as Keras 3 writes it for a Sequential starting with an InputLayer. */
  public static ObjectNode kerasV3Config(RnnModel model, Set<String> timeDistributed) {
    ObjectNode root = NODES.objectNode();
    root.put("module", "keras");
    root.put("class_name", "Sequential");
    ObjectNode config = root.putObject("config");
    config.put("name", "sequential");
    config.put("trainable", true);
    config.set("dtype", dtypePolicy());
    ArrayNode layers = config.putArray("layers");
    ObjectNode input = layers.addObject();
    input.put("module", "keras.layers");
    input.put("class_name", "InputLayer");
    ObjectNode inputConfig = input.putObject("config");
    inputConfig.set("batch_shape", batchShape(model));
    inputConfig.put("dtype", "float32");
    inputConfig.put("sparse", false);
    inputConfig.put("name", model.inputName() != null ? model.inputName() : "input_layer");
    input.putNull("registered_name");
    Shape shape = inputShape(model);
    for (int i = 0; i < model.layers().size(); i++) {
      Layer layer = model.layers().get(i);
      layers.add(entry(layer, 3, timeDistributed.contains(layer.name()), shape));
      shape = model.outputShapes().get(i);
    }
    config.set("build_input_shape", batchShape(model));
    root.putNull("registered_name");
    root.putObject("build_config").set("input_shape", batchShape(model));
    root.putNull("compile_config");
    return root;
  }

  private static ObjectNode dtypePolicy() {
    ObjectNode policy = NODES.objectNode();
    policy.put("module", "keras");
    policy.put("class_name", "DTypePolicy");
    policy.putObject("config").put("name", "float32");
    policy.putNull("registered_name");
    return policy;
  }

  // ---------------------------------------------------------------------------------------
  // Shared layer configs

  private static Shape inputShape(RnnModel model) {
    return model.shapeOf(org.rnnscore.model.Node.MODEL_INPUT);
  }

  /** The Keras class inside TimeDistributed for a per-frame layer (Conv2D, MaxPooling2D, ...), or null for others. */
  private static String frameInner(Layer layer) {
    if (layer instanceof Conv2DLayer) {
      return "Conv2D";
    }
    if (layer instanceof Pooling2DLayer) {
      return ((Pooling2DLayer) layer).max() ? "MaxPooling2D" : "AveragePooling2D";
    }
    if (layer instanceof FrameFlattenLayer) {
      return "Flatten";
    }
    if (layer instanceof BatchNormalizationLayer && layer.name().startsWith("time_distributed")) {
      // The writer's convention (FrameModels names per-frame layers so): TimeDistributed(BatchNormalization).
      return "BatchNormalization";
    }
    return null;
  }

  /** [null, T, D], or [null, T] for token ids; T null when undeclared. */
  private static ArrayNode batchShape(RnnModel model) {
    ArrayNode shape = NODES.arrayNode().addNull();
    if (model.declaredTimesteps().isPresent()) {
      shape.add(model.declaredTimesteps().getAsInt());
    } else {
      shape.addNull();
    }
    if (model.inputFrame() != null) {
      Frame frame = model.inputFrame();
      return shape.add(frame.height()).add(frame.width()).add(frame.channels());
    }
    return model.tokenInput() ? shape : shape.add(model.inputWidth());
  }

  private static ArrayNode shapeJson(Shape shape, boolean tokens) {
    ArrayNode json = NODES.arrayNode().addNull();
    if (shape.sequence()) {
      if (shape.timesteps() == 0) {
        json.addNull();
      } else {
        json.add(shape.timesteps());
      }
      if (tokens) {
        return json;
      }
    }
    if (shape.frame() != null) {
      return json.add(shape.frame().height()).add(shape.frame().width()).add(shape.frame().channels());
    }
    return json.add(shape.width());
  }

  private static String kerasClass(Layer layer, Set<String> timeDistributed) {
    if (frameInner(layer) != null) {
      return "TimeDistributed";
    }
    if (timeDistributed.contains(layer.name())) {
      if (!(layer instanceof DenseLayer)) {
        throw new IllegalArgumentException("only a Dense layer can be written in TimeDistributed; '" + layer.name()
            + "' is a " + layer.kerasClass());
      }
      return "TimeDistributed";
    }
    return layer.kerasClass();
  }

  /**
   * A layer's entry in the layer list: {"class_name", "config"} (Keras 2) or, for Keras 3, with
   * module, registered_name and build_config ({@code input} is the shape the layer is built on).
   */
  private static ObjectNode entry(Layer layer, int kerasMajor, boolean timeDistributed, Shape input) {
    ObjectNode entry = NODES.objectNode();
    if (kerasMajor == 3) {
      entry.put("module", "keras.layers");
    }
    String frameInner = frameInner(layer);
    if (frameInner != null) {
      // A per-frame layer is always TimeDistributed(<inner>) in the file: the inner one named apart, as Keras does.
      entry.put("class_name", "TimeDistributed");
      ObjectNode config = base(layer.name(), kerasMajor);
      ObjectNode inner = NODES.objectNode();
      if (kerasMajor == 3) {
        inner.put("module", "keras.layers");
      }
      inner.put("class_name", frameInner);
      ObjectNode innerConfig = base(frameInner.toLowerCase(Locale.ROOT) + "_in_" + layer.name(), kerasMajor);
      entryFor(layer).config(innerConfig, layer, kerasMajor, input);
      inner.set("config", innerConfig);
      if (kerasMajor == 3) {
        inner.putNull("registered_name");
      }
      config.set("layer", inner);
      entry.set("config", config);
    } else if (timeDistributed) {
      entry.put("class_name", "TimeDistributed");
      ObjectNode config = base(layer.name(), kerasMajor);
      DenseLayer dense = (DenseLayer) layer;
      DenseLayer inner = new DenseLayer("dense_in_" + layer.name(), dense.units(), dense.kernel(),
          dense.bias().orElse(null), dense.activation());
      config.set("layer", wrapped(inner, kerasMajor, input == null ? null : Shape.vector(input.width())));
      entry.set("config", config);
    } else {
      entry.put("class_name", layer.kerasClass());
      entry.set("config", layerConfig(layer, kerasMajor, input));
    }
    if (kerasMajor == 3) {
      entry.putNull("registered_name");
      if (input != null) {
        entry.putObject("build_config").set("input_shape", shapeJson(input, layer instanceof EmbeddingLayer));
      }
    }
    return entry;
  }

  /** A layer serialized inside a wrapper's config ("layer", "backward_layer"). */
  private static ObjectNode wrapped(Layer layer, int kerasMajor, Shape input) {
    ObjectNode entry = NODES.objectNode();
    if (kerasMajor == 3) {
      entry.put("module", "keras.layers");
    }
    entry.put("class_name", layer.kerasClass());
    entry.set("config", layerConfig(layer, kerasMajor, input));
    if (kerasMajor == 3) {
      entry.putNull("registered_name");
      if (input != null) {
        entry.putObject("build_config").set("input_shape", shapeJson(input, false));
      }
    }
    return entry;
  }

  private static ObjectNode base(String name, int kerasMajor) {
    ObjectNode config = NODES.objectNode();
    config.put("name", name);
    config.put("trainable", true);
    config.set("dtype", kerasMajor == 3 ? dtypePolicy() : NODES.textNode("float32"));
    return config;
  }

  private static ObjectNode layerConfig(Layer layer, int kerasMajor, Shape input) {
    ObjectNode config = base(layer.name(), kerasMajor);
    entryFor(layer).config(config, layer, kerasMajor, input);
    return config;
  }

  // ---------------------------------------------------------------------------------------
  // One entry per model layer class: what a new layer kind adds to the writer

  /** How one model layer class is written: its config fields, its tf.keras weights, its Keras 3 variables. */
  private interface LayerEntry {
    /** Adds the class' own fields to {@code config} (name, trainable and dtype are there). */
    void config(ObjectNode config, Layer layer, int kerasMajor, Shape input);

    /** Adds the layer's datasets under tf.keras' weight names. */
    default void legacyWeights(Map<String, WeightArray> datasets, Layer layer) {}

    /** Adds the layer's variables under {@code group} ({@code layers/<class>[_N]}, a wrapper's attribute added). */
    default void kerasV3Vars(Map<String, List<WeightArray>> vars, Layer layer, String group) {}
  }

  private static final Map<Class<?>, LayerEntry> ENTRIES = new HashMap<>();

  static {
    ENTRIES.put(RecurrentLayer.class, new LayerEntry() {
      @Override
      public void config(ObjectNode config, Layer layer, int kerasMajor, Shape input) {
        recurrentConfig(config, (RecurrentLayer) layer, kerasMajor);
      }

      @Override
      public void legacyWeights(Map<String, WeightArray> datasets, Layer layer) {
        putRecurrent(datasets, layer.name() + "/", (RecurrentLayer) layer);
      }

      @Override
      public void kerasV3Vars(Map<String, List<WeightArray>> vars, Layer layer, String group) {
        vars.put(group + "/cell/vars", recurrentArrays((RecurrentLayer) layer));
      }
    });
    ENTRIES.put(BidirectionalLayer.class, new LayerEntry() {
      @Override
      public void config(ObjectNode config, Layer layer, int kerasMajor, Shape input) {
        BidirectionalLayer bidirectional = (BidirectionalLayer) layer;
        RecurrentLayer forward = bidirectional.forward();
        RecurrentLayer backward = bidirectional.backward();
        String mode = bidirectional.mergeMode().name().toLowerCase(Locale.ROOT);
        config.put("merge_mode", mode);
        if (kerasMajor == 3) {
          // Keras 3 serializes both halves, the forward one under its own name (forward_...).
          config.set("layer", wrapped(forward, 3, input));
          config.set("backward_layer", wrapped(backward, 3, input));
        } else {
          // tf.keras serializes the layer as given (named without forward_), and backward_layer only when one was given.
          String base = removePrefix(forward.name(), "forward_");
          config.set("layer", wrapped(renamed(forward, base), 2, null));
          if (!isDerivedBackward(forward, backward, base)) {
            config.set("backward_layer", wrapped(backward, 2, null));
          }
        }
      }

      @Override
      public void legacyWeights(Map<String, WeightArray> datasets, Layer layer) {
        BidirectionalLayer bidirectional = (BidirectionalLayer) layer;
        putRecurrent(datasets, layer.name() + "/" + bidirectional.forward().name() + "/", bidirectional.forward());
        putRecurrent(datasets, layer.name() + "/" + bidirectional.backward().name() + "/", bidirectional.backward());
      }

      @Override
      public void kerasV3Vars(Map<String, List<WeightArray>> vars, Layer layer, String group) {
        BidirectionalLayer bidirectional = (BidirectionalLayer) layer;
        vars.put(group + "/forward_layer/cell/vars", recurrentArrays(bidirectional.forward()));
        vars.put(group + "/backward_layer/cell/vars", recurrentArrays(bidirectional.backward()));
      }
    });
    ENTRIES.put(DenseLayer.class, new LayerEntry() {
      @Override
      public void config(ObjectNode config, Layer layer, int kerasMajor, Shape input) {
        DenseLayer dense = (DenseLayer) layer;
        config.put("units", dense.units());
        config.put("activation", activationName(dense.activation(), kerasMajor));
        config.put("use_bias", dense.bias().isPresent());
        config.set("kernel_initializer", initializer("GlorotUniform", kerasMajor));
        config.set("bias_initializer", initializer("Zeros", kerasMajor));
        for (String key : List.of("kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint",
            "bias_constraint")) {
          config.putNull(key);
        }
      }

      @Override
      public void legacyWeights(Map<String, WeightArray> datasets, Layer layer) {
        DenseLayer dense = (DenseLayer) layer;
        datasets.put(dense.name() + "/kernel:0", dense.kernel());
        dense.bias().ifPresent(b -> datasets.put(dense.name() + "/bias:0", b));
      }

      @Override
      public void kerasV3Vars(Map<String, List<WeightArray>> vars, Layer layer, String group) {
        DenseLayer dense = (DenseLayer) layer;
        List<WeightArray> arrays = new ArrayList<>();
        arrays.add(dense.kernel());
        dense.bias().ifPresent(arrays::add);
        vars.put(group + "/vars", arrays);
      }
    });
    ENTRIES.put(EmbeddingLayer.class, new LayerEntry() {
      @Override
      public void config(ObjectNode config, Layer layer, int kerasMajor, Shape input) {
        EmbeddingLayer embedding = (EmbeddingLayer) layer;
        config.put("input_dim", embedding.vocabularySize());
        config.put("output_dim", embedding.outputWidth());
        config.set("embeddings_initializer", initializer("RandomUniform", kerasMajor));
        config.putNull("embeddings_regularizer");
        config.putNull("activity_regularizer");
        config.putNull("embeddings_constraint");
        config.put("mask_zero", embedding.maskZero());
        if (kerasMajor == 2) {
          config.putNull("input_length");
        }
      }

      @Override
      public void legacyWeights(Map<String, WeightArray> datasets, Layer layer) {
        datasets.put(layer.name() + "/embeddings:0", ((EmbeddingLayer) layer).embeddings());
      }

      @Override
      public void kerasV3Vars(Map<String, List<WeightArray>> vars, Layer layer, String group) {
        vars.put(group + "/vars", List.of(((EmbeddingLayer) layer).embeddings()));
      }
    });
    ENTRIES.put(MaskingLayer.class, (config, layer, kerasMajor, input) ->
        config.put("mask_value", (double) ((MaskingLayer) layer).maskValue()));
    ENTRIES.put(FlattenLayer.class, (config, layer, kerasMajor, input) -> config.put("data_format", "channels_last"));
    ENTRIES.put(RepeatVectorLayer.class, (config, layer, kerasMajor, input) ->
        config.put("n", ((RepeatVectorLayer) layer).n()));
    ENTRIES.put(ReshapeLayer.class, (config, layer, kerasMajor, input) ->
        ints(config.putArray("target_shape"), ((ReshapeLayer) layer).target()));
    ENTRIES.put(PermuteLayer.class, (config, layer, kerasMajor, input) ->
        ints(config.putArray("dims"), ((PermuteLayer) layer).dims()));
    ENTRIES.put(Conv1DLayer.class, new LayerEntry() {
      @Override
      public void config(ObjectNode config, Layer layer, int kerasMajor, Shape input) {
        Conv1DLayer conv = (Conv1DLayer) layer;
        config.put("filters", conv.filters());
        config.putArray("kernel_size").add(conv.kernelSize());
        config.putArray("strides").add(conv.stride());
        config.put("padding", conv.padding().kerasName());
        config.put("data_format", "channels_last");
        config.putArray("dilation_rate").add(conv.dilation());
        config.put("groups", 1);
        config.put("activation", activationName(conv.activation(), kerasMajor));
        config.put("use_bias", conv.bias().isPresent());
        config.set("kernel_initializer", initializer("GlorotUniform", kerasMajor));
        config.set("bias_initializer", initializer("Zeros", kerasMajor));
        for (String key : List.of("kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint",
            "bias_constraint")) {
          config.putNull(key);
        }
      }

      @Override
      public void legacyWeights(Map<String, WeightArray> datasets, Layer layer) {
        Conv1DLayer conv = (Conv1DLayer) layer;
        datasets.put(conv.name() + "/kernel:0", conv.kernel());
        conv.bias().ifPresent(b -> datasets.put(conv.name() + "/bias:0", b));
      }

      @Override
      public void kerasV3Vars(Map<String, List<WeightArray>> vars, Layer layer, String group) {
        Conv1DLayer conv = (Conv1DLayer) layer;
        List<WeightArray> arrays = new ArrayList<>();
        arrays.add(conv.kernel());
        conv.bias().ifPresent(arrays::add);
        vars.put(group + "/vars", arrays);
      }
    });
    ENTRIES.put(Pooling1DLayer.class, (config, layer, kerasMajor, input) -> {
      Pooling1DLayer pool = (Pooling1DLayer) layer;
      config.putArray("pool_size").add(pool.poolSize());
      config.putArray("strides").add(pool.stride());
      config.put("padding", pool.padding().kerasName());
      config.put("data_format", "channels_last");
    });
    ENTRIES.put(GlobalPooling1DLayer.class, (config, layer, kerasMajor, input) -> {
      config.put("data_format", "channels_last");
      config.put("keepdims", ((GlobalPooling1DLayer) layer).keepdims());
    });
    ENTRIES.put(MergeLayer.class, (config, layer, kerasMajor, input) -> {
      MergeLayer merge = (MergeLayer) layer;
      if (merge.op() == MergeLayer.Op.CONCATENATE) {
        config.put("axis", merge.axes()[0]);
      } else if (merge.op() == MergeLayer.Op.DOT) {
        ints(config.putArray("axes"), merge.axes());
        config.put("normalize", merge.normalize());
      }
    });
    ENTRIES.put(ActivationLayer.class, (config, layer, kerasMajor, input) ->
        config.put("activation", activationName(((ActivationLayer) layer).activation(), kerasMajor)));
  }

  static {
    ENTRIES.put(BatchNormalizationLayer.class, new LayerEntry() {
      @Override
      public void config(ObjectNode config, Layer layer, int kerasMajor, Shape input) {
        BatchNormalizationLayer bn = (BatchNormalizationLayer) layer;
        axis(config, bn.axis(), kerasMajor);
        config.put("momentum", 0.99);
        config.put("epsilon", bn.epsilon());
        config.put("center", bn.beta().isPresent());
        config.put("scale", bn.gamma().isPresent());
        config.set("beta_initializer", initializer("Zeros", kerasMajor));
        config.set("gamma_initializer", initializer("Ones", kerasMajor));
        config.set("moving_mean_initializer", initializer("Zeros", kerasMajor));
        config.set("moving_variance_initializer", initializer("Ones", kerasMajor));
        for (String key : List.of("beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint")) {
          config.putNull(key);
        }
        if (kerasMajor == 3) {
          config.put("synchronized", false);
        }
      }

      @Override
      public void legacyWeights(Map<String, WeightArray> datasets, Layer layer) {
        for (WeightArray array : batchNormArrays((BatchNormalizationLayer) layer)) {
          datasets.put(layer.name() + "/" + array.name() + ":0", array);
        }
      }

      @Override
      public void kerasV3Vars(Map<String, List<WeightArray>> vars, Layer layer, String group) {
        vars.put(group + "/vars", batchNormArrays((BatchNormalizationLayer) layer));
      }
    });
    ENTRIES.put(LayerNormalizationLayer.class, new LayerEntry() {
      @Override
      public void config(ObjectNode config, Layer layer, int kerasMajor, Shape input) {
        LayerNormalizationLayer ln = (LayerNormalizationLayer) layer;
        // tf.keras writes the axis as a list, Keras 3 as given: both forms are read.
        axis(config, ln.axis(), kerasMajor);
        config.put("epsilon", ln.epsilon());
        config.put("center", ln.beta().isPresent());
        config.put("scale", ln.gamma().isPresent());
        if (kerasMajor == 3) {
          config.put("rms_scaling", false);
        }
        config.set("beta_initializer", initializer("Zeros", kerasMajor));
        config.set("gamma_initializer", initializer("Ones", kerasMajor));
        for (String key : List.of("beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint")) {
          config.putNull(key);
        }
      }

      @Override
      public void legacyWeights(Map<String, WeightArray> datasets, Layer layer) {
        for (WeightArray array : layerNormArrays((LayerNormalizationLayer) layer)) {
          datasets.put(layer.name() + "/" + array.name() + ":0", array);
        }
      }

      @Override
      public void kerasV3Vars(Map<String, List<WeightArray>> vars, Layer layer, String group) {
        vars.put(group + "/vars", layerNormArrays((LayerNormalizationLayer) layer));
      }
    });
    ENTRIES.put(ActivationFunctionLayer.class, (config, layer, kerasMajor, input) -> {
      ActivationFunctionLayer f = (ActivationFunctionLayer) layer;
      switch (f.function()) {
        case RELU:
          if (Double.isInfinite(f.maxValue())) {
            config.putNull("max_value");
          } else {
            config.put("max_value", f.maxValue());
          }
          config.put("negative_slope", f.slope());
          config.put("threshold", f.threshold());
          break;
        case LEAKY_RELU:
          config.put(kerasMajor == 3 ? "negative_slope" : "alpha", f.slope());
          break;
        case ELU:
          config.put("alpha", f.slope());
          break;
        case THRESHOLDED_RELU:
          config.put("theta", f.threshold());
          break;
        default:
          config.put("axis", -1);
          break;
      }
    });
    ENTRIES.put(PReluLayer.class, new LayerEntry() {
      @Override
      public void config(ObjectNode config, Layer layer, int kerasMajor, Shape input) {
        WeightArray alpha = ((PReluLayer) layer).alpha();
        config.set("alpha_initializer", initializer("Zeros", kerasMajor));
        config.putNull("alpha_regularizer");
        config.putNull("alpha_constraint");
        ArrayNode shared = config.putArray("shared_axes");
        for (int axis = 0; axis < alpha.rank(); axis++) {
          if (alpha.dim(axis) == 1 && (axis < alpha.rank() - 1 || alpha.size() == 1)) {
            shared.add(axis + 1);
          }
        }
      }

      @Override
      public void legacyWeights(Map<String, WeightArray> datasets, Layer layer) {
        datasets.put(layer.name() + "/alpha:0", ((PReluLayer) layer).alpha());
      }

      @Override
      public void kerasV3Vars(Map<String, List<WeightArray>> vars, Layer layer, String group) {
        vars.put(group + "/vars", List.of(((PReluLayer) layer).alpha()));
      }
    });
  }

  /** Keras 3 writes an int, tf.keras a list ([2]); the value as the layer has it. */
  private static void axis(ObjectNode config, int axis, int kerasMajor) {
    if (kerasMajor == 3) {
      config.put("axis", axis);
    } else {
      config.putArray("axis").add(axis);
    }
  }

  /** gamma, beta, moving_mean, moving_variance, the absent ones skipped (Keras' order). */
  private static List<WeightArray> batchNormArrays(BatchNormalizationLayer bn) {
    List<WeightArray> arrays = new ArrayList<>();
    bn.gamma().ifPresent(arrays::add);
    bn.beta().ifPresent(arrays::add);
    arrays.add(bn.movingMean());
    arrays.add(bn.movingVariance());
    return arrays;
  }

  private static List<WeightArray> layerNormArrays(LayerNormalizationLayer ln) {
    List<WeightArray> arrays = new ArrayList<>();
    ln.gamma().ifPresent(arrays::add);
    ln.beta().ifPresent(arrays::add);
    return arrays;
  }

  static {
    ENTRIES.put(Conv2DLayer.class, new LayerEntry() {
      @Override
      public void config(ObjectNode config, Layer layer, int kerasMajor, Shape input) {
        Conv2DLayer conv = (Conv2DLayer) layer;
        Window2D w = conv.window();
        config.put("filters", conv.filters());
        ints(config.putArray("kernel_size"), new int[] {w.kernelH(), w.kernelW()});
        ints(config.putArray("strides"), new int[] {w.strideH(), w.strideW()});
        config.put("padding", w.same() ? "same" : "valid");
        config.put("data_format", "channels_last");
        ints(config.putArray("dilation_rate"), new int[] {w.dilationH(), w.dilationW()});
        config.put("groups", 1);
        config.put("activation", activationName(conv.activation(), kerasMajor));
        config.put("use_bias", conv.bias().isPresent());
        config.set("kernel_initializer", initializer("GlorotUniform", kerasMajor));
        config.set("bias_initializer", initializer("Zeros", kerasMajor));
        for (String key : List.of("kernel_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint",
            "bias_constraint")) {
          config.putNull(key);
        }
      }

      @Override
      public void legacyWeights(Map<String, WeightArray> datasets, Layer layer) {
        Conv2DLayer conv = (Conv2DLayer) layer;
        datasets.put(conv.name() + "/kernel:0", conv.kernel());
        conv.bias().ifPresent(b -> datasets.put(conv.name() + "/bias:0", b));
      }

      @Override
      public void kerasV3Vars(Map<String, List<WeightArray>> vars, Layer layer, String group) {
        Conv2DLayer conv = (Conv2DLayer) layer;
        List<WeightArray> arrays = new ArrayList<>();
        arrays.add(conv.kernel());
        conv.bias().ifPresent(arrays::add);
        vars.put(group + "/vars", arrays);
      }
    });
    ENTRIES.put(Pooling2DLayer.class, new LayerEntry() {
      @Override
      public void config(ObjectNode config, Layer layer, int kerasMajor, Shape input) {
        Window2D w = ((Pooling2DLayer) layer).window();
        ints(config.putArray("pool_size"), new int[] {w.kernelH(), w.kernelW()});
        ints(config.putArray("strides"), new int[] {w.strideH(), w.strideW()});
        config.put("padding", w.same() ? "same" : "valid");
        config.put("data_format", "channels_last");
      }

      @Override
      public void kerasV3Vars(Map<String, List<WeightArray>> vars, Layer layer, String group) {
        vars.put(group + "/vars", List.of());
      }
    });
    ENTRIES.put(FrameFlattenLayer.class, new LayerEntry() {
      @Override
      public void config(ObjectNode config, Layer layer, int kerasMajor, Shape input) {
        config.put("data_format", "channels_last");
      }
    });
  }

  private static void ints(ArrayNode array, int[] values) {
    for (int v : values) {
      array.add(v);
    }
  }

  /** The entry of the layer's class, or of its nearest superclass that has one (SimpleRNN, LSTM, GRU). */
  private static LayerEntry entryFor(Layer layer) {
    for (Class<?> type = layer.getClass(); type != null; type = type.getSuperclass()) {
      LayerEntry entry = ENTRIES.get(type);
      if (entry != null) {
        return entry;
      }
    }
    throw new IllegalArgumentException("cannot write layer " + layer.name() + " (" + layer.kerasClass() + ")");
  }

  private static void recurrentConfig(ObjectNode config, RecurrentLayer rnn, int kerasMajor) {
    config.put("return_sequences", rnn.returnSequences());
    config.put("return_state", false);
    config.put("go_backwards", rnn.goBackwards());
    config.put("stateful", rnn.sequencing().stateful());
    config.put("unroll", false);
    if (kerasMajor == 2) {
      config.put("time_major", false);
      if (rnn.sequencing().zeroOutputForMask()) {
        config.put("zero_output_for_mask", true); // tf.keras writes it only when set
      }
    } else {
      config.put("zero_output_for_mask", rnn.sequencing().zeroOutputForMask());
    }
    config.put("units", rnn.units());
    config.put("activation", activationName(rnn.activation(), kerasMajor));
    if (!(rnn instanceof SimpleRnnLayer)) {
      config.put("recurrent_activation", activationName(rnn.recurrentActivation(), kerasMajor));
    }
    config.put("use_bias", rnn.bias().isPresent());
    config.set("kernel_initializer", initializer("GlorotUniform", kerasMajor));
    config.set("recurrent_initializer", initializer("Orthogonal", kerasMajor));
    config.set("bias_initializer", initializer("Zeros", kerasMajor));
    if (rnn instanceof LstmLayer) {
      config.put("unit_forget_bias", true);
    }
    for (String key : List.of("kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
        "activity_regularizer", "kernel_constraint", "recurrent_constraint", "bias_constraint")) {
      config.putNull(key);
    }
    config.put("dropout", 0.0);
    config.put("recurrent_dropout", 0.0);
    if (!(rnn instanceof SimpleRnnLayer) && kerasMajor == 2) {
      config.put("implementation", 2);
    }
    if (rnn instanceof GruLayer) {
      config.put("reset_after", ((GruLayer) rnn).resetAfter());
    }
    if (kerasMajor == 3) {
      config.putNull("seed");
    }
  }

  /** Whether Keras would derive {@code backward} from {@code forward}: same config, go_backwards flipped, its name. */
  private static boolean isDerivedBackward(RecurrentLayer forward, RecurrentLayer backward, String base) {
    RecurrentLayer derived = forward.withSequencing(forward.sequencing().backwards());
    return derived.kerasClass().equals(backward.kerasClass())
        && backward.name().equals("backward_" + removePrefix(base, "backward_"))
        && configText(renamed(derived, "x")).equals(configText(renamed(backward, "x")));
  }

  private static String configText(RecurrentLayer layer) {
    ObjectNode config = NODES.objectNode();
    recurrentConfig(config, layer, 2);
    return config.toString();
  }

  private static RecurrentLayer renamed(RecurrentLayer layer, String name) {
    if (layer instanceof SimpleRnnLayer) {
      return new SimpleRnnLayer(name, layer.units(), layer.kernel(), layer.recurrentKernel(), layer.bias().orElse(null),
          layer.activation(), layer.sequencing());
    }
    if (layer instanceof LstmLayer) {
      return new LstmLayer(name, layer.units(), layer.kernel(), layer.recurrentKernel(), layer.bias().orElse(null),
          layer.activation(), layer.recurrentActivation(), layer.sequencing());
    }
    return new GruLayer(name, layer.units(), layer.kernel(), layer.recurrentKernel(), layer.bias().orElse(null),
        layer.activation(), layer.recurrentActivation(), ((GruLayer) layer).resetAfter(), layer.sequencing());
  }

  private static String removePrefix(String text, String prefix) {
    return text.startsWith(prefix) ? text.substring(prefix.length()) : text;
  }

  private static ObjectNode initializer(String className, int kerasMajor) {
    ObjectNode init = NODES.objectNode();
    if (kerasMajor == 3) {
      init.put("module", "keras.initializers");
    }
    init.put("class_name", className);
    ObjectNode config = init.putObject("config");
    if (!className.equals("Zeros")) {
      config.putNull("seed");
    }
    if (className.equals("Orthogonal")) {
      config.put("gain", 1.0);
    }
    if (className.equals("RandomUniform")) {
      config.put("minval", -0.05);
      config.put("maxval", 0.05);
    }
    if (kerasMajor == 3) {
      init.putNull("registered_name");
    }
    return init;
  }

  /** The name Keras of that generation writes; activations it does not have are refused. */
  static String activationName(Activation activation, int kerasMajor) {
    switch (activation) {
      case HARD_SIGMOID_KERAS2:
        require(kerasMajor == 2, activation, kerasMajor);
        return "hard_sigmoid";
      case HARD_SIGMOID_KERAS3:
        require(kerasMajor == 3, activation, kerasMajor);
        return "hard_sigmoid";
      case SWISH:
        return kerasMajor == 2 ? "swish" : "silu";
      case HARD_SILU:
      case LEAKY_RELU:
        require(kerasMajor == 3, activation, kerasMajor);
        return activation.kerasName();
      default:
        return activation.kerasName();
    }
  }

  private static void require(boolean ok, Activation activation, int kerasMajor) {
    if (!ok) {
      throw new IllegalArgumentException(activation.kerasName() + " cannot be written by Keras " + kerasMajor);
    }
  }

  // ---------------------------------------------------------------------------------------
  // .npz

  /** Writes Wx, Wh, bh, Wo, bo as {@code np.savez} would, for a SimpleRNN followed by exactly one Dense. */
  public static void writeNpz(Path path, RnnModel model) {
    try (java.io.OutputStream out = Files.newOutputStream(path)) {
      org.rnnscore.io.NpzWriter.write(out, model);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A little-endian float32, C-order .npy file of the array. */
  public static byte[] npy(WeightArray array) {
    ByteBuffer data = ByteBuffer.allocate(array.size() * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < array.size(); i++) {
      data.putFloat(array.get(i));
    }
    return npy("<f4", false, array.shape(), data.array());
  }

  /** A .npy 1.0 file with the given header values and raw data, laid out as numpy.lib.format writes it. */
  public static byte[] npy(String descr, boolean fortranOrder, int[] shape, byte[] data) {
    StringBuilder tuple = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      tuple.append(i > 0 ? ", " : "").append(shape[i]);
    }
    tuple.append(shape.length == 1 ? ",)" : ")");
    String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortranOrder ? "True" : "False") + ", 'shape': "
        + tuple + ", }";
    int unpadded = 10 + dict.length() + 1;
    int padding = (64 - unpadded % 64) % 64;
    String header = dict + " ".repeat(padding) + "\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x93);
    out.writeBytes("NUMPY".getBytes(StandardCharsets.US_ASCII));
    out.write(1);
    out.write(0);
    out.write(header.length() & 0xff);
    out.write(header.length() >> 8);
    out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(data);
    return out.toByteArray();
  }

  /** A zip of the entries, in order; stored (as Keras and np.savez write) or deflated (as np.savez_compressed). */
  public static void writeZip(Path path, Map<String, byte[]> entries, boolean deflate) {
    try {
      Files.write(path, zip(entries, deflate));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] zip(Map<String, byte[]> entries, boolean deflate) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
        ZipEntry zipEntry = new ZipEntry(entry.getKey());
        if (!deflate) {
          CRC32 crc = new CRC32();
          crc.update(entry.getValue());
          zipEntry.setMethod(ZipEntry.STORED);
          zipEntry.setSize(entry.getValue().length);
          zipEntry.setCompressedSize(entry.getValue().length);
          zipEntry.setCrc(crc.getValue());
        }
        zip.putNextEntry(zipEntry);
        zip.write(entry.getValue());
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  // ---------------------------------------------------------------------------------------
  // HDF5 helpers

  /** Puts a dataset at a '/'-separated path below a group, creating the groups on the way. */
  private static void putGroups(WritableGroup group, String path) {
    WritableGroup current = group;
    for (String step : path.split("/")) {
      io.jhdf.api.Node child = current.getChild(step);
      current = child instanceof WritableGroup ? (WritableGroup) child : current.putGroup(step);
    }
  }

  private static void putNested(WritableGroup group, String path, WeightArray array) {
    String[] steps = path.split("/");
    WritableGroup current = group;
    for (int i = 0; i < steps.length - 1; i++) {
      io.jhdf.api.Node child = current.getChild(steps[i]);
      current = child instanceof WritableGroup ? (WritableGroup) child : current.putGroup(steps[i]);
    }
    current.putDataset(steps[steps.length - 1], nested(array));
  }

  /** float[] for rank 1, float[][] for rank 2 (what jhdf writes as a dataset of that shape). */
  public static Object nested(WeightArray array) {
    float[] data = array.data();
    if (array.rank() == 1) {
      return data;
    }
    if (array.rank() == 3 || array.rank() == 4) {
      // Conv1D's (k, D, filters); Keras 1's Convolution1D (filter_length, 1, input_dim, nb_filter).
      int[] shape = array.shape();
      int inner = array.size() / (shape[0] * shape[1]);
      int last = shape[shape.length - 1];
      Object[] outer = new Object[shape[0]];
      for (int i = 0; i < shape[0]; i++) {
        Object[] mid = new Object[shape[1]];
        for (int j = 0; j < shape[1]; j++) {
          int base = (i * shape[1] + j) * inner;
          if (array.rank() == 3) {
            mid[j] = java.util.Arrays.copyOfRange(data, base, base + last);
          } else {
            float[][] rows = new float[shape[2]][];
            for (int k = 0; k < shape[2]; k++) {
              rows[k] = java.util.Arrays.copyOfRange(data, base + k * last, base + (k + 1) * last);
            }
            mid[j] = rows;
          }
        }
        outer[i] = array.rank() == 3 ? java.util.Arrays.copyOf(mid, mid.length, float[][].class)
            : java.util.Arrays.copyOf(mid, mid.length, float[][][].class);
      }
      return array.rank() == 3 ? java.util.Arrays.copyOf(outer, outer.length, float[][][].class)
          : java.util.Arrays.copyOf(outer, outer.length, float[][][][].class);
    }
    if (array.rank() != 2) {
      throw new IllegalArgumentException("only rank 1 to 4 weights are written; " + array + " has rank " + array.rank());
    }
    float[][] rows = new float[array.dim(0)][array.dim(1)];
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(data, r * array.dim(1), rows[r], 0, array.dim(1));
    }
    return rows;
  }

  /** JSON text of a node, for tests that edit configs. */
  public static String json(Object node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
