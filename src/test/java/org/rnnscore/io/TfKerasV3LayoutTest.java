package org.rnnscore.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.rnnscore.testing.ModelAssertions.assertSameModel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rnnscore.model.Activation;
import org.rnnscore.model.BidirectionalLayer.MergeMode;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.Sequencing;
import org.rnnscore.model.WeightArray;
import org.rnnscore.testing.KerasFileWriter;
import org.rnnscore.testing.RandomModels;

/**
 * tf.keras 2.13–2.15 .keras zips: a Keras 2 config in the v3 zip, the weight groups under
 * _layer_checkpoint_dependencies, nested or (saved on Windows) joined with backslashes, counted
 * plainly or with each layer that has weights counted twice.
 */
class TfKerasV3LayoutTest {
  @TempDir
  Path dir;

  /** Two LSTMs, two Dense layers and a Bidirectional GRU: every class repeats or nests, so every path rule is used. */
  static RnnModel model() {
    Random random = new Random(213);
    Sequencing sequences = new Sequencing(true, false, false);
    return new RnnModel(null, 5, List.of(
        RandomModels.recurrent(random, "LSTM", "lstm", 3, 4, true, Activation.TANH, Activation.SIGMOID, false, sequences),
        RandomModels.recurrent(random, "LSTM", "lstm_1", 4, 6, true, Activation.TANH, Activation.SIGMOID, false,
            sequences),
        RandomModels.bidirectional(random, "bidirectional", "gru", "GRU", 6, 2, MergeMode.CONCAT, false, true, false),
        RandomModels.dense(random, "dense", 4, 7, true, Activation.RELU),
        RandomModels.dense(random, "dense_1", 7, 2, false, Activation.SIGMOID)));
  }

  RnnModel write(char separator, boolean doubled) throws IOException {
    Path file = dir.resolve("m.keras");
    KerasFileWriter.writeTfKerasV3(file, model(), separator, doubled);
    return ModelReader.read("m.keras", Files.readAllBytes(file), ReadOptions.DEFAULTS);
  }

  @ParameterizedTest(name = "separator {0}, doubled ordinals {1}")
  @CsvSource({"/, false", "/, true", "\\, false", "\\, true"})
  void read_tfKeras213Layout_givesTheModel(char separator, boolean doubled) throws IOException {
    RnnModel read = write(separator, doubled);
    assertSameModel(model(), read);
    assertEquals("lstm_input", read.inputName(), "the Keras 2 config's InputLayer name");
  }

  /** tf.keras 2.13's to_json() + save_weights("w.weights.h5"), saved on Windows: the same groups, found alone. */
  @Test
  void read_jsonAndBackslashWeightsH5_givesTheModel() {
    Map<String, List<WeightArray>> vars = new LinkedHashMap<>();
    KerasFileWriter.kerasV3Vars(model()).forEach((group, arrays) ->
        vars.put(KerasFileWriter.checkpointGroup(group, '\\', true), arrays));
    byte[] json = KerasFileWriter.legacyModelConfig(model()).toString().getBytes(StandardCharsets.UTF_8);
    assertSameModel(model(), ModelReader.read("m.json", json, "w.weights.h5", KerasFileWriter.kerasV3Weights(vars),
        ReadOptions.DEFAULTS));
  }

  @Test
  void checkpointGroup_eachLayout_isWhereTfKerasPutsIt() {
    assertEquals("_layer_checkpoint_dependencies/lstm_2/cell/vars",
        KerasFileWriter.checkpointGroup("layers/lstm_1/cell/vars", '/', true));
    assertEquals("_layer_checkpoint_dependencies\\bidirectional\\forward_layer\\cell/vars",
        KerasFileWriter.checkpointGroup("layers/bidirectional/forward_layer/cell/vars", '\\', false));
    assertEquals("_layer_checkpoint_dependencies\\dense_1/vars",
        KerasFileWriter.checkpointGroup("layers/dense_1/vars", '\\', false));
  }

  @Test
  void read_backslashLayoutMissingAGroup_namesThePathAsSaved() throws IOException {
    Path file = dir.resolve("m.keras");
    RnnModel model = model();
    Map<String, List<WeightArray>> vars = new LinkedHashMap<>();
    KerasFileWriter.kerasV3Vars(model).forEach((group, arrays) -> {
      if (!group.startsWith("layers/dense_1/")) {
        vars.put(KerasFileWriter.checkpointGroup(group, '\\', false), arrays);
      }
    });
    String config = KerasFileWriter.legacyModelConfig(model).toString();
    KerasFileWriter.writeKerasV3(file, config, vars, KerasFileWriter.TF_KERAS_V3_VERSION);
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> ModelReader.read("m.keras", Files.readAllBytes(file), ReadOptions.DEFAULTS));
    assertEquals("m.keras: model.weights.h5 has no group _layer_checkpoint_dependencies\\dense_1/vars for layer"
        + " 'dense_1' (2nd Dense in layer order; Keras 3 files name weight groups by class and position, not by layer"
        + " name)", e.getMessage());
  }
}
