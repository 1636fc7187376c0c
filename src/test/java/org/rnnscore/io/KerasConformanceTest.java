package org.rnnscore.io;

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
import org.junit.jupiter.api.Test;
import org.rnnscore.kernel.ForwardPass;
import org.rnnscore.model.Activation;
import org.rnnscore.model.DenseLayer;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.SimpleRnnLayer;
import org.rnnscore.model.WeightArray;
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
    SimpleRnnLayer rnn = model.recurrent();
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

  /** The same model saved as a weights-only h5: refused, with the reason. */
  @Test
  void dl4jWeightsOnlyFileIsRefused() throws IOException {
    Path file = SharedData.require(SIMPLE_RNN + "weights.h5");
    ModelFormatException e = org.junit.jupiter.api.Assertions.assertThrows(ModelFormatException.class,
        () -> ModelReader.read("weights.h5", Files.readAllBytes(file)));
    assertEquals("weights.h5: has no model_config attribute: it holds weights only (saved with save_weights); this"
        + " version needs the whole model, saved with model.save(\"model.h5\")", e.getMessage());
  }

  /** A real Keras 2 file of a model this version does not score (LSTM): refused by name. */
  @Test
  void dl4jLstmModelIsRefused() throws IOException {
    Path file = SharedData.require(DL4J + "examples/simple_flatten_lstm/simple_flatten_lstm_tf_keras_2_model.h5");
    ModelFormatException e = org.junit.jupiter.api.Assertions.assertThrows(ModelFormatException.class,
        () -> ModelReader.read("lstm.h5", Files.readAllBytes(file)));
    assertEquals("lstm.h5: layer 'lstm_1' has type LSTM, which this version does not support; " + KerasConfig.SUPPORTED,
        e.getMessage());
  }

  /** A real Keras 2 file with return_sequences=True then Flatten: refused for the option, not a wrong score. */
  @Test
  void dl4jFlattenRnnModelIsRefused() throws IOException {
    Path file = SharedData.require(DL4J + "examples/simple_flatten_rnn/simple_flatten_rnn_tf_keras_2_model.h5");
    ModelFormatException e = org.junit.jupiter.api.Assertions.assertThrows(ModelFormatException.class,
        () -> ModelReader.read("flatten.h5", Files.readAllBytes(file)));
    assertTrue(e.getMessage().startsWith("flatten.h5: layer 'flatten_1' has type Flatten, which this version does not"
        + " support"), e.getMessage());
  }

  @Test
  void dl4jKeras1ModelIsRefused() throws IOException {
    Path file = SharedData.require(DL4J + "examples/simple_lstm/simple_lstm_tf_keras_1_model.h5");
    ModelFormatException e = org.junit.jupiter.api.Assertions.assertThrows(ModelFormatException.class,
        () -> ModelReader.read("keras1.h5", Files.readAllBytes(file)));
    assertTrue(e.getMessage().matches("keras1\\.h5: has keras_version 1\\.[0-9.]+: Keras 1 files are not supported"
        + " \\(their layer configs and weight layout differ\\); re-save the model with Keras 2 or later"), e.getMessage());
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
