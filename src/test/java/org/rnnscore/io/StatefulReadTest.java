package org.rnnscore.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnnscore.testing.ModelAssertions.assertSameModel;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnscore.kernel.ForwardPass;
import org.rnnscore.kernel.ReferenceForwardPass;
import org.rnnscore.model.Activation;
import org.rnnscore.model.BidirectionalLayer;
import org.rnnscore.model.BidirectionalLayer.MergeMode;
import org.rnnscore.model.RecurrentLayer;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.Sequencing;
import org.rnnscore.testing.KerasFileWriter;
import org.rnnscore.testing.RandomModels;

/**
 * stateful=True layers (trained with a fixed batch size) are read, not refused, and each row is
 * scored from the zero state: Keras' output for that row alone after reset_states().
 */
class StatefulReadTest {
  @TempDir
  Path dir;

  private static final int T = 6;
  private static final int D = 3;

  /** Stateful LSTM(4, sequences) → stateful GRU(5) → Dense(2); {@code stateful} false gives its stateless twin. */
  static RnnModel model(boolean stateful) {
    Random random = new Random(77);
    return new RnnModel(null, T, List.of(
        RandomModels.recurrent(random, "LSTM", "lstm", D, 4, true, Activation.TANH, Activation.SIGMOID, false,
            new Sequencing(true, false, false, stateful)),
        RandomModels.recurrent(random, "GRU", "gru", 4, 5, true, Activation.TANH, Activation.SIGMOID, true,
            new Sequencing(false, false, false, stateful)),
        RandomModels.dense(random, "dense", 5, 2, true, Activation.LINEAR)));
  }

  /** tf.keras' config for it, with the fixed batch size a stateful model is built with. */
  static ObjectNode statefulConfig() {
    ObjectNode config = KerasFileWriter.legacyModelConfig(model(true));
    ArrayNode shape = (ArrayNode) config.get("config").get("layers").get(0).get("config").get("batch_input_shape");
    shape.set(0, 512);
    return config;
  }

  RnnModel readLegacy(String config, RnnModel weightsOf) throws IOException {
    Path file = dir.resolve("m.h5");
    KerasFileWriter.writeLegacyH5(file, weightsOf, config);
    return ModelReader.read("m.h5", Files.readAllBytes(file), ReadOptions.DEFAULTS);
  }

  @Test
  void read_statefulLegacyH5_readsTheLayersAsStateful() throws IOException {
    RnnModel read = readLegacy(statefulConfig().toString(), model(true));
    assertSameModel(model(true), read);
    assertEquals("tanh/sigmoid, return_sequences, stateful=True: scored from the zero state per row",
        read.layers().get(0).details());
    assertTrue(read.layers().get(1).details().endsWith(", " + RecurrentLayer.STATEFUL_DETAILS),
        read.layers().get(1).details());
  }

  @Test
  void read_statefulKeras3_readsTheLayersAsStateful() throws IOException {
    Path file = dir.resolve("m.keras");
    KerasFileWriter.writeKerasV3(file, model(true));
    assertSameModel(model(true), ModelReader.read("m.keras", Files.readAllBytes(file), ReadOptions.DEFAULTS));
  }

  /** Rows scored together equal each row scored alone from zero states (the reference), not chained. */
  @Test
  void score_statefulModel_eachRowFromTheZeroState() throws IOException {
    RnnModel read = readLegacy(statefulConfig().toString(), model(true));
    int rows = 5;
    Random random = new Random(5);
    float[] inputs = new float[rows * T * D];
    for (int i = 0; i < inputs.length; i++) {
      inputs[i] = (float) random.nextGaussian();
    }
    float[] together = new float[rows * 2];
    new ForwardPass(read).score(inputs, rows, T, together);
    for (int r = 0; r < rows; r++) {
      double[][] row = new double[T][D];
      for (int t = 0; t < T; t++) {
        for (int d = 0; d < D; d++) {
          row[t][d] = inputs[(r * T + t) * D + d];
        }
      }
      double[] alone = ReferenceForwardPass.forwardRow(model(false), row, null);
      for (int k = 0; k < 2; k++) {
        assertEquals(alone[k], together[r * 2 + k], 1e-5 + 1e-4 * Math.abs(alone[k]), "row " + r + " output " + k);
      }
    }
  }

  @Test
  void read_statefulInsideBidirectional_readsBothHalvesAsStateful() throws IOException {
    BidirectionalLayer bidirectional = RandomModels.bidirectional(new Random(3), "bidirectional", "lstm", "LSTM", D, 4,
        MergeMode.CONCAT, false, true, false);
    RnnModel model = new RnnModel(null, T, List.of(bidirectional, RandomModels.dense(new Random(4), "dense", 8, 1,
        true, Activation.LINEAR)));
    ObjectNode config = KerasFileWriter.legacyModelConfig(model);
    ((ObjectNode) config.get("config").get("layers").get(1).get("config").get("layer").get("config"))
        .put("stateful", true);
    BidirectionalLayer read = (BidirectionalLayer) readLegacy(config.toString(), model).layers().get(0);
    assertTrue(read.forward().sequencing().stateful());
    assertTrue(read.backward().sequencing().stateful());
  }
}
