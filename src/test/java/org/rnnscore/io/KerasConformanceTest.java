package org.rnnscore.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jhdf.HdfFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rnnscore.kernel.ForwardPass;
import org.rnnscore.model.Activation;
import org.rnnscore.model.DenseLayer;
import org.rnnscore.model.Layer;
import org.rnnscore.model.LstmLayer;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.Sequencing;
import org.rnnscore.model.Shape;
import org.rnnscore.model.SimpleRnnLayer;
import org.rnnscore.model.WeightArray;
import org.rnnscore.testing.ModelAssertions;
import org.rnnscore.testing.SharedData;

/** Real Keras files and Keras-computed outputs from ../shared/keras-conformance (see its SOURCES.md). */
class KerasConformanceTest {
  private static final String DL4J = "keras-conformance/dl4j-test-resources/src/main/resources/modelimport/keras/";
  private static final String SIMPLE_RNN = DL4J + "examples/simple_rnn/simple_rnn_tf_keras_2_";
  private static final String KERAS_JS = "keras-conformance/keras-js/";

  @Test
  void dl4jSimpleRnnModelHasKerasStructure() throws IOException {
    Path file = SharedData.require(SIMPLE_RNN + "model.h5");
    RnnModel model = ModelReader.read("simple_rnn_tf_keras_2_model.h5", Files.readAllBytes(file));

    assertEquals(1, model.inputWidth());
    assertEquals(50, model.hiddenUnits());
    assertEquals(1, model.outputWidth());
    assertEquals(1, model.declaredTimesteps().getAsInt(), "batch_input_shape [25, 1, 1]");
    assertEquals(null, model.inputName(), "Keras 2.1 Sequential config has no InputLayer");
    SimpleRnnLayer rnn = (SimpleRnnLayer) model.recurrent();
    assertEquals("simple_rnn_1", rnn.name());
    assertEquals(Activation.TANH, rnn.activation());
    assertEquals(1 * 50 + 50 * 50 + 50, rnn.paramCount(), "Keras summary: 2600");
    DenseLayer dense = model.denseLayers().get(0);
    assertEquals("dense_1", dense.name());
    assertEquals(Activation.LINEAR, dense.activation());
    assertEquals(51, dense.paramCount());
    assertEquals(2651, model.paramCount());
  }

  @Test
  void dl4jSimpleRnnModelReproducesKerasPredictions() throws IOException {
    Path modelFile = SharedData.require(SIMPLE_RNN + "model.h5");
    Path dataFile = SharedData.require(SIMPLE_RNN + "inputs_and_outputs.h5");
    RnnModel model = ModelReader.read("model.h5", Files.readAllBytes(modelFile));
    float[] inputs;
    float[] expected;
    int[] inputShape;
    try (HdfFile data = new HdfFile(dataFile)) {
      inputShape = data.getDatasetByPath("inputs/simple_rnn_1_input").getDimensions();
      inputs = (float[]) data.getDatasetByPath("inputs/simple_rnn_1_input").getDataFlat();
      // predictions/ holds model.predict; outputs/ holds the training targets.
      expected = (float[]) data.getDatasetByPath("predictions/dense_1").getDataFlat();
    }
    int batch = inputShape[0];
    int timesteps = inputShape[1];
    assertEquals(25, batch);
    float[] predictions = new float[batch * model.outputWidth()];
    new ForwardPass(model).score(inputs, batch, timesteps, predictions);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], predictions[i], 1e-5, "row " + i);
    }
  }

  /** The same model saved as a weights-only h5: refused alone, with the way to read it. */
  @Test
  void dl4jWeightsOnlyFileIsRefusedAlone() throws IOException {
    Path file = SharedData.require(SIMPLE_RNN + "weights.h5");
    ModelFormatException e = org.junit.jupiter.api.Assertions.assertThrows(ModelFormatException.class,
        () -> ModelReader.read("weights.h5", Files.readAllBytes(file)));
    assertEquals("weights.h5: has no model_config attribute: it holds weights only (saved with save_weights); read it"
        + " together with the architecture JSON saved by model.to_json(), or save the whole model with"
        + " model.save(\"model.h5\")", e.getMessage());
  }

  /** Each dl4j example also comes as config.json + weights.h5: read as a pair, it is the model of model.h5. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"simple_rnn/simple_rnn", "simple_flatten_rnn/simple_flatten_rnn",
      "simple_flatten_lstm/simple_flatten_lstm"})
  void dl4jJsonAndWeightsPairIsTheFullModel(String example) throws IOException {
    String prefix = DL4J + "examples/" + example + "_tf_keras_2_";
    RnnModel full = ModelReader.read("model.h5", Files.readAllBytes(SharedData.require(prefix + "model.h5")));
    RnnModel pair = ModelReader.read("config.json", Files.readAllBytes(SharedData.require(prefix + "config.json")),
        "weights.h5", Files.readAllBytes(SharedData.require(prefix + "weights.h5")), ReadOptions.DEFAULTS);
    ModelAssertions.assertSameModel(full, pair);
  }

  /** SimpleRNN(50, return_sequences) → Flatten → Dense(1), batch_input_shape [25, 1, 1]. */
  @Test
  void dl4jSimpleFlattenRnnStructure() throws IOException {
    RnnModel model = ModelReader.read("flatten.h5", Files.readAllBytes(SharedData.require(
        DL4J + "examples/simple_flatten_rnn/simple_flatten_rnn_tf_keras_2_model.h5")));
    assertEquals(List.of("SimpleRNN", "Flatten", "Dense"), classes(model));
    assertEquals(List.of("simple_rnn_1", "flatten_1", "dense_1"), names(model));
    assertEquals(List.of(Shape.sequence(1, 50), Shape.vector(50), Shape.vector(1)), model.outputShapes());
    SimpleRnnLayer rnn = (SimpleRnnLayer) model.layers().get(0);
    assertEquals(Sequencing.SEQUENCES, rnn.sequencing());
    assertEquals(Activation.TANH, rnn.activation());
    assertEquals(List.of(2600L, 0L, 51L), params(model), "Keras summary");
    assertEquals(1, model.declaredTimesteps().getAsInt());
    assertTrue(model.requiresDeclaredTimesteps(), "Flatten after a sequence needs the declared T");
  }

  /** LSTM(50, hard_sigmoid) → Dense(1), Keras 2.1.3: hard_sigmoid is Keras 2's unless forced. */
  @Test
  void dl4jSimpleFlattenLstmStructure() throws IOException {
    byte[] content = Files.readAllBytes(SharedData.require(
        DL4J + "examples/simple_flatten_lstm/simple_flatten_lstm_tf_keras_2_model.h5"));
    RnnModel model = ModelReader.read("lstm.h5", content);
    assertEquals(List.of("LSTM", "Dense"), classes(model));
    LstmLayer lstm = (LstmLayer) model.layers().get(0);
    assertEquals("lstm_1", lstm.name());
    assertEquals(50, lstm.units());
    assertEquals(Activation.TANH, lstm.activation());
    assertEquals(Activation.HARD_SIGMOID_KERAS2, lstm.recurrentActivation());
    assertEquals(Sequencing.LAST, lstm.sequencing());
    assertArrayEquals(new int[] {1, 200}, lstm.kernel().shape());
    assertArrayEquals(new int[] {50, 200}, lstm.recurrentKernel().shape());
    assertArrayEquals(new int[] {200}, lstm.bias().orElseThrow().shape());
    assertEquals(List.of(10400L, 51L), params(model), "Keras summary: 4 × (1·50 + 50·50 + 50)");
    assertEquals(Activation.HARD_SIGMOID_KERAS3, ((LstmLayer) ModelReader.read("lstm.h5", content,
        ReadOptions.forceHardSigmoid(3)).layers().get(0)).recurrentActivation());
  }

  private static final String FULL_LSTM = DL4J + "fullconfigs/lstm/";

  private static RnnModel fullconfigsLstm() throws IOException {
    return ModelReader.read("lstm_th_keras_2_config.json", Files.readAllBytes(SharedData.require(
        FULL_LSTM + "lstm_th_keras_2_config.json")), "lstm_th_keras_2_weights.h5", Files.readAllBytes(
        SharedData.require(FULL_LSTM + "lstm_th_keras_2_weights.h5")), ReadOptions.DEFAULTS);
  }

  /** Keras 2.0.8 (Theano): LSTM(96, return_sequences) → LSTM(96) → Dense(1, sigmoid), T=4, D=12; JSON + weights. */
  @Test
  void dl4jFullconfigsLstmStructure() throws IOException {
    RnnModel model = fullconfigsLstm();
    assertEquals(List.of("LSTM", "LSTM", "Dense"), classes(model));
    assertEquals(List.of("lstm_1", "lstm_2", "dense_1"), names(model));
    assertEquals(4, model.declaredTimesteps().getAsInt());
    assertEquals(12, model.inputWidth());
    assertEquals(List.of(Shape.sequence(4, 96), Shape.vector(96), Shape.vector(1)), model.outputShapes());
    LstmLayer first = (LstmLayer) model.layers().get(0);
    LstmLayer second = (LstmLayer) model.layers().get(1);
    assertEquals(Sequencing.SEQUENCES, first.sequencing());
    assertEquals(Sequencing.LAST, second.sequencing());
    for (LstmLayer lstm : List.of(first, second)) {
      assertEquals(Activation.TANH, lstm.activation());
      assertEquals(Activation.HARD_SIGMOID_KERAS2, lstm.recurrentActivation());
    }
    assertEquals(Activation.SIGMOID, model.denseLayers().get(0).activation());
    assertEquals(List.of(41856L, 74112L, 97L), params(model), "Keras summary: 4·(12·96+96·96+96), 4·(96·96+96·96+96), 97");
    assertEquals(116065L, model.paramCount());
  }

  /**
   * The only oracle that exercises the recurrence: 283 sequences and Keras' predictions. Theano-era
   * Keras 2 stored recurrent kernels as TensorFlow does (no transposition); this checks it.
   */
  @Test
  void dl4jFullconfigsLstmReproducesKerasPredictions() throws IOException {
    RnnModel model = fullconfigsLstm();
    WeightArray expected = NpyArrays.parse("predictions", Files.readAllBytes(SharedData.require(
        FULL_LSTM + "predictions.npy")));
    int rows = expected.size();
    float[] inputs = new float[rows * 4 * 12];
    for (int i = 0; i < rows; i++) {
      List<String> lines = Files.readAllLines(SharedData.require(FULL_LSTM + "data/sequences/" + i + ".csv"));
      assertEquals(4, lines.size(), "sequence " + i);
      for (int t = 0; t < 4; t++) {
        String[] columns = lines.get(t).split(";");
        for (int d = 0; d < 12; d++) {
          inputs[(i * 4 + t) * 12 + d] = Float.parseFloat(columns[d]);
        }
      }
    }
    float[] predictions = new float[rows];
    new ForwardPass(model).score(inputs, rows, 4, predictions);
    for (int i = 0; i < rows; i++) {
      assertEquals(expected.get(i), predictions[i], 1e-5, "sequence " + i);
    }
  }

  /** Keras' own predictions of the two other dl4j examples (1 timestep: the recurrence is not exercised). */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"simple_flatten_rnn/simple_flatten_rnn", "simple_flatten_lstm/simple_flatten_lstm"})
  void dl4jExamplesReproduceKerasPredictions(String example) throws IOException {
    String prefix = DL4J + "examples/" + example + "_tf_keras_2_";
    RnnModel model = ModelReader.read("model.h5", Files.readAllBytes(SharedData.require(prefix + "model.h5")));
    String input = example.contains("lstm") ? "inputs/lstm_1_input" : "inputs/simple_rnn_1_input";
    float[] inputs;
    float[] expected;
    int[] shape;
    try (HdfFile data = new HdfFile(SharedData.require(prefix + "inputs_and_outputs.h5"))) {
      shape = data.getDatasetByPath(input).getDimensions();
      inputs = (float[]) data.getDatasetByPath(input).getDataFlat();
      expected = (float[]) data.getDatasetByPath("predictions/dense_1").getDataFlat();
    }
    float[] predictions = new float[shape[0]];
    new ForwardPass(model).score(inputs, shape[0], shape[1], predictions);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], predictions[i], 1e-5, "row " + i);
    }
  }

  private static List<String> classes(RnnModel model) {
    return model.layers().stream().map(Layer::kerasClass).collect(Collectors.toList());
  }

  private static List<String> names(RnnModel model) {
    return model.layers().stream().map(Layer::name).collect(Collectors.toList());
  }

  private static List<Long> params(RnnModel model) {
    return model.layers().stream().map(Layer::paramCount).collect(Collectors.toList());
  }

  private static final String KERAS1_LSTM = DL4J + "examples/simple_lstm/simple_lstm_tf_keras_1_";

  /**
   * Keras 1.2.2's LSTM(50) → Dense(1): per-gate weights saved i, c, f, o, fused by name into
   * Keras 2's i, f, c, o; Keras' own predictions of 100 rows. (One timestep, so only the input
   * kernel and bias of each gate act; a gate mix-up still shows, as the gates differ.)
   */
  @Test
  void dl4jKeras1LstmReproducesKerasPredictions() throws IOException {
    RnnModel model = ModelReader.read("keras1.h5", Files.readAllBytes(SharedData.require(KERAS1_LSTM + "model.h5")));
    assertEquals(List.of("LSTM", "Dense"), classes(model));
    assertEquals(List.of("lstm_1", "dense_1"), names(model));
    assertEquals(List.of(4L * (50 * 1 + 50 * 50 + 50), 51L), params(model));
    LstmLayer lstm = (LstmLayer) model.layers().get(0);
    assertEquals(Activation.HARD_SIGMOID_KERAS2, lstm.recurrentActivation(), "Keras 1's inner_activation");
    float[] inputs;
    float[] expected;
    int[] shape;
    try (HdfFile data = new HdfFile(SharedData.require(KERAS1_LSTM + "inputs_and_outputs.h5"))) {
      shape = data.getDatasetByPath("inputs/lstm_input_1").getDimensions();
      inputs = (float[]) data.getDatasetByPath("inputs/lstm_input_1").getDataFlat();
      expected = (float[]) data.getDatasetByPath("predictions/dense_1").getDataFlat();
    }
    assertEquals(100, shape[0]);
    float[] predictions = new float[shape[0]];
    new ForwardPass(model).score(inputs, shape[0], shape[1], predictions);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], predictions[i], 1e-5 + 1e-4 * Math.abs(expected[i]), "row " + i);
    }
  }

  /** The same model as Keras 1's to_json() + save_weights() pair reads the same. */
  @Test
  void dl4jKeras1JsonAndWeightsPairIsTheFullModel() throws IOException {
    RnnModel full = ModelReader.read("keras1.h5", Files.readAllBytes(SharedData.require(KERAS1_LSTM + "model.h5")));
    RnnModel pair = ModelReader.read("config.json", Files.readAllBytes(SharedData.require(KERAS1_LSTM + "config.json")),
        "weights.h5", Files.readAllBytes(SharedData.require(KERAS1_LSTM + "weights.h5")), ReadOptions.DEFAULTS);
    ModelAssertions.assertSameModel(full, pair);
  }

  /** keras-js SimpleRNN fixtures in scope: not stateful, not go_backwards, last step only. */
  @Test
  void kerasJsSimpleRnnCases() throws IOException {
    Path fixtures = SharedData.require(KERAS_JS + "test/data/layers/recurrent/SimpleRNN.json");
    Path configs = SharedData.require(KERAS_JS + "recurrent_configs.transcribed.json");
    ObjectMapper json = new ObjectMapper();
    JsonNode data = json.readTree(fixtures.toFile());
    List<String> ran = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (JsonNode config : json.readTree(configs.toFile()).get("SimpleRNN")) {
      String key = config.get("key").asText();
      if (config.get("stateful").asBoolean() || config.get("go_backwards").asBoolean()
          || config.get("return_sequences").asBoolean()) {
        skipped.add(key);
        continue;
      }
      JsonNode fixture = data.get(key);
      int timesteps = config.get("input_shape").get(0).asInt();
      int d = config.get("input_shape").get(1).asInt();
      int units = config.get("units").asInt();
      JsonNode weights = fixture.get("weights");
      boolean bias = config.get("use_bias").asBoolean();
      assertEquals(bias ? 3 : 2, weights.size(), key);
      SimpleRnnLayer rnn = new SimpleRnnLayer("simple_rnn", units, weight("kernel", weights.get(0)),
          weight("recurrent_kernel", weights.get(1)), bias ? weight("bias", weights.get(2)) : null,
          Activation.fromKerasName(config.get("activation").asText(), 2));
      RnnModel model = new RnnModel(null, timesteps, List.of(rnn));
      assertEquals(d, model.inputWidth(), key);
      float[] input = values(fixture.get("input"));
      float[] expected = values(fixture.get("expected"));
      float[] actual = new float[units];
      new ForwardPass(model).score(input, 1, timesteps, actual);
      for (int i = 0; i < units; i++) {
        assertEquals(expected[i], actual[i], 1e-5, key + " unit " + i);
      }
      ran.add(key);
    }
    System.out.println("keras-js SimpleRNN cases ran: " + ran + "; out of scope (stateful/go_backwards/"
        + "return_sequences): " + skipped);
    assertEquals(List.of("recurrent.SimpleRNN.0", "recurrent.SimpleRNN.1"), ran,
        "the in-scope cases of the transcribed configs");
  }

  private static WeightArray weight(String name, JsonNode node) {
    int[] shape = new int[node.get("shape").size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = node.get("shape").get(i).asInt();
    }
    return new WeightArray(name, shape, values(node));
  }

  private static float[] values(JsonNode node) {
    JsonNode data = node.get("data");
    float[] values = new float[data.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) data.get(i).asDouble();
    }
    return values;
  }
}
