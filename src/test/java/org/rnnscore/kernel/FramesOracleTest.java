package org.rnnscore.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rnnscore.io.ModelReader;
import org.rnnscore.model.Frame;
import org.rnnscore.model.RnnModel;
import org.rnnscore.testing.FrameModels;
import org.rnnscore.testing.KerasFileWriter;

/**
 * Per-step image models against TensorFlow.js' layers (the oracle in ../shared/tfjs-oracle): the
 * fixtures in {@code src/test/resources/oracle/frames/<case>/} hold the Keras files our writer
 * made, 16 ragged rows and tfjs' predictions; {@code make.sh} there made them (CI does not run
 * node). Tolerance |got − expected| ≤ 1e-5 + 1e-4·|expected|.
 */
class FramesOracleTest {
  static final Path FIXTURES = Paths.get("src/test/resources/oracle/frames");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The fixture models: one per option value of TimeDistributed Conv2D / pooling. */
  static Map<String, RnnModel> models() {
    return Map.of(
        "same-strides2-max", FrameModels.model(31, 0, new Frame(9, 7, 3), "LSTM", 5, 3,
            "conv:4:3,3:2,2:1,1:same:relu", "max:2,2:2,2:valid"),
        "valid-dilation-avg-same-nobias", FrameModels.model(32, 0, new Frame(8, 9, 2), "GRU", 4, 2,
            "conv:3:2,3:1,1:2,2:valid:tanh:nobias", "avg:3,3:1,1:same", "conv:2:1,1:1,1:1,1:valid:linear"),
        "even-kernel-same-max-same", FrameModels.model(33, 0, new Frame(6, 7, 2), "SimpleRNN", 3, 2,
            "conv:3:4,4:2,2:1,1:same:sigmoid", "max:3,3:2,2:same"));
  }

  static int[] lengths() {
    int[] lengths = new int[16];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = 1 + (i * 7) % 5;
    }
    return lengths;
  }

  /** Writes the fixtures' Keras files and rows (make.sh runs this, then the oracle). */
  @Test
  void writeFixtures() throws IOException {
    String out = System.getProperty("rnnscore.writeFramesFixtures");
    Assumptions.assumeTrue(out != null, "set -Drnnscore.writeFramesFixtures=DIR to write the fixtures");
    for (Map.Entry<String, RnnModel> e : models().entrySet()) {
      Path dir = Paths.get(out, e.getKey());
      Files.createDirectories(dir);
      KerasFileWriter.writeLegacyH5(dir.resolve("model.h5"), e.getValue());
      KerasFileWriter.writeKerasV3(dir.resolve("model.keras"), e.getValue());
      Frame frame = e.getValue().inputFrame();
      double[][][] x = FrameModels.rows(e.getKey().hashCode(), lengths(), frame);
      StringBuilder lines = new StringBuilder();
      for (int id = 0; id < x.length; id++) {
        List<Object> steps = new ArrayList<>();
        for (double[] step : x[id]) {
          List<Object> rows = new ArrayList<>();
          for (int i = 0; i < frame.height(); i++) {
            List<Object> pixels = new ArrayList<>();
            for (int j = 0; j < frame.width(); j++) {
              List<Float> channels = new ArrayList<>();
              for (int c = 0; c < frame.channels(); c++) {
                channels.add((float) step[(i * frame.width() + j) * frame.channels() + c]);
              }
              pixels.add(channels);
            }
            rows.add(pixels);
          }
          steps.add(rows);
        }
        lines.append(JSON.writeValueAsString(Map.of("id", id, "features", steps))).append('\n');
      }
      Files.writeString(dir.resolve("input.jsonl"), lines.toString());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"same-strides2-max", "valid-dilation-avg-same-nobias", "even-kernel-same-max-same"})
  void forwardPass_matchesTfjs(String name) throws IOException {
    Path dir = FIXTURES.resolve(name);
    JsonNode expected = JSON.readTree(dir.resolve("expected.json").toFile());
    for (String file : List.of("model.h5", "model.keras")) {
      RnnModel model = ModelReader.read(file, Files.readAllBytes(dir.resolve(file)));
      int n = 0;
      for (String line : Files.readAllLines(dir.resolve("input.jsonl"), StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode row = JSON.readTree(line);
        List<Float> values = new ArrayList<>();
        collect(row.get("features"), values);
        int steps = row.get("features").size();
        float[] flat = new float[values.size()];
        for (int i = 0; i < flat.length; i++) {
          flat[i] = values.get(i);
        }
        float[] got = new ForwardPass(model).score(flat, new int[] {0}, new int[] {steps}, 1)[0];
        JsonNode want = expected.get(row.get("id").asText());
        assertEquals(want.size(), got.length, name + " " + file + " row " + row.get("id"));
        for (int i = 0; i < got.length; i++) {
          double e = want.get(i).asDouble();
          double tol = 1e-5 + 1e-4 * Math.abs(e);
          assertTrue(Math.abs(got[i] - e) <= tol, name + " " + file + " row " + row.get("id") + " value " + i
              + ": rnnscore " + got[i] + ", tfjs " + e);
        }
        n++;
      }
      assertEquals(16, n, "rows in the fixture");
    }
  }

  private static void collect(JsonNode node, List<Float> out) {
    if (node.isArray()) {
      node.forEach(child -> collect(child, out));
    } else {
      out.add((float) node.asDouble());
    }
  }
}
