package org.rnnscore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnscore.model.Activation;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.Sequencing;
import org.rnnscore.testing.KerasFileWriter;
import org.rnnscore.testing.RandomModels;

/** A stateful=True model (trained with a fixed batch size) scores, and the run report lists its stateful layers. */
class StatefulScoreCliTest {
  private static final Path SAMPLE = Path.of("sample-data");

  @TempDir
  Path dir;

  @Test
  void score_statefulModel_scoredAndListedInTheMetrics() throws Exception {
    Random random = new Random(5);
    RnnModel model = new RnnModel(null, 10, List.of(
        RandomModels.recurrent(random, "GRU", "gru", 3, 4, true, Activation.TANH, Activation.SIGMOID, true,
            new Sequencing(true, false, false, true)),
        RandomModels.recurrent(random, "LSTM", "lstm", 4, 5, true, Activation.TANH, Activation.SIGMOID, false,
            new Sequencing(false, false, false, false)),
        RandomModels.dense(random, "dense", 5, 2, true, Activation.LINEAR)));
    ObjectNode config = KerasFileWriter.legacyModelConfig(model);
    ArrayNode shape = (ArrayNode) config.get("config").get("layers").get(0).get("config").get("batch_input_shape");
    shape.set(0, 32); // the fixed batch size a stateful model is built with
    Path file = dir.resolve("stateful.h5");
    KerasFileWriter.writeLegacyH5(file, model, config.toString());
    Path metrics = dir.resolve("m.json");

    CliRun run = CliRun.of("score", "--model", file.toString(), "--input", SAMPLE.resolve("input.parquet").toString(),
        "--output", dir.resolve("out").toString(), "--quiet", "--metrics", metrics.toString());

    assertEquals(0, run.code(), run.err());
    JsonNode report = new ObjectMapper().readTree(metrics.toFile());
    assertEquals("[\"gru\"]", report.get("model").get("stateful_layers").toString());
    assertEquals(1000, report.get("rows_scored").asLong());
  }
}
