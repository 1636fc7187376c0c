package org.rnnscore.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnscore.model.Activation;
import org.rnnscore.model.BidirectionalLayer.MergeMode;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.Sequencing;
import org.rnnscore.model.UsageException;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.WeightArray;
import org.rnnscore.testing.KerasFileWriter;
import org.rnnscore.testing.RandomModels;

/** Every refusal, asserted word for word: the user sees nothing else. */
class ModelReaderErrorsTest {
  /** The registry's list, pinned word for word once in {@link LayerKindsTest}. */
  private static final String SUPPORTED = LayerKinds.SUPPORTED;
  private static final String NEVER_RUN = "rnnscore never runs Python code from a model file (Lambda and custom"
      + " layers); rebuild the model from built-in layers; ";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private final RnnModel model = RandomModels.model(42, 10, 3, 5, true, Activation.TANH, Activation.LINEAR, 2);

  private static String message(String name, byte[] content) {
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelReader.read(name, content));
    assertTrue(e.getMessage().startsWith(name + ": "), e.getMessage());
    assertFalse(e.getMessage().contains("\n\tat "), "no stack trace in the message");
    return e.getMessage();
  }

  private byte[] legacyH5(String config) throws IOException {
    Path file = dir.resolve("m.h5");
    KerasFileWriter.writeLegacyH5(file, model, config);
    return Files.readAllBytes(file);
  }

  private byte[] legacyH5(String config, Map<String, Map<String, WeightArray>> weights) throws IOException {
    Path file = dir.resolve("w.h5");
    KerasFileWriter.writeLegacyH5(file, config, weights);
    return Files.readAllBytes(file);
  }

  private byte[] kerasV3(String config) throws IOException {
    Path file = dir.resolve("m.keras");
    KerasFileWriter.writeKerasV3(file, model, config);
    return Files.readAllBytes(file);
  }

  private ObjectNode legacyConfig() {
    return KerasFileWriter.legacyModelConfig(model);
  }

  /** The SimpleRNN's config in a Sequential config (index 1: after the InputLayer). */
  private static ObjectNode layerConfig(ObjectNode modelConfig, int index) {
    return (ObjectNode) modelConfig.get("config").get("layers").get(index).get("config");
  }

  // ---- format detection and damaged bytes --------------------------------------------

  @Test
  void unknownFormat() {
    assertEquals("page.h5: not a Keras .h5, .keras or .npz file (starts with bytes 3c 68 74 6d)",
        message("page.h5", "<html><body>404</body></html>".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void emptyFile() {
    assertEquals("empty.h5: the file is empty (0 bytes); expected a Keras .h5, .keras or .npz file",
        message("empty.h5", new byte[0]));
  }

  @Test
  void truncatedH5() throws IOException {
    byte[] whole = legacyH5(legacyConfig().toString());
    byte[] half = Arrays.copyOf(whole, whole.length / 2);
    assertEquals("m.h5: the file is truncated: its HDF5 superblock says it is " + whole.length + " bytes long, but it"
        + " has " + half.length + " bytes", message("m.h5", half));
  }

  @Test
  void h5CutInsideTheSuperblock() {
    byte[] signature = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n', 0, 0};
    assertEquals("m.h5: the file is truncated: 10 bytes, too short to hold an HDF5 superblock",
        message("m.h5", signature));
  }

  @Test
  void corruptH5IsWrappedNotLeaked() throws IOException {
    byte[] bytes = legacyH5(legacyConfig().toString());
    // Keep the superblock, overwrite everything after it.
    Arrays.fill(bytes, 48, bytes.length, (byte) 0x5a);
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelReader.read("m.h5", bytes));
    assertTrue(e.getMessage().startsWith("m.h5: the file is not a readable HDF5 file (corrupt or truncated: "),
        e.getMessage());
    assertNotNull(e.getCause(), "the library's exception is kept as the cause");
  }

  @Test
  void truncatedKeras() throws IOException {
    byte[] whole = kerasV3(KerasFileWriter.kerasV3Config(model).toString());
    byte[] cut = Arrays.copyOf(whole, whole.length - 30);
    assertEquals("m.keras: the zip file is truncated: it has no end-of-central-directory record (" + cut.length
        + " bytes read; a complete zip file ends with one)", message("m.keras", cut));
  }

  @Test
  void zipThatIsNeitherKerasNorNpz() {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("readme.txt", new byte[] {1});
    entries.put("Wx.npy", new byte[] {2});
    assertEquals("a.zip: a zip file that is neither a Keras 3 .keras file (no config.json) nor an .npz (not all"
        + " entries are .npy arrays); entries: readme.txt, Wx.npy", message("a.zip", KerasFileWriter.zip(entries, true)));
  }

  @Test
  void zipEntryBeyondTheLimitIsRefused() {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("config.json", new byte[1000]);
    byte[] zip = KerasFileWriter.zip(entries, true);
    ParseLimits limits = new ParseLimits(10_000, 1L << 31, 999, 500, 20_000_000);
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ZipContents.read(zip, limits));
    assertEquals("zip entry 'config.json' inflates to more than 999 bytes, the most this version reads for one"
        + " entry; refusing it as a model file", e.getMessage());
    assertEquals(1000, ZipContents.read(zip, new ParseLimits(10_000, 1L << 31, 1000, 500, 20_000_000))
        .get("config.json").length);
  }

  // ---- legacy .h5 ----------------------------------------------------------------------

  @Test
  void wrongShapedRecurrentKernel() throws IOException {
    Map<String, Map<String, WeightArray>> weights = KerasFileWriter.legacyWeights(model);
    weights.get("simple_rnn").put("simple_rnn/simple_rnn_cell/recurrent_kernel:0",
        RandomModels.array(new Random(1), "x", 4, 4));
    assertEquals("w.h5: layer 'simple_rnn' recurrent_kernel has shape [4, 4], expected [5, 5] (units = 5)",
        message("w.h5", legacyH5(legacyConfig().toString(), weights)));
  }

  // ---- refusals: options, layers and architectures rnnscore does not score --------------

  @Test
  void timeMajor() throws IOException {
    ObjectNode config = legacyConfig();
    layerConfig(config, 1).put("time_major", true);
    assertEquals("m.h5: layer 'simple_rnn' has time_major=true: it reads inputs laid out [timesteps, batch, features],"
        + " which rnnscore does not support; re-create it with time_major=False",
        message("m.h5", legacyH5(config.toString())));
  }

  @Test
  void returnStateOnTheOutput() throws IOException {
    ObjectNode config = legacyConfig();
    ((ArrayNode) config.get("config").get("layers")).remove(2);
    layerConfig(config, 1).put("return_state", true);
    assertEquals("m.h5: layer 'simple_rnn' has return_state=true and gives the model's output: it returns its states"
        + " as extra outputs, and rnnscore writes one prediction per row (or per step); re-create it with"
        + " return_state=False", message("m.h5", legacyH5(config.toString())));
  }

  /** return_state before the output is harmless: the next layer takes the main output. */
  @Test
  void returnStateBeforeTheOutputIsAccepted() throws IOException {
    ObjectNode config = legacyConfig();
    layerConfig(config, 1).put("return_state", true);
    assertEquals(2, ModelReader.read("m.h5", legacyH5(config.toString())).layers().size());
  }

  /** A functional model whose Dense takes the state output of a return_state layer. */
  @Test
  void functionalLayerTakingAState() throws IOException {
    String config = "{\"class_name\": \"Functional\", \"config\": {\"name\": \"f\", \"layers\": ["
        + "{\"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\": [null, 10, 3], \"name\": \"in\"},"
        + " \"name\": \"in\", \"inbound_nodes\": []},"
        + "{\"class_name\": \"SimpleRNN\", \"config\": {\"name\": \"simple_rnn\", \"units\": 5, \"return_state\": true},"
        + " \"name\": \"simple_rnn\", \"inbound_nodes\": [[[\"in\", 0, 0, {}]]]},"
        + "{\"class_name\": \"Dense\", \"config\": {\"name\": \"dense\", \"units\": 2}, \"name\": \"dense\","
        + " \"inbound_nodes\": [[[\"simple_rnn\", 0, 1, {}]]]}],"
        + " \"input_layers\": [[\"in\", 0, 0]], \"output_layers\": [[\"dense\", 0, 0]]}}";
    assertEquals("m.h5: layer 'dense' takes output 1 of layer 'simple_rnn' (a state, from return_state=True) as its"
        + " input; rnnscore passes states only to a recurrent layer's initial_state", message("m.h5", legacyH5(config)));
  }

  @Test
  void unsupportedLayer() throws IOException {
    ObjectNode config = legacyConfig();
    ((ObjectNode) config.get("config").get("layers").get(2)).put("class_name", "LocallyConnected1D");
    layerConfig(config, 2).put("name", "locally_connected1d");
    assertEquals("m.h5: layer 'locally_connected1d' has type LocallyConnected1D, which rnnscore does not support; " + SUPPORTED,
        message("m.h5", legacyH5(config.toString())));
  }

  @Test
  void lambdaLayer() throws IOException {
    ObjectNode config = legacyConfig();
    ObjectNode lambda = ((ArrayNode) config.get("config").get("layers")).insertObject(2);
    lambda.put("class_name", "Lambda");
    lambda.putObject("config").put("name", "lambda").put("function", "4wEAAAAAAAAA...");
    assertEquals("m.h5: layer 'lambda' has type Lambda: " + NEVER_RUN + SUPPORTED,
        message("m.h5", legacyH5(config.toString())));
  }

  @Test
  void keras1LayerConfig() throws IOException {
    ObjectNode config = legacyConfig();
    layerConfig(config, 2).remove("units");
    layerConfig(config, 2).put("output_dim", 2);
    assertEquals("m.h5: layer 'dense' has output_dim and no units: a Keras 1 layer config, in a file whose"
        + " keras_version is not 1.x; re-save the model with Keras 2 or later",
        message("m.h5", legacyH5(config.toString())));
  }

  @Test
  void noRecurrentLayer() throws IOException {
    ObjectNode config = legacyConfig();
    ((ArrayNode) config.get("config").get("layers")).remove(1);
    assertEquals("m.h5: the model has no recurrent layer (layers: InputLayer, Dense); expected at least one of"
        + " SimpleRNN, LSTM, GRU (alone or in Bidirectional)", message("m.h5", legacyH5(config.toString())));
  }

  @Test
  void denseBeforeTheSimpleRnnDoesNotChain() throws IOException {
    ObjectNode config = legacyConfig();
    ArrayNode layers = (ArrayNode) config.get("config").get("layers");
    JsonNode dense = layers.remove(2);
    layers.insert(1, dense);
    assertEquals("m.h5: InputLayer 'simple_rnn_input' (input shape [null,10,3]) declares 3 features per timestep, but"
        + " layer 'dense' kernel has shape [5, 2] (5 features)", message("m.h5", legacyH5(config.toString())));
    // With the input width the Dense reads, the chain itself does not hold.
    ((ArrayNode) layerConfig(config, 0).get("batch_input_shape")).set(2, JSON.getNodeFactory().numberNode(5));
    assertEquals("m.h5: layer 'simple_rnn' kernel has shape [3, 5], expected [2, 5] (input width 2 from layer"
        + " 'dense')", message("m.h5", legacyH5(config.toString())));
  }

  // ---- Bidirectional, GRU, TimeDistributed, Embedding, Flatten ---------------------------

  private final RnnModel bidirectional = new RnnModel(null, 4, List.of(
      RandomModels.bidirectional(new Random(5), "bidirectional", "lstm", "LSTM", 3, 3, MergeMode.CONCAT, false, true,
          false),
      RandomModels.dense(new Random(6), "dense", 6, 1, true, Activation.SIGMOID)));

  private byte[] bidirectionalH5(ObjectNode config, Map<String, Map<String, WeightArray>> weights) throws IOException {
    return legacyH5(config.toString(), weights);
  }

  @Test
  void mergeModeNone() throws IOException {
    ObjectNode config = KerasFileWriter.legacyModelConfig(bidirectional);
    layerConfig(config, 1).putNull("merge_mode");
    assertEquals("w.h5: layer 'bidirectional' has merge_mode None (two separate outputs), which a single prediction"
        + " column cannot hold; supported: concat, sum, mul, ave",
        message("w.h5", bidirectionalH5(config, KerasFileWriter.legacyWeights(bidirectional))));
  }

  @Test
  void mergeModeUnknown() throws IOException {
    ObjectNode config = KerasFileWriter.legacyModelConfig(bidirectional);
    layerConfig(config, 1).put("merge_mode", "max");
    assertEquals("w.h5: layer 'bidirectional' has merge_mode 'max'; supported: concat, sum, mul, ave",
        message("w.h5", bidirectionalH5(config, KerasFileWriter.legacyWeights(bidirectional))));
  }

  @Test
  void bidirectionalAroundDense() throws IOException {
    ObjectNode config = KerasFileWriter.legacyModelConfig(bidirectional);
    ((ObjectNode) layerConfig(config, 1).get("layer")).put("class_name", "Dense");
    assertEquals("w.h5: layer 'bidirectional' (Bidirectional) wraps a Dense; supported inside Bidirectional:"
        + " SimpleRNN, LSTM, GRU", message("w.h5", bidirectionalH5(config, KerasFileWriter.legacyWeights(bidirectional))));
  }

  @Test
  void bidirectionalMissingABackwardArray() throws IOException {
    Map<String, Map<String, WeightArray>> weights = KerasFileWriter.legacyWeights(bidirectional);
    weights.get("bidirectional").remove("bidirectional/backward_lstm/lstm_cell/bias:0");
    assertEquals("w.h5: layer 'bidirectional' has 5 weight arrays in the file"
        + " (bidirectional/forward_lstm/lstm_cell/kernel:0, bidirectional/forward_lstm/lstm_cell/recurrent_kernel:0,"
        + " bidirectional/forward_lstm/lstm_cell/bias:0, bidirectional/backward_lstm/lstm_cell/kernel:0,"
        + " bidirectional/backward_lstm/lstm_cell/recurrent_kernel:0), expected 6 (forward_lstm: kernel,"
        + " recurrent_kernel, bias; use_bias = true; backward_lstm: kernel, recurrent_kernel, bias; use_bias = true)",
        message("w.h5", bidirectionalH5(KerasFileWriter.legacyModelConfig(bidirectional), weights)));
  }

  @Test
  void bidirectionalBackwardHalfWrongShape() throws IOException {
    Map<String, Map<String, WeightArray>> weights = KerasFileWriter.legacyWeights(bidirectional);
    weights.get("bidirectional").put("bidirectional/backward_lstm/lstm_cell/recurrent_kernel:0",
        RandomModels.array(new Random(1), "x", 2, 8));
    assertEquals("w.h5: layer 'bidirectional' (Bidirectional), backward half: layer 'backward_lstm' recurrent_kernel"
        + " has shape [2, 8], expected [3, 12] (4 gates × units = 4 × 3)",
        message("w.h5", bidirectionalH5(KerasFileWriter.legacyModelConfig(bidirectional), weights)));
  }

  @Test
  void gruResetAfterWithAFlatBias() throws IOException {
    Random r = new Random(3);
    RnnModel gru = new RnnModel(null, 0, List.of(RandomModels.recurrent(r, "GRU", "gru", 2, 3, true,
        Activation.TANH, Activation.SIGMOID, false, Sequencing.LAST)));
    ObjectNode config = KerasFileWriter.legacyModelConfig(gru);
    layerConfig(config, 1).put("reset_after", true);
    assertEquals("w.h5: layer 'gru' bias has shape [9], expected [2, 9] (3 gates × units = 3 × 3)",
        message("w.h5", legacyH5(config.toString(), KerasFileWriter.legacyWeights(gru))));
  }

  @Test
  void timeDistributedAroundLstm() throws IOException {
    Random r = new Random(4);
    RnnModel td = new RnnModel(null, 0, List.of(
        RandomModels.recurrent(r, "LSTM", "lstm", 2, 3, true, Activation.TANH, Activation.SIGMOID, false,
            Sequencing.SEQUENCES),
        RandomModels.dense(r, "time_distributed", 3, 1, true, Activation.LINEAR)));
    ObjectNode config = KerasFileWriter.legacyModelConfig(td, java.util.Set.of("time_distributed"));
    ((ObjectNode) layerConfig(config, 2).get("layer")).put("class_name", "LSTM");
    assertEquals("w.h5: layer 'time_distributed' (TimeDistributed) wraps a LSTM; supported inside TimeDistributed:"
        + " Dense, BatchNormalization, LayerNormalization, ReLU, LeakyReLU, PReLU, ELU, ThresholdedReLU, Softmax, Conv2D, MaxPooling2D, AveragePooling2D, Flatten", message("w.h5", legacyH5(config.toString(), KerasFileWriter.legacyWeights(td))));
  }

  private final RnnModel embedding = new RnnModel(null, 6, List.of(
      RandomModels.embedding(new Random(7), "embedding", 20, 4, true),
      RandomModels.recurrent(new Random(8), "GRU", "gru", 4, 2, true, Activation.TANH, Activation.SIGMOID, true,
          Sequencing.LAST)));

  @Test
  void embeddingShapeDisagreesWithInputDim() throws IOException {
    ObjectNode config = KerasFileWriter.legacyModelConfig(embedding);
    layerConfig(config, 1).put("input_dim", 30);
    assertEquals("w.h5: layer 'embedding' embeddings has shape [20, 4], expected [30, 4] (input_dim = 30,"
        + " output_dim = 4)", message("w.h5", legacyH5(config.toString(), KerasFileWriter.legacyWeights(embedding))));
  }

  @Test
  void embeddingWithThreeDimensionalInput() throws IOException {
    ObjectNode config = KerasFileWriter.legacyModelConfig(embedding);
    ((ArrayNode) layerConfig(config, 0).get("batch_input_shape")).add(1);
    assertEquals("w.h5: InputLayer 'embedding_input' has input shape [null,6,1], expected 2 dimensions [batch,"
        + " timesteps] of token ids for the Embedding 'embedding'",
        message("w.h5", legacyH5(config.toString(), KerasFileWriter.legacyWeights(embedding))));
  }

  @Test
  void flattenWithoutDeclaredTimesteps() throws IOException {
    Random r = new Random(9);
    RnnModel flat = new RnnModel(null, 3, List.of(
        RandomModels.recurrent(r, "SimpleRNN", "simple_rnn", 2, 3, true, Activation.TANH, null, false,
            Sequencing.SEQUENCES),
        new org.rnnscore.model.FlattenLayer("flatten"),
        RandomModels.dense(r, "dense", 9, 1, true, Activation.LINEAR)));
    ObjectNode config = KerasFileWriter.legacyModelConfig(flat);
    ((ArrayNode) layerConfig(config, 0).get("batch_input_shape")).set(1, JSON.getNodeFactory().nullNode());
    assertEquals("w.h5: layer 'flatten' (Flatten) needs a fixed number of timesteps, but the model declares None;"
        + " declare the input length (Input(shape=(T, D)))",
        message("w.h5", legacyH5(config.toString(), KerasFileWriter.legacyWeights(flat))));
  }

  @Test
  void recurrentLayerAfterOneThatReturnsTheLastStepOnly() throws IOException {
    Random r = new Random(10);
    RnnModel stacked = new RnnModel(null, 0, List.of(
        RandomModels.recurrent(r, "LSTM", "lstm_1", 2, 3, true, Activation.TANH, Activation.SIGMOID, false,
            Sequencing.SEQUENCES),
        RandomModels.recurrent(r, "LSTM", "lstm_2", 3, 3, true, Activation.TANH, Activation.SIGMOID, false,
            Sequencing.LAST)));
    ObjectNode config = KerasFileWriter.legacyModelConfig(stacked);
    layerConfig(config, 1).put("return_sequences", false);
    assertEquals("w.h5: layer 'lstm_2' (LSTM) needs a sequence, but layer 'lstm_1' gives one vector per row"
        + " (return_sequences=False)", message("w.h5", legacyH5(config.toString(), KerasFileWriter.legacyWeights(stacked))));
  }

  @Test
  void weightsOnlyFileReadAlone() throws IOException {
    Path file = dir.resolve("w.h5");
    KerasFileWriter.writeWeightsOnlyH5(file, KerasFileWriter.legacyWeights(model));
    assertEquals("w.h5: has no model_config attribute: it holds weights only (saved with save_weights); read it"
        + " together with the architecture JSON saved by model.to_json(), or save the whole model with"
        + " model.save(\"model.h5\")", message("w.h5", Files.readAllBytes(file)));
  }

  @Test
  void readOptionsWithAnotherKerasVersion() {
    UsageException e = assertThrows(UsageException.class, () -> ReadOptions.forceHardSigmoid(4));
    assertEquals("the hard_sigmoid Keras version must be 2 or 3 (or unset, to follow the file), got 4", e.getMessage());
  }

  // ---- the JSON + weights pair ------------------------------------------------------------

  private static String pairMessage(String jsonName, byte[] json, String weightsName, byte[] weights) {
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> ModelReader.read(jsonName, json, weightsName, weights, ReadOptions.DEFAULTS));
    assertFalse(e.getMessage().contains("\n\tat "), "no stack trace in the message");
    return e.getMessage();
  }

  private byte[] json(ObjectNode config) {
    return config.toString().getBytes(StandardCharsets.UTF_8);
  }

  private byte[] weightsOnly(Map<String, Map<String, WeightArray>> weights) throws IOException {
    Path file = dir.resolve("weights.h5");
    KerasFileWriter.writeWeightsOnlyH5(file, weights);
    return Files.readAllBytes(file);
  }

  @Test
  void pairWithTheFilesSwapped() throws IOException {
    byte[] weights = weightsOnly(KerasFileWriter.legacyWeights(model));
    assertEquals("w.h5: is an HDF5 file, not the architecture JSON; give the JSON from model.to_json() first and the"
        + " weights file from model.save_weights() second",
        pairMessage("w.h5", weights, "m.json", json(legacyConfig())));
  }

  @Test
  void pairWithAnEmptyJson() throws IOException {
    assertEquals("m.json: the file is empty (0 bytes); expected the architecture JSON written by model.to_json()",
        pairMessage("m.json", new byte[0], "w.h5", weightsOnly(KerasFileWriter.legacyWeights(model))));
  }

  @Test
  void pairWithAKerasFileAsTheJson() throws IOException {
    assertEquals("m.keras: is a zip file (.keras or .npz), not the architecture JSON; a .keras file holds its own"
        + " architecture and weights: read it alone",
        pairMessage("m.keras", kerasV3(KerasFileWriter.kerasV3Config(model).toString()), "w.h5",
            weightsOnly(KerasFileWriter.legacyWeights(model))));
  }

  @Test
  void pairWithInvalidJson() throws IOException {
    assertEquals("m.json: the architecture JSON is not valid JSON at line 1, column 2: Unexpected character ('x'"
        + " (code 120)): was expecting double-quote to start field name",
        pairMessage("m.json", "{x".getBytes(StandardCharsets.UTF_8), "w.h5",
            weightsOnly(KerasFileWriter.legacyWeights(model))));
  }

  @Test
  void pairWithEmptyWeights() {
    assertEquals("w.h5: the file is empty (0 bytes); expected the HDF5 weights file written by model.save_weights()",
        pairMessage("m.json", json(legacyConfig()), "w.h5", new byte[0]));
  }

  @Test
  void pairWithWeightsThatAreNotHdf5() throws IOException {
    assertEquals("w.h5: is not an HDF5 weights file (starts with bytes 50 4b 03 04); expected the file written by"
        + " model.save_weights(\"weights.h5\")",
        pairMessage("m.json", json(legacyConfig()), "w.h5", kerasV3(KerasFileWriter.kerasV3Config(model).toString())));
  }

  @Test
  void pairWithAnHdf5FileThatHoldsNoKerasWeights() throws IOException {
    Path file = dir.resolve("other.h5");
    try (io.jhdf.WritableHdfFile h5 = io.jhdf.HdfFile.write(file)) {
      h5.putDataset("x", new float[] {1f, 2f});
    }
    assertEquals("w.h5: holds no Keras weights: it has no layer_names attribute at the root, no model_weights group"
        + " and no layers group (root holds: x)", pairMessage("m.json", json(legacyConfig()), "w.h5",
            Files.readAllBytes(file)));
  }

  @Test
  void pairWithALayerMissingFromTheWeights() throws IOException {
    Map<String, Map<String, WeightArray>> weights = KerasFileWriter.legacyWeights(model);
    weights.remove("dense");
    assertEquals("w.h5: layer 'dense' has no weights in the file: the layer_names attribute of the root group lists"
        + " 'simple_rnn'", pairMessage("m.json", json(legacyConfig()), "w.h5", weightsOnly(weights)));
  }

  @Test
  void pairFromKeras1WithKeras2Weights() throws IOException {
    ObjectNode config = legacyConfig();
    config.put("keras_version", "1.2.2");
    assertEquals("w.h5: layer 'simple_rnn' (a Keras 1 SimpleRNN) has weights simple_rnn/simple_rnn_cell/kernel:0,"
        + " simple_rnn/simple_rnn_cell/recurrent_kernel:0, simple_rnn/simple_rnn_cell/bias:0, expected W, U and b",
        pairMessage("m.json", json(config), "w.h5", weightsOnly(KerasFileWriter.legacyWeights(model))));
  }

  /** Architecture problems name the JSON; weight problems name the weights file. */
  @Test
  void pairNamesTheFileAtFault() throws IOException {
    ObjectNode config = legacyConfig();
    layerConfig(config, 1).put("time_major", true);
    assertEquals("m.json: layer 'simple_rnn' has time_major=true: it reads inputs laid out [timesteps, batch,"
        + " features], which rnnscore does not support; re-create it with time_major=False",
        pairMessage("m.json", json(config), "w.h5", weightsOnly(KerasFileWriter.legacyWeights(model))));
    Map<String, Map<String, WeightArray>> weights = KerasFileWriter.legacyWeights(model);
    weights.get("simple_rnn").put("simple_rnn/simple_rnn_cell/recurrent_kernel:0",
        RandomModels.array(new Random(1), "x", 4, 4));
    assertEquals("w.h5: layer 'simple_rnn' recurrent_kernel has shape [4, 4], expected [5, 5] (units = 5)",
        pairMessage("m.json", json(legacyConfig()), "w.h5", weightsOnly(weights)));
  }

  @Test
  void unknownActivation() throws IOException {
    ObjectNode config = legacyConfig();
    layerConfig(config, 2).put("activation", "crelu");
    assertEquals("m.h5: layer 'dense': activation 'crelu' is not supported; supported: "
        + Activation.supportedNames(), message("m.h5", legacyH5(config.toString())));
  }

  @Test
  void layerWithoutWeights() throws IOException {
    Map<String, Map<String, WeightArray>> weights = KerasFileWriter.legacyWeights(model);
    weights.remove("dense");
    assertEquals("w.h5: layer 'dense' has no weights in the file: the layer_names attribute of group 'model_weights'"
        + " lists 'simple_rnn'", message("w.h5", legacyH5(legacyConfig().toString(), weights)));
  }

  @Test
  void missingBiasForUseBiasTrue() throws IOException {
    Map<String, Map<String, WeightArray>> weights = KerasFileWriter.legacyWeights(model);
    weights.get("dense").remove("dense/bias:0");
    assertEquals("w.h5: layer 'dense' has 1 weight array in the file (dense/kernel:0), expected 2 (kernel, bias;"
        + " use_bias = true)", message("w.h5", legacyH5(legacyConfig().toString(), weights)));
  }

  @Test
  void declaredFeaturesDisagreeWithTheKernel() throws IOException {
    ObjectNode config = legacyConfig();
    ((ArrayNode) layerConfig(config, 0).get("batch_input_shape")).set(2, JSON.getNodeFactory().numberNode(4));
    assertEquals("m.h5: InputLayer 'simple_rnn_input' (input shape [null,10,4]) declares 4 features per timestep, but"
        + " layer 'simple_rnn' kernel has shape [3, 5] (3 features)", message("m.h5", legacyH5(config.toString())));
  }

  @Test
  void modelConfigThatIsNotJson() throws IOException {
    assertEquals("m.h5: the model_config attribute is not valid JSON at line 1, column 2: Unexpected character ('x'"
        + " (code 120)): was expecting double-quote to start field name",
        message("m.h5", legacyH5("{x")));
  }

  /** Functional graphs are read (FunctionalGraphTest); a merge of two shapes is refused, naming both. */
  @Test
  void functionalMergeOfTwoShapes() throws IOException {
    String config = "{\"class_name\": \"Functional\", \"config\": {\"name\": \"branchy\", \"layers\": ["
        + "{\"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\": [null, 10, 3], \"name\": \"in\"},"
        + " \"name\": \"in\", \"inbound_nodes\": []},"
        + "{\"class_name\": \"SimpleRNN\", \"config\": {\"name\": \"simple_rnn\", \"units\": 5}, \"name\": \"simple_rnn\","
        + " \"inbound_nodes\": [[[\"in\", 0, 0, {}]]]},"
        + "{\"class_name\": \"Dense\", \"config\": {\"name\": \"dense\", \"units\": 2}, \"name\": \"dense\","
        + " \"inbound_nodes\": [[[\"simple_rnn\", 0, 0, {}]]]},"
        + "{\"class_name\": \"Add\", \"config\": {\"name\": \"add\"}, \"name\": \"add\","
        + " \"inbound_nodes\": [[[\"simple_rnn\", 0, 0, {}], [\"dense\", 0, 0, {}]]]}],"
        + " \"input_layers\": [[\"in\", 0, 0]], \"output_layers\": [[\"add\", 0, 0]]}}";
    assertEquals("m.h5: layer 'add' (Add) cannot merge layer 'simple_rnn' (None, 5) with layer 'dense' (None, 2);"
        + " expected inputs of one shape", message("m.h5", legacyH5(config)));
  }

  /** Models of several inputs are read (TwoInputSeq2seqTest); each input must be a sequence of feature vectors. */
  @Test
  void functionalModelWithTwoInputs_oneOfThemNotASequence() throws IOException {
    String config = "{\"class_name\": \"Model\", \"config\": {\"name\": \"two\", \"layers\": ["
        + "{\"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\": [null, 10, 3], \"name\": \"x\"},"
        + " \"name\": \"x\", \"inbound_nodes\": []},"
        + "{\"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\": [null, 5], \"name\": \"y\"},"
        + " \"name\": \"y\", \"inbound_nodes\": []},"
        + "{\"class_name\": \"SimpleRNN\", \"config\": {\"name\": \"simple_rnn\", \"units\": 5}, \"name\": \"simple_rnn\","
        + " \"inbound_nodes\": [[[\"x\", 0, 0, {}]]]},"
        + "{\"class_name\": \"Add\", \"config\": {\"name\": \"add\"}, \"name\": \"add\","
        + " \"inbound_nodes\": [[[\"simple_rnn\", 0, 0, {}], [\"y\", 0, 0, {}]]]}],"
        + " \"input_layers\": [[\"x\", 0, 0], [\"y\", 0, 0]], \"output_layers\": [[\"add\", 0, 0]]}}";
    assertEquals("m.h5: InputLayer 'y' has input shape [null,5], expected 3 dimensions [batch, timesteps, features];"
        + " rnnscore reads models of several inputs only when each is a sequence of feature vectors",
        message("m.h5", legacyH5(config)));
  }

  @Test
  void keras3FunctionalLayerWithTwoInputs() throws IOException {
    String tensor = "{\"class_name\": \"__keras_tensor__\", \"config\": {\"shape\": [null, 5], \"dtype\": \"float32\","
        + " \"keras_history\": [\"%s\", 0, 0]}}";
    String config = "{\"module\": \"keras\", \"class_name\": \"Functional\", \"config\": {\"name\": \"f\", \"layers\": ["
        + "{\"class_name\": \"InputLayer\", \"config\": {\"batch_shape\": [null, 10, 3], \"name\": \"input_layer\"},"
        + " \"name\": \"input_layer\", \"inbound_nodes\": []},"
        + "{\"class_name\": \"SimpleRNN\", \"config\": {\"name\": \"simple_rnn\", \"units\": 5}, \"name\": \"simple_rnn\","
        + " \"inbound_nodes\": [{\"args\": [" + String.format(tensor, "input_layer") + "], \"kwargs\": {}}]},"
        + "{\"class_name\": \"Concatenate\", \"config\": {\"name\": \"concatenate\"}, \"name\": \"concatenate\","
        + " \"inbound_nodes\": [{\"args\": [[" + String.format(tensor, "simple_rnn") + ", "
        + String.format(tensor, "input_layer") + "]], \"kwargs\": {}}]}],"
        + " \"input_layers\": [\"input_layer\", 0, 0], \"output_layers\": [\"concatenate\", 0, 0]}}";
    assertEquals("m.keras: layer 'concatenate' (Concatenate) cannot merge layer 'simple_rnn' (None, 5) with the model"
        + " input (None, 10, 3); expected the same shape apart from the last axis", message("m.keras", kerasV3(config)));
  }

  // ---- Keras 3 .keras -------------------------------------------------------------------

  @Test
  void keras3CustomLayer() throws IOException {
    ObjectNode config = KerasFileWriter.kerasV3Config(model);
    ObjectNode dense = (ObjectNode) config.get("config").get("layers").get(2);
    dense.put("module", "my_package.layers");
    dense.put("class_name", "MyDense");
    dense.put("registered_name", "MyPackage>MyDense");
    assertEquals("m.keras: layer 'dense' has type MyDense, a custom layer (module 'my_package.layers', registered as"
        + " 'MyPackage>MyDense'): " + NEVER_RUN + SUPPORTED, message("m.keras", kerasV3(config.toString())));
  }

  @Test
  void keras3MissingBackwardHalfGroup() throws IOException {
    Map<String, List<WeightArray>> vars = KerasFileWriter.kerasV3Vars(bidirectional);
    vars.remove("layers/bidirectional/backward_layer/cell/vars");
    Path file = dir.resolve("v.keras");
    KerasFileWriter.writeKerasV3(file, KerasFileWriter.kerasV3Config(bidirectional).toString(), vars);
    assertEquals("v.keras: model.weights.h5 has no group layers/bidirectional/backward_layer/cell/vars for layer"
        + " 'bidirectional' (1st Bidirectional in layer order; Keras 3 files name weight groups by class and position,"
        + " not by layer name)", message("v.keras", Files.readAllBytes(file)));
  }

  @Test
  void keras3MissingWeightGroup() throws IOException {
    Map<String, List<WeightArray>> vars = KerasFileWriter.kerasV3Vars(model);
    vars.remove("layers/dense/vars");
    Path file = dir.resolve("v.keras");
    KerasFileWriter.writeKerasV3(file, KerasFileWriter.kerasV3Config(model).toString(), vars);
    assertEquals("v.keras: model.weights.h5 has no group layers/dense/vars for layer 'dense' (1st Dense in layer order;"
        + " Keras 3 files name weight groups by class and position, not by layer name)",
        message("v.keras", Files.readAllBytes(file)));
  }

  @Test
  void keras3WrongShapedRecurrentKernel() throws IOException {
    Map<String, List<WeightArray>> vars = KerasFileWriter.kerasV3Vars(model);
    vars.get("layers/simple_rnn/cell/vars").set(1, RandomModels.array(new Random(2), "x", 4, 4));
    Path file = dir.resolve("v.keras");
    KerasFileWriter.writeKerasV3(file, KerasFileWriter.kerasV3Config(model).toString(), vars);
    assertEquals("v.keras: layer 'simple_rnn' recurrent_kernel has shape [4, 4], expected [5, 5] (units = 5)",
        message("v.keras", Files.readAllBytes(file)));
  }

  @Test
  void keras3WithNpzWeights() {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("metadata.json", "{\"keras_version\": \"3.6.0\"}".getBytes(StandardCharsets.UTF_8));
    entries.put("config.json", KerasFileWriter.kerasV3Config(model).toString().getBytes(StandardCharsets.UTF_8));
    entries.put("model.weights.npz", new byte[] {0});
    assertEquals("n.keras: keeps its weights in model.weights.npz (saved with weights_format=\"npz\"), which"
        + " rnnscore does not read; re-save with the default weights_format=\"h5\"",
        message("n.keras", KerasFileWriter.zip(entries, false)));
  }

  // ---- .npz -----------------------------------------------------------------------------

  private byte[] npz(Map<String, byte[]> entries) {
    return KerasFileWriter.zip(entries, false);
  }

  private Map<String, byte[]> npzEntries() {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("Wx.npy", KerasFileWriter.npy(model.recurrent().kernel()));
    entries.put("Wh.npy", KerasFileWriter.npy(model.recurrent().recurrentKernel()));
    entries.put("bh.npy", KerasFileWriter.npy(model.recurrent().bias().orElseThrow()));
    entries.put("Wo.npy", KerasFileWriter.npy(model.denseLayers().get(0).kernel()));
    entries.put("bo.npy", KerasFileWriter.npy(model.denseLayers().get(0).bias().orElseThrow()));
    return entries;
  }

  @Test
  void npzMissingWh() {
    Map<String, byte[]> entries = npzEntries();
    entries.remove("Wh.npy");
    assertEquals("m.npz: array 'Wh' (the recurrent kernel, M×M) is missing; the file holds Wx, bh, Wo, bo",
        message("m.npz", npz(entries)));
  }

  @Test
  void npzWrongShapedWh() {
    Map<String, byte[]> entries = npzEntries();
    entries.put("Wh.npy", KerasFileWriter.npy(RandomModels.array(new Random(3), "x", 4, 4)));
    assertEquals("m.npz: layer 'simple_rnn' Wh has shape [4, 4], expected [5, 5] (units = 5)",
        message("m.npz", npz(entries)));
  }

  @Test
  void npzWoRowsDisagreeWithM() {
    Map<String, byte[]> entries = npzEntries();
    entries.put("Wo.npy", KerasFileWriter.npy(RandomModels.array(new Random(3), "x", 4, 2)));
    assertEquals("m.npz: layer 'dense' Wo has shape [4, 2], expected [5, 2] (M = 5 from Wx)",
        message("m.npz", npz(entries)));
  }

  @Test
  void npzOneDimensionalWx() {
    Map<String, byte[]> entries = npzEntries();
    entries.put("Wx.npy", KerasFileWriter.npy(RandomModels.array(new Random(3), "x", 15)));
    assertEquals("m.npz: layer 'simple_rnn' Wx has shape [15], expected 2 dimensions [D, M]",
        message("m.npz", npz(entries)));
  }

  @Test
  void npzIntegerArray() {
    Map<String, byte[]> entries = npzEntries();
    entries.put("bh.npy", KerasFileWriter.npy("<i8", false, new int[] {5}, new byte[40]));
    assertEquals("m.npz: array 'bh' has dtype '<i8', expected float32 ('<f4') or float64 ('<f8')",
        message("m.npz", npz(entries)));
  }

  @Test
  void npzFortranOrder() {
    Map<String, byte[]> entries = npzEntries();
    entries.put("Wh.npy", KerasFileWriter.npy("<f4", true, new int[] {5, 5}, new byte[100]));
    assertEquals("m.npz: array 'Wh' is stored in Fortran (column-major) order; expected C order (save it with"
        + " np.ascontiguousarray(...) first)", message("m.npz", npz(entries)));
  }

  @Test
  void npzTruncatedArray() {
    Map<String, byte[]> entries = npzEntries();
    byte[] wh = entries.get("Wh.npy");
    entries.put("Wh.npy", Arrays.copyOf(wh, wh.length - 8));
    assertEquals("m.npz: array 'Wh' is truncated: shape [5, 5] of <f4 needs 100 bytes of data, the entry holds 92",
        message("m.npz", npz(entries)));
  }

  @Test
  void npzUnexpectedArray() {
    Map<String, byte[]> entries = npzEntries();
    entries.put("Wd.npy", KerasFileWriter.npy(RandomModels.array(new Random(3), "x", 2, 2)));
    assertEquals("m.npz: holds an unexpected array 'Wd'; an .npz model holds exactly Wx (D×M), Wh (M×M), bh (M,"
        + " optional), Wo (M×K), bo (K, optional)", message("m.npz", npz(entries)));
  }

  @Test
  void npzEntryThatIsNotNpy() {
    Map<String, byte[]> entries = npzEntries();
    entries.put("Wx.npy", "hello, world".getBytes(StandardCharsets.US_ASCII));
    assertEquals("m.npz: array 'Wx' is not in .npy format (starts with bytes 68 65 6c 6c 6f 2c, expected 93 4e 55 4d"
        + " 50 59 = \\x93NUMPY)", message("m.npz", npz(entries)));
  }
}
