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
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.WeightArray;
import org.rnnscore.testing.KerasFileWriter;
import org.rnnscore.testing.RandomModels;

/** Every refusal, asserted word for word: the user sees nothing else. */
class ModelReaderErrorsTest {
  private static final String SUPPORTED = "supported: InputLayer, SimpleRNN, Dense, Activation (after a Dense), and"
      + " layers that do nothing at inference (Dropout, AlphaDropout, GaussianDropout, GaussianNoise, SpatialDropout1D,"
      + " ActivityRegularization)";
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
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ZipContents.read(zip, 999));
    assertEquals("zip entry 'config.json' inflates to more than 999 bytes, the most this version reads for one"
        + " entry; refusing it as a model file", e.getMessage());
    assertEquals(1000, ZipContents.read(zip, 1000).get("config.json").length);
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

  @Test
  void lstmLayer() throws IOException {
    ObjectNode config = legacyConfig();
    ((ObjectNode) config.get("config").get("layers").get(1)).put("class_name", "LSTM");
    layerConfig(config, 1).put("name", "lstm");
    assertEquals("m.h5: layer 'lstm' has type LSTM, which this version does not support; " + SUPPORTED,
        message("m.h5", legacyH5(config.toString())));
  }

  @Test
  void goBackwards() throws IOException {
    ObjectNode config = legacyConfig();
    layerConfig(config, 1).put("go_backwards", true);
    assertEquals("m.h5: layer 'simple_rnn' has go_backwards=true: it reads each sequence in reverse, which this"
        + " version does not support", message("m.h5", legacyH5(config.toString())));
  }

  @Test
  void stateful() throws IOException {
    ObjectNode config = legacyConfig();
    layerConfig(config, 1).put("stateful", true);
    assertEquals("m.h5: layer 'simple_rnn' has stateful=true: it carries its state from one batch to the next, which"
        + " this version does not support (every row is scored from a zero state)",
        message("m.h5", legacyH5(config.toString())));
  }

  @Test
  void returnSequences() throws IOException {
    ObjectNode config = legacyConfig();
    layerConfig(config, 1).put("return_sequences", true);
    assertEquals("m.h5: layer 'simple_rnn' has return_sequences=true: it gives an output for every timestep, and this"
        + " version scores only the last step (return_sequences=false)", message("m.h5", legacyH5(config.toString())));
  }

  @Test
  void twoSimpleRnns() throws IOException {
    ObjectNode config = legacyConfig();
    ArrayNode layers = (ArrayNode) config.get("config").get("layers");
    ObjectNode second = layers.get(1).deepCopy();
    ((ObjectNode) second.get("config")).put("name", "simple_rnn_1");
    ((ObjectNode) layers.get(1).get("config")).put("return_sequences", true);
    layers.insert(2, second);
    assertEquals("m.h5: the model has 2 SimpleRNN layers ('simple_rnn', 'simple_rnn_1'); this version scores exactly"
        + " one SimpleRNN followed by Dense layers", message("m.h5", legacyH5(config.toString())));
  }

  @Test
  void denseBeforeTheSimpleRnn() throws IOException {
    ObjectNode config = legacyConfig();
    ArrayNode layers = (ArrayNode) config.get("config").get("layers");
    JsonNode dense = layers.remove(2);
    layers.insert(1, dense);
    assertEquals("m.h5: layer 'dense' (Dense) comes before the SimpleRNN; this version scores a SimpleRNN reading the"
        + " sequence, then Dense layers", message("m.h5", legacyH5(config.toString())));
  }

  @Test
  void activationLayerAfterTheSimpleRnn() throws IOException {
    ObjectNode config = legacyConfig();
    ArrayNode layers = (ArrayNode) config.get("config").get("layers");
    ObjectNode activation = layers.insertObject(2);
    activation.put("class_name", "Activation");
    activation.putObject("config").put("name", "relu_1").put("activation", "relu");
    assertEquals("m.h5: layer 'relu_1' (Activation) follows layer 'simple_rnn' (SimpleRNN); this version supports an"
        + " Activation layer only right after a Dense layer with linear activation",
        message("m.h5", legacyH5(config.toString())));
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

  /** Functional models: only a straight chain; here a Keras 2 functional with two branches joined by Add. */
  @Test
  void nonChainFunctionalModel() throws IOException {
    String config = "{\"class_name\": \"Functional\", \"config\": {\"name\": \"branchy\", \"layers\": ["
        + "{\"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\": [null, 10, 3], \"name\": \"in\"},"
        + " \"name\": \"in\", \"inbound_nodes\": []},"
        + "{\"class_name\": \"SimpleRNN\", \"config\": {\"name\": \"simple_rnn\", \"units\": 5}, \"name\": \"simple_rnn\","
        + " \"inbound_nodes\": [[[\"in\", 0, 0, {}]]]},"
        + "{\"class_name\": \"Dense\", \"config\": {\"name\": \"a\", \"units\": 2}, \"name\": \"a\","
        + " \"inbound_nodes\": [[[\"simple_rnn\", 0, 0, {}]]]},"
        + "{\"class_name\": \"Dense\", \"config\": {\"name\": \"b\", \"units\": 2}, \"name\": \"b\","
        + " \"inbound_nodes\": [[[\"simple_rnn\", 0, 0, {}]]]},"
        + "{\"class_name\": \"Add\", \"config\": {\"name\": \"add\"}, \"name\": \"add\","
        + " \"inbound_nodes\": [[[\"a\", 0, 0, {}], [\"b\", 0, 0, {}]]]}],"
        + " \"input_layers\": [[\"in\", 0, 0]], \"output_layers\": [[\"add\", 0, 0]]}}";
    assertEquals("m.h5: functional model 'branchy' is not a straight chain: layer 'b' takes its input from"
        + " 'simple_rnn', not from the layer listed before it ('a'); this version reads Functional models only when they"
        + " are a single chain from one input to one output", message("m.h5", legacyH5(config)));
  }

  @Test
  void functionalModelWithTwoInputs() throws IOException {
    String config = "{\"class_name\": \"Model\", \"config\": {\"name\": \"two\", \"layers\": [],"
        + " \"input_layers\": [[\"x\", 0, 0], [\"y\", 0, 0]], \"output_layers\": [[\"d\", 0, 0]]}}";
    assertEquals("m.h5: functional model 'two' is not a straight chain: it has 2 inputs ('x', 'y'); this version"
        + " reads Functional models only when they are a single chain from one input to one output",
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
    assertEquals("m.keras: functional model 'f' is not a straight chain: layer 'concatenate' takes 2 inputs"
        + " ('simple_rnn', 'input_layer'); this version reads Functional models only when they are a single chain from"
        + " one input to one output", message("m.keras", kerasV3(config)));
  }

  // ---- Keras 3 .keras -------------------------------------------------------------------

  @Test
  void keras3GoBackwards() throws IOException {
    ObjectNode config = KerasFileWriter.kerasV3Config(model);
    layerConfig(config, 1).put("go_backwards", true);
    assertEquals("m.keras: layer 'simple_rnn' has go_backwards=true: it reads each sequence in reverse, which this"
        + " version does not support", message("m.keras", kerasV3(config.toString())));
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
    assertEquals("n.keras: keeps its weights in model.weights.npz (saved with weights_format=\"npz\"), which this"
        + " version does not read; re-save with the default weights_format=\"h5\"",
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
