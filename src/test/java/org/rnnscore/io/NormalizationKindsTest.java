package org.rnnscore.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rnnscore.kernel.ModelSpec;
import org.rnnscore.model.ActivationFunctionLayer;
import org.rnnscore.model.BatchNormalizationLayer;
import org.rnnscore.model.DenseLayer;
import org.rnnscore.model.LstmLayer;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.WeightArray;
import org.rnnscore.testing.Keras1FileWriter;
import org.rnnscore.testing.KerasFileWriter;
import org.rnnscore.testing.ModelAssertions;

/**
 * BatchNormalization, LayerNormalization, the activation layers and tfmot's PruneLowMagnitude
 * read from files (h5, .keras, JSON + weights; Keras 1 for BatchNormalization): configs and
 * weights in every form, Keras' defaults, the mask rule, and each refusal by name.
 */
class NormalizationKindsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private static final String[] SPECS = {
      "bn > lstm(5) > dense(2)",
      "lstm(4,rs) > bn(nocenter,eps=0.01) > ln(noscale) > gru(3) > bn(noscale,nocenter) > ln(nocenter)",
      "dense(4) > leaky(0.25) > relu(none,0.1,0.2) > elu(0.5) > threlu(0.3) > softmax > lstm(3) > relu(6,0,0)",
      "dense(4) > prelu > gru(3,rs) > prelu(shared) > lstm(2) > prelu > ln(axis=1) > bn(axis=1)"};

  @Test
  void read_everyLayerInEveryFormat_roundTrips() throws IOException {
    for (String spec : SPECS) {
      RnnModel original = ModelSpec.build(spec, 11, 3, 5);
      Path h5 = dir.resolve("m.h5");
      KerasFileWriter.writeLegacyH5(h5, original);
      ModelAssertions.assertSameModel(original, ModelReader.read("m.h5", Files.readAllBytes(h5)));
      Path keras = dir.resolve("m.keras");
      KerasFileWriter.writeKerasV3(keras, original);
      ModelAssertions.assertSameModel(original, ModelReader.read("m.keras", Files.readAllBytes(keras)));
      Path json = dir.resolve("m.json");
      Path weights = dir.resolve("w.h5");
      KerasFileWriter.writeJsonAndWeights(json, weights, original);
      ModelAssertions.assertSameModel(original, ModelReader.read("m.json", Files.readAllBytes(json), "w.h5",
          Files.readAllBytes(weights), ReadOptions.DEFAULTS));
    }
  }

  /** Each layer passes a mask on: a Keras 2 file with Masking before it is read (not refused as for Reshape). */
  @ParameterizedTest
  @ValueSource(strings = {"bn", "ln", "leaky(0.3)", "relu(1,0.1,0)", "elu(1)", "threlu(0.5)", "prelu"})
  void read_keras2FileWithMaskThroughTheLayer_readsIt(String layer) throws IOException {
    RnnModel original = ModelSpec.build("masking(0) > " + layer + " > lstm(3) > dense(2)", 12, 3, 0);
    assertNull(original.maskedLayerWithoutMaskSupport());
    Path h5 = dir.resolve("m.h5");
    KerasFileWriter.writeLegacyH5(h5, original);
    ModelAssertions.assertSameModel(original, ModelReader.read("m.h5", Files.readAllBytes(h5)));
  }

  @Test
  void read_softmaxReachedByAMask_refused() throws IOException {
    RnnModel original = ModelSpec.build("masking(0) > dense(3) > softmax > lstm(3)", 13, 2, 0);
    Path keras = dir.resolve("m.keras");
    KerasFileWriter.writeKerasV3(keras, original);
    assertEquals("m.keras: layer 'softmax_2' (Softmax) is reached by a mask (from Masking or Embedding(mask_zero));"
        + " Keras adds the step mask to the values of every feature, which on a sequence does not give a per-step"
        + " softmax, so rnnscore does not run it; use Activation(\"softmax\") instead",
        refusal("m.keras", Files.readAllBytes(keras)));
  }

  /** TimeDistributed around a per-step layer is that layer (its weights under the wrapper's {@code layer} in .keras). */
  @Test
  void read_timeDistributedAroundEachLayer_isTheLayer() throws IOException {
    RnnModel original = ModelSpec.build("lstm(3,rs) > bn > ln > leaky(0.2) > prelu > softmax > gru(2)", 20, 3, 5);
    ObjectNode legacy = KerasFileWriter.legacyModelConfig(original);
    ObjectNode v3 = KerasFileWriter.kerasV3Config(original);
    for (ObjectNode config : List.of(legacy, v3)) {
      ArrayNode layers = (ArrayNode) config.get("config").get("layers");
      for (int i = 2; i <= 6; i++) {
        ObjectNode inner = (ObjectNode) layers.get(i);
        ObjectNode wrapper = JSON.createObjectNode();
        if (inner.has("module")) {
          wrapper.put("module", "keras.layers");
        }
        wrapper.put("class_name", "TimeDistributed");
        wrapper.putObject("config").put("name", inner.get("config").get("name").asText()).set("layer", inner);
        layers.set(i, wrapper);
      }
    }
    Path h5 = dir.resolve("m.h5");
    KerasFileWriter.writeLegacyH5(h5, original, legacy.toString());
    ModelAssertions.assertSameModel(original, ModelReader.read("m.h5", Files.readAllBytes(h5)));
    // Keras 3 counts every TimeDistributed, with weights or not: LeakyReLU is time_distributed_2.
    List<String> groups = List.of("layers/lstm/cell/vars", "layers/time_distributed/layer/vars",
        "layers/time_distributed_1/layer/vars", "layers/time_distributed_3/layer/vars", "layers/gru/cell/vars");
    Map<String, List<WeightArray>> vars = new LinkedHashMap<>();
    KerasFileWriter.kerasV3Vars(original).forEach((group, arrays) -> vars.put(groups.get(vars.size()), arrays));
    Path keras = dir.resolve("m.keras");
    KerasFileWriter.writeKerasV3(keras, v3.toString(), vars);
    ModelAssertions.assertSameModel(original, ModelReader.read("m.keras", Files.readAllBytes(keras)));
  }

  // ------------------------------------------------------------------ Keras 1

  @Test
  void read_keras1BatchNormalization_runningStdIsTheVariance() throws IOException {
    RnnModel original = ModelSpec.build("bn(eps=0.001) > lstm(4) > dense(2) > bn(eps=0.0001)", 14, 3, 0);
    Path h5 = dir.resolve("k1.h5");
    Keras1FileWriter.write(h5, original, false);
    // The reference (and so the kernel) divides by √(moving_variance + ε): the model read must carry
    // Keras 1's running_std there, unchanged, for the forward pass to be Keras 1.2's.
    ModelAssertions.assertSameModel(original, ModelReader.read("k1.h5", Files.readAllBytes(h5)));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void read_keras1BatchNormalizationModeNot0_refused(int mode) throws IOException {
    RnnModel original = ModelSpec.build("bn > lstm(4) > dense(2)", 15, 3, 0);
    ObjectNode config = Keras1FileWriter.config(original, false);
    ((ObjectNode) config.get("config").get(0).get("config")).put("mode", mode);
    Path h5 = dir.resolve("k1.h5");
    KerasFileWriter.writeLegacyH5(h5, config.toString(), Keras1FileWriter.weights(original, false),
        Keras1FileWriter.KERAS1_VERSION);
    assertEquals("k1.h5: layer 'bn_0' (a Keras 1 BatchNormalization) has mode " + mode + ": only mode 0 (feature-wise,"
        + " moving statistics at inference) is run; mode 1 normalizes each sample and mode 2 uses the batch's own"
        + " statistics even at inference, which a row scored alone cannot reproduce",
        refusal("k1.h5", Files.readAllBytes(h5)));
  }

  // ------------------------------------------------------------------ defaults

  @Test
  void parse_missingParameters_takeKerasDefaults() throws IOException {
    assertEquals(0.3, activation("LeakyReLU", "{}").slope(), 1e-12);
    assertEquals(0.1, activation("LeakyReLU", "{\"negative_slope\": 0.1}").slope(), 1e-12);
    assertEquals(0.2, activation("LeakyReLU", "{\"alpha\": 0.2}").slope(), 1e-12);
    assertEquals(1.0, activation("ELU", "{}").slope(), 1e-12);
    assertEquals(1.0, activation("ThresholdedReLU", "{}").threshold(), 1e-12);
    ActivationFunctionLayer relu = activation("ReLU", "{\"max_value\": null}");
    assertEquals(List.of(Double.POSITIVE_INFINITY, 0.0, 0.0), List.of(relu.maxValue(), relu.slope(), relu.threshold()));
    WeightArray one = new WeightArray("x", new int[] {2}, new float[] {1, 1});
    LayerSpec spec = LayerKinds.of("BatchNormalization").parse("BatchNormalization", "bn",
        JSON.readTree("{}"), 0);
    BatchNormalizationLayer bn = (BatchNormalizationLayer) spec.kind.build(spec, List.of(one, one, one, one), null);
    assertEquals(List.of(1e-3, -1), List.of(bn.epsilon(), bn.axis()));
    spec = LayerKinds.of("LayerNormalization").parse("LayerNormalization", "ln", JSON.readTree("{\"axis\": [-1]}"), 0);
    assertEquals(1e-3, ((org.rnnscore.model.LayerNormalizationLayer) spec.kind.build(spec, List.of(one, one), null))
        .epsilon());
  }

  private static ActivationFunctionLayer activation(String className, String config) throws IOException {
    LayerSpec spec = LayerKinds.of(className).parse(className, "a", JSON.readTree(config), 0);
    return (ActivationFunctionLayer) spec.kind.build(spec, List.of(), null);
  }

  // ------------------------------------------------------------------ refusals

  /** The h5 of {@code spec} with layer {@code index}'s config changed by {@code edit}; its refusal message. */
  private String refusalWith(String spec, int index, String key, String valueJson) throws IOException {
    RnnModel original = ModelSpec.build(spec, 16, 3, 5);
    ObjectNode config = KerasFileWriter.legacyModelConfig(original);
    ((ObjectNode) config.get("config").get("layers").get(index + 1).get("config")).set(key, JSON.readTree(valueJson));
    Path h5 = dir.resolve("m.h5");
    KerasFileWriter.writeLegacyH5(h5, original, config.toString());
    return refusal("m.h5", Files.readAllBytes(h5));
  }

  private static String refusal(String name, byte[] bytes) {
    return assertThrows(ModelFormatException.class, () -> ModelReader.read(name, bytes)).getMessage();
  }

  @Test
  void read_otherAxes_refusedByName() throws IOException {
    assertEquals("m.h5: layer 'bn_0' (BatchNormalization) has axis 1 on the input (None, 5, 3) from the model input,"
        + " expected -1 or 2 (the feature axis): rnnscore normalizes over the features only",
        refusalWith("bn > lstm(3)", 0, "axis", "[1]"));
    assertEquals("m.h5: layer 'bn_0' (BatchNormalization) has axis [1,2], expected -1 or the feature axis (one"
        + " integer): rnnscore normalizes over the features only", refusalWith("bn > lstm(3)", 0, "axis", "[1, 2]"));
    assertEquals("m.h5: layer 'ln_1' (LayerNormalization) has axis [1,2], expected -1 or the feature axis (one"
        + " integer): rnnscore normalizes over the features only",
        refusalWith("lstm(3,rs) > ln > gru(2)", 1, "axis", "[1, 2]"));
    assertEquals("m.h5: layer 'ln_1' (LayerNormalization) has axis 1 on the input (None, 5, 3) from layer 'lstm_0',"
        + " expected -1 or 2 (the feature axis): rnnscore normalizes over the features only",
        refusalWith("lstm(3,rs) > ln > gru(2)", 1, "axis", "1"));
    assertEquals("m.h5: layer 'softmax_1' (Softmax) has axis 1, expected -1: rnnscore applies softmax over the features"
        + " only", refusalWith("dense(3) > softmax > gru(2)", 1, "axis", "1"));
  }

  @Test
  void read_unsupportedOptions_refusedByName() throws IOException {
    assertEquals("m.h5: layer 'ln_1' (LayerNormalization) has rms_scaling=True, which rnnscore does not run: Keras 3"
        + " releases computed it differently (the variance about the mean in early 3.x, the mean of squares later);"
        + " re-create the layer with rms_scaling=False or use RMSNormalization",
        refusalWith("lstm(3,rs) > ln > gru(2)", 1, "rms_scaling", "true"));
    assertEquals("m.h5: layer 'bn_0' (BatchNormalization) has renorm=True, which rnnscore does not run (its extra"
        + " renorm statistics); re-create the layer without renorm", refusalWith("bn > lstm(3)", 0, "renorm", "true"));
    assertEquals("m.h5: layer 'bn_0' (BatchNormalization) has virtual_batch_size 8, which rnnscore does not run;"
        + " re-create the layer without it", refusalWith("bn > lstm(3)", 0, "virtual_batch_size", "8"));
    assertEquals("m.h5: layer 'leaky_1' has alpha \"big\", expected a number",
        refusalWith("dense(2) > leaky(0.3) > lstm(3)", 1, "alpha", "\"big\""));
    assertEquals("m.h5: layer 'relu_1' (ReLU) has max_value -1.0, expected at least 0 (Keras refuses a negative one)",
        refusalWith("dense(2) > relu(1,0,0) > lstm(3)", 1, "max_value", "-1"));
  }

  /** center=False in the config but β still in the file: the count names Keras' list and the flags. */
  @Test
  void read_weightsThatDisagreeWithCenter_refusedWithTheList() throws IOException {
    assertEquals("m.h5: layer 'bn_0' has 4 weight arrays in the file (bn_0/gamma:0, bn_0/beta:0, bn_0/moving_mean:0,"
        + " bn_0/moving_variance:0), expected 3 (gamma, moving_mean, moving_variance; center = false, scale = true)",
        refusalWith("bn > lstm(3)", 0, "center", "false"));
  }

  @Test
  void read_preluAlphaPerTimestep_readsItAndNeedsTheDeclaredLength() throws IOException {
    RnnModel original = ModelSpec.build("dense(2) > prelu(step) > lstm(3)", 17, 3, 5);
    Path h5 = dir.resolve("m.h5");
    KerasFileWriter.writeLegacyH5(h5, original);
    RnnModel read = ModelReader.read("m.h5", Files.readAllBytes(h5));
    ModelAssertions.assertSameModel(original, read);
    assertEquals("prelu_1", read.declaredTimestepsNeededBy().name());
    assertEquals("prelu_1", read.timeMixingBeforeRecurrent().name());
  }

  @Test
  void read_preluAlphaPerTimestepWithoutDeclaredLength_refused() throws IOException {
    RnnModel original = ModelSpec.build("dense(2) > prelu(step) > lstm(3)", 17, 3, 5);
    ObjectNode config = KerasFileWriter.legacyModelConfig(original);
    ((ObjectNode) config.get("config").get("layers").get(0).get("config")).set("batch_input_shape",
        JSON.readTree("[null, null, 3]"));
    Path h5 = dir.resolve("m.h5");
    KerasFileWriter.writeLegacyH5(h5, original, config.toString());
    assertEquals("m.h5: layer 'prelu_1' (PReLU) alpha has shape [5, 2], one alpha per timestep of 5 steps, but layer"
        + " 'dense_0' gives (None, None, 2) (no declared timesteps); declare the model's input with 5 timesteps, or"
        + " train the layer with shared_axes=[1]", refusal("m.h5", Files.readAllBytes(h5)));
  }

  // ------------------------------------------------------------------ tfmot PruneLowMagnitude

  /**
   * A pruned model saved without strip_pruning, written as tf.keras writes it: each wrapped layer's
   * config under the wrapper's "layer", its weights with tfmot's mask, threshold (a float scalar)
   * and pruning_step (an int64 scalar) under the wrapper's name.
   */
  private Path prunedH5(RnnModel model, Map<String, float[][]> masks) {
    ObjectNode config = KerasFileWriter.legacyModelConfig(model);
    ArrayNode layers = (ArrayNode) config.get("config").get("layers");
    Map<String, Map<String, WeightArray>> weights = KerasFileWriter.legacyWeights(model);
    Map<String, Map<String, Object>> datasets = new LinkedHashMap<>();
    for (int i = 1; i < layers.size(); i++) {
      JsonNode entry = layers.get(i);
      String name = entry.get("config").get("name").asText();
      Map<String, Object> layerData = new LinkedHashMap<>();
      String wrapper = "prune_low_magnitude_" + name;
      for (Map.Entry<String, WeightArray> w : weights.getOrDefault(name, Map.of()).entrySet()) {
        layerData.put(wrapper + w.getKey().substring(name.length()), KerasFileWriter.nested(w.getValue()));
      }
      if (!masks.containsKey(name)) {
        datasets.put(name, layerData);
        continue;
      }
      ObjectNode wrapped = JSON.createObjectNode();
      wrapped.put("class_name", "PruneLowMagnitude");
      ObjectNode wrapperConfig = wrapped.putObject("config");
      wrapperConfig.put("name", wrapper);
      wrapperConfig.put("trainable", true);
      wrapperConfig.put("dtype", "float32");
      wrapperConfig.set("layer", entry);
      wrapperConfig.putObject("pruning_schedule").put("class_name", "PolynomialDecay");
      wrapperConfig.putArray("block_size").add(1).add(1);
      wrapperConfig.put("block_pooling_type", "AVG");
      layers.set(i, wrapped);
      float[][] layerMasks = masks.get(name);
      for (int m = 0; m < layerMasks.length; m++) {
        String suffix = m == 0 ? "" : "_" + m;
        WeightArray shapeOf = m == 0 ? kernelOf(model, name) : ((LstmLayer) layer(model, name)).recurrentKernel();
        layerData.put(wrapper + "/mask" + suffix + ":0", KerasFileWriter.nested(new WeightArray("m", shapeOf.shape(),
            layerMasks[m])));
        layerData.put(wrapper + "/threshold" + suffix + ":0", 0.5f);
      }
      layerData.put(wrapper + "/pruning_step:0", 1000L);
      datasets.put(wrapper, layerData);
    }
    Path h5 = dir.resolve("pruned.h5");
    try (WritableHdfFile file = HdfFile.write(h5)) {
      file.putAttribute("backend", "tensorflow");
      file.putAttribute("keras_version", "2.15.0");
      file.putAttribute("model_config", config.toString());
      WritableGroup group = file.putGroup("model_weights");
      group.putAttribute("layer_names", datasets.keySet().toArray(new String[0]));
      for (Map.Entry<String, Map<String, Object>> layer : datasets.entrySet()) {
        WritableGroup layerGroup = group.putGroup(layer.getKey());
        layerGroup.putAttribute("weight_names", layer.getValue().keySet().toArray(new String[0]));
        for (Map.Entry<String, Object> d : layer.getValue().entrySet()) {
          WritableGroup at = layerGroup;
          String[] steps = d.getKey().split("/");
          for (int s = 0; s < steps.length - 1; s++) {
            io.jhdf.api.Node child = at.getChild(steps[s]);
            at = child instanceof WritableGroup ? (WritableGroup) child : at.putGroup(steps[s]);
          }
          at.putDataset(steps[steps.length - 1], d.getValue());
        }
      }
    }
    return h5;
  }

  private static org.rnnscore.model.Layer layer(RnnModel model, String name) {
    return model.layers().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
  }

  private static WeightArray kernelOf(RnnModel model, String name) {
    return layer(model, name).inputKernel();
  }

  private static float[] pattern(int size, int seed) {
    float[] mask = new float[size];
    for (int i = 0; i < size; i++) {
      mask[i] = (i * 7 + seed) % 3 == 0 ? 0f : 1f;
    }
    return mask;
  }

  private static WeightArray times(WeightArray w, float[] mask) {
    float[] data = w.data();
    for (int i = 0; i < data.length; i++) {
      data[i] *= mask[i];
    }
    return new WeightArray(w.name(), w.shape(), data);
  }

  @Test
  void read_prunedDenseAndLstm_giveKernelsTimesMasks() throws IOException {
    RnnModel original = ModelSpec.build("lstm(4) > dense(3)", 18, 3, 5);
    LstmLayer lstm = (LstmLayer) original.layers().get(0);
    DenseLayer dense = (DenseLayer) original.layers().get(1);
    float[] lstmKernelMask = pattern(lstm.kernel().size(), 1);
    float[] lstmRecurrentMask = pattern(lstm.recurrentKernel().size(), 2);
    float[] denseMask = pattern(dense.kernel().size(), 0);
    Path h5 = prunedH5(original, Map.of("lstm_0", new float[][] {lstmKernelMask, lstmRecurrentMask},
        "dense_1", new float[][] {denseMask}));
    RnnModel read = ModelReader.read("pruned.h5", Files.readAllBytes(h5));
    RnnModel expected = new RnnModel(null, 5, List.of(
        new LstmLayer("prune_low_magnitude_lstm_0", 4, times(lstm.kernel(), lstmKernelMask),
            times(lstm.recurrentKernel(), lstmRecurrentMask), lstm.bias().orElseThrow(), lstm.activation(),
            lstm.recurrentActivation(), lstm.sequencing()),
        new DenseLayer("prune_low_magnitude_dense_1", 3, times(dense.kernel(), denseMask), dense.bias().orElseThrow(),
            dense.activation())));
    ModelAssertions.assertSameModel(expected, read);
  }

  @Test
  void read_prunedLayerWithoutItsMask_refused() throws IOException {
    RnnModel original = ModelSpec.build("lstm(4) > dense(3)", 19, 3, 5);
    LstmLayer lstm = (LstmLayer) original.layers().get(0);
    Path h5 = prunedH5(original, Map.of("lstm_0", new float[][] {pattern(lstm.kernel().size(), 1)}));
    assertEquals("pruned.h5: layer 'prune_low_magnitude_lstm_0' (PruneLowMagnitude) has no mask of shape [4, 16] for its"
        + " weight prune_low_magnitude_lstm_0/lstm_cell/recurrent_kernel:0 (weights:"
        + " prune_low_magnitude_lstm_0/lstm_cell/kernel:0, prune_low_magnitude_lstm_0/lstm_cell/recurrent_kernel:0,"
        + " prune_low_magnitude_lstm_0/lstm_cell/bias:0, prune_low_magnitude_lstm_0/mask:0,"
        + " prune_low_magnitude_lstm_0/threshold:0, prune_low_magnitude_lstm_0/pruning_step:0); expected one mask per"
        + " prunable weight, in order", refusal("pruned.h5", Files.readAllBytes(h5)));
  }

  @Test
  void read_pruneAroundAnUnsupportedLayer_refusedByName() throws IOException {
    String config = "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"s\", \"layers\": [{\"class_name\":"
        + " \"PruneLowMagnitude\", \"config\": {\"name\": \"p\", \"layer\": {\"class_name\": \"Flatten\", \"config\":"
        + " {\"name\": \"f\"}}}}, {\"class_name\": \"LSTM\", \"config\": {\"name\": \"l\", \"units\": 2}}]}}";
    Path h5 = dir.resolve("m.h5");
    KerasFileWriter.writeLegacyH5(h5, config, Map.of("l", Map.of("l/bias:0", new WeightArray("b", new int[] {8},
        new float[8]))));
    String message = refusal("m.h5", Files.readAllBytes(h5));
    assertEquals("m.h5: layer 'p' (PruneLowMagnitude) wraps a Flatten; expected a supported layer with weights (Dense,"
        + " SimpleRNN, LSTM, GRU, ...); " + LayerKinds.SUPPORTED, message);
  }
}
