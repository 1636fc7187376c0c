package org.rnnscore.testing;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.rnnscore.model.Activation;
import org.rnnscore.model.DenseLayer;
import org.rnnscore.model.Layer;
import org.rnnscore.model.RnnModel;
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
 *       with {@code weight_names} such as "simple_rnn/simple_rnn_cell/kernel:0" whose datasets
 *       lie at that path below the layer group; float32 datasets.
 *   <li>.keras (Keras 3): a stored (uncompressed) zip of metadata.json, config.json and
 *       model.weights.h5, the model as a Sequential starting with an InputLayer; weights at
 *       {@code layers/simple_rnn/cell/vars/0..2} and {@code layers/dense[_N]/vars/0..1}.
 *   <li>.npz: stored zip entries Wx.npy Wh.npy [bh.npy] Wo.npy [bo.npy], .npy format 1.0,
 *       little-endian float32, C order, header padded to a multiple of 64 bytes. (numpy writes
 *       the entries with zip64 extra fields; java.util.zip does not, which readers ignore.)
 * </ul>
 *
 * Known differences from Keras' files: jhdf adds a root attribute {@code _jHDF} and writes
 * strings as fixed-length UTF-8 where h5py may write variable-length ones (Keras reads both).
 * Keras 3 also creates an empty {@code vars} group for every saveable without variables (the
 * model at the root, the SimpleRNN wrapper); those are left out because jhdf 0.9.4 writes a
 * corrupt file (unreadable by h5py too) when a group without datasets follows a dataset. Keras
 * 3's own loader looks up the root {@code vars} group, so a .keras file from here may need that
 * group added before Keras itself will load it; rnnscore does not read it.
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
    writeLegacyH5(path, model, legacyModelConfig(model).toString());
  }

  /** As {@link #writeLegacyH5(Path, RnnModel)}, with the given model_config JSON (for tests that alter it). */
  public static void writeLegacyH5(Path path, RnnModel model, String modelConfigJson) {
    Map<String, Map<String, WeightArray>> weights = new LinkedHashMap<>();
    for (Layer layer : model.layers()) {
      weights.put(layer.name(), legacyWeights(layer));
    }
    writeLegacyH5(path, modelConfigJson, weights);
  }

  /**
   * The legacy layout with any config and weights: {@code weights} maps each layer name (in
   * {@code layer_names} order) to its weight names (in {@code weight_names} order) and arrays.
   */
  public static void writeLegacyH5(Path path, String modelConfigJson, Map<String, Map<String, WeightArray>> weights) {
    try (WritableHdfFile file = HdfFile.write(path)) {
      file.putAttribute("backend", "tensorflow");
      file.putAttribute("keras_version", LEGACY_KERAS_VERSION);
      file.putAttribute("model_config", modelConfigJson);
      WritableGroup weightsGroup = file.putGroup("model_weights");
      weightsGroup.putAttribute("backend", "tensorflow");
      weightsGroup.putAttribute("keras_version", LEGACY_KERAS_VERSION);
      weightsGroup.putAttribute("layer_names", weights.keySet().toArray(new String[0]));
      for (Map.Entry<String, Map<String, WeightArray>> layer : weights.entrySet()) {
        WritableGroup group = weightsGroup.putGroup(layer.getKey());
        // jhdf cannot write an empty string array; Keras' empty list is an empty float array anyway.
        if (!layer.getValue().isEmpty()) {
          group.putAttribute("weight_names", layer.getValue().keySet().toArray(new String[0]));
        }
        for (Map.Entry<String, WeightArray> dataset : layer.getValue().entrySet()) {
          putNested(group, dataset.getKey(), dataset.getValue());
        }
      }
    }
  }

  /** The weights of {@code model} by layer and tf.keras weight name, for tests that alter them. */
  public static Map<String, Map<String, WeightArray>> legacyWeights(RnnModel model) {
    Map<String, Map<String, WeightArray>> weights = new LinkedHashMap<>();
    for (Layer layer : model.layers()) {
      weights.put(layer.name(), legacyWeights(layer));
    }
    return weights;
  }

  /** tf.keras 2.x weight names: "<layer>/<cell>/kernel:0" for recurrent layers, "<layer>/kernel:0" for Dense. */
  private static Map<String, WeightArray> legacyWeights(Layer layer) {
    Map<String, WeightArray> datasets = new LinkedHashMap<>();
    if (layer instanceof SimpleRnnLayer) {
      SimpleRnnLayer rnn = (SimpleRnnLayer) layer;
      String prefix = rnn.name() + "/simple_rnn_cell/";
      datasets.put(prefix + "kernel:0", rnn.kernel());
      datasets.put(prefix + "recurrent_kernel:0", rnn.recurrentKernel());
      rnn.bias().ifPresent(b -> datasets.put(prefix + "bias:0", b));
    } else {
      DenseLayer dense = (DenseLayer) layer;
      datasets.put(dense.name() + "/kernel:0", dense.kernel());
      dense.bias().ifPresent(b -> datasets.put(dense.name() + "/bias:0", b));
    }
    return datasets;
  }

  /** The model_config tf.keras 2.x writes for a Sequential with an InputLayer. */
  public static ObjectNode legacyModelConfig(RnnModel model) {
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
    inputConfig.put("name", model.inputName() != null ? model.inputName() : model.recurrent().name() + "_input");
    for (Layer layer : model.layers()) {
      ObjectNode entry = layers.addObject();
      entry.put("class_name", layer.kerasClass());
      entry.set("config", layerConfig(layer, 2, NODES.textNode("float32")));
    }
    root.put("keras_version", LEGACY_KERAS_VERSION);
    root.put("backend", "tensorflow");
    return root;
  }

  // ---------------------------------------------------------------------------------------
  // Keras 3 .keras

  /** Writes {@code model} as Keras 3's {@code model.save("x.keras")} would. */
  public static void writeKerasV3(Path path, RnnModel model) {
    writeKerasV3(path, model, kerasV3Config(model).toString());
  }

  /** As {@link #writeKerasV3(Path, RnnModel)}, with the given config.json (for tests that alter it). */
  public static void writeKerasV3(Path path, RnnModel model, String configJson) {
    writeKerasV3(path, configJson, kerasV3Vars(model));
  }

  /** The .keras layout with any config and weights: {@code vars} maps a group path to its datasets 0, 1, ... */
  public static void writeKerasV3(Path path, String configJson, Map<String, List<WeightArray>> vars) {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    ObjectNode metadata = NODES.objectNode();
    metadata.put("keras_version", KERAS3_VERSION);
    metadata.put("date_saved", "2025-01-01@00:00:00");
    entries.put("metadata.json", metadata.toString().getBytes(StandardCharsets.UTF_8));
    entries.put("config.json", configJson.getBytes(StandardCharsets.UTF_8));
    entries.put("model.weights.h5", kerasV3Weights(vars));
    writeZip(path, entries, false);
  }

  /** Keras 3's weight paths for a Sequential of these layers: layers/simple_rnn/cell/vars, layers/dense[_N]/vars. */
  public static Map<String, List<WeightArray>> kerasV3Vars(RnnModel model) {
    Map<String, List<WeightArray>> vars = new LinkedHashMap<>();
    Map<String, Integer> used = new LinkedHashMap<>();
    for (Layer layer : model.layers()) {
      String base = layer instanceof SimpleRnnLayer ? "simple_rnn" : "dense";
      int count = used.merge(base, 1, Integer::sum) - 1;
      String group = "layers/" + (count == 0 ? base : base + "_" + count);
      List<WeightArray> arrays = new ArrayList<>();
      if (layer instanceof SimpleRnnLayer) {
        SimpleRnnLayer rnn = (SimpleRnnLayer) layer;
        arrays.add(rnn.kernel());
        arrays.add(rnn.recurrentKernel());
        rnn.bias().ifPresent(arrays::add);
        vars.put(group + "/cell/vars", arrays);
      } else {
        DenseLayer dense = (DenseLayer) layer;
        arrays.add(dense.kernel());
        dense.bias().ifPresent(arrays::add);
        vars.put(group + "/vars", arrays);
      }
    }
    return vars;
  }

  /** model.weights.h5 holding the given groups' datasets, named 0, 1, ... as Keras' H5IOStore names them. */
  public static byte[] kerasV3Weights(Map<String, List<WeightArray>> vars) {
    try {
      Path temp = Files.createTempFile("rnnscore-weights", ".h5");
      try {
        try (WritableHdfFile file = HdfFile.write(temp)) {
          for (Map.Entry<String, List<WeightArray>> group : vars.entrySet()) {
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

  /** config.json as Keras 3 writes it for a Sequential starting with an InputLayer. */
  public static ObjectNode kerasV3Config(RnnModel model) {
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
    int width = model.inputWidth();
    for (Layer layer : model.layers()) {
      ObjectNode entry = layers.addObject();
      entry.put("module", "keras.layers");
      entry.put("class_name", layer.kerasClass());
      entry.set("config", layerConfig(layer, 3, dtypePolicy()));
      entry.putNull("registered_name");
      ArrayNode inputShape = NODES.arrayNode().addNull();
      if (layer instanceof SimpleRnnLayer) {
        inputShape.add(batchShape(model).get(1)).add(width);
      } else {
        inputShape.add(layer.inputWidth());
      }
      entry.putObject("build_config").set("input_shape", inputShape);
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

  private static ArrayNode batchShape(RnnModel model) {
    ArrayNode shape = NODES.arrayNode().addNull();
    if (model.declaredTimesteps().isPresent()) {
      shape.add(model.declaredTimesteps().getAsInt());
    } else {
      shape.addNull();
    }
    return shape.add(model.inputWidth());
  }

  private static ObjectNode layerConfig(Layer layer, int kerasMajor, com.fasterxml.jackson.databind.JsonNode dtype) {
    ObjectNode config = NODES.objectNode();
    config.put("name", layer.name());
    config.put("trainable", true);
    config.set("dtype", dtype);
    if (layer instanceof SimpleRnnLayer) {
      SimpleRnnLayer rnn = (SimpleRnnLayer) layer;
      config.put("return_sequences", false);
      config.put("return_state", false);
      config.put("go_backwards", false);
      config.put("stateful", false);
      config.put("unroll", false);
      if (kerasMajor == 2) {
        config.put("time_major", false);
      } else {
        config.put("zero_output_for_mask", false);
      }
      config.put("units", rnn.units());
      config.put("activation", activationName(rnn.activation(), kerasMajor));
      config.put("use_bias", rnn.bias().isPresent());
      config.set("kernel_initializer", initializer("GlorotUniform", kerasMajor));
      config.set("recurrent_initializer", initializer("Orthogonal", kerasMajor));
      config.set("bias_initializer", initializer("Zeros", kerasMajor));
      for (String key : List.of("kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
          "activity_regularizer", "kernel_constraint", "recurrent_constraint", "bias_constraint")) {
        config.putNull(key);
      }
      config.put("dropout", 0.0);
      config.put("recurrent_dropout", 0.0);
      if (kerasMajor == 3) {
        config.putNull("seed");
      }
    } else {
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
    return config;
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
    if (model.denseLayers().size() != 1) {
      throw new IllegalArgumentException("an .npz model holds a SimpleRNN and exactly one Dense; this model has "
          + model.denseLayers().size() + " Dense layers");
    }
    SimpleRnnLayer rnn = model.recurrent();
    DenseLayer dense = model.denseLayers().get(0);
    Map<String, WeightArray> arrays = new LinkedHashMap<>();
    arrays.put("Wx", rnn.kernel());
    arrays.put("Wh", rnn.recurrentKernel());
    rnn.bias().ifPresent(b -> arrays.put("bh", b));
    arrays.put("Wo", dense.kernel());
    dense.bias().ifPresent(b -> arrays.put("bo", b));
    Map<String, byte[]> entries = new LinkedHashMap<>();
    for (Map.Entry<String, WeightArray> array : arrays.entrySet()) {
      entries.put(array.getKey() + ".npy", npy(array.getValue()));
    }
    writeZip(path, entries, false);
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
    if (array.rank() != 2) {
      throw new IllegalArgumentException("only rank 1 and 2 weights are written; " + array + " has rank " + array.rank());
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
