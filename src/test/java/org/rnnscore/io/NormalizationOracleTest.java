package org.rnnscore.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnnscore.kernel.ForwardPass;
import org.rnnscore.model.RnnModel;
import org.rnnscore.testing.ModelAssertions;

/**
 * The fixtures of src/test/resources/oracle-norm/ (BatchNormalization, LayerNormalization and the
 * activation layers, made by {@link NormalizationOracleFixtures} and make-fixtures.sh there):
 * each model file read as a user's would be, its 16 ragged rows scored one by one, compared with
 * the outputs of TensorFlow.js' own implementation of those Keras layers, within |got − expected|
 * ≤ 1e-5 + 1e-4·|expected|. Not oracle-checked (tfjs does not implement them): ReLU's
 * negative_slope and threshold, ELU's alpha other than 1, Keras 3's LeakyReLU negative_slope
 * spelling (read in {@code NormalizationKindsTest}); those rest on the reference.
 */
class NormalizationOracleTest {
  private static final Path DIR = Path.of("src/test/resources/oracle-norm");
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<Integer> fixtures() {
    return IntStream.range(0, NormalizationOracleFixtures.FIXTURES.size()).boxed();
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void score_fixture_matchesTfjs(int index) throws IOException {
    NormalizationOracleFixtures.Fixture fixture = NormalizationOracleFixtures.FIXTURES.get(index);
    Path dir = DIR.resolve(fixture.name());
    String file = "model." + fixture.format();
    RnnModel model = ModelReader.read(file, Files.readAllBytes(dir.resolve(file)));
    // The file holds the seeded model: what was written is what is read.
    ModelAssertions.assertSameModel(NormalizationOracleFixtures.model(index), model);
    JsonNode expected = JSON.readTree(dir.resolve("expected.json").toFile());
    List<String> lines = Files.readAllLines(dir.resolve("input.json"));
    assertEquals(NormalizationOracleFixtures.ROWS, lines.size(), fixture.name() + ": rows");
    double worst = 0;
    for (String line : lines) {
      JsonNode row = JSON.readTree(line);
      List<Float> values = new ArrayList<>();
      row.get("features").forEach(step -> step.forEach(v -> values.add(v.floatValue())));
      float[] flat = new float[values.size()];
      for (int i = 0; i < flat.length; i++) {
        flat[i] = values.get(i);
      }
      float[] got = new ForwardPass(model).score(flat, new int[] {0}, new int[] {row.get("features").size()}, 1)[0];
      List<Double> want = new ArrayList<>();
      collect(expected.get(row.get("id").asText()), want);
      assertEquals(want.size(), got.length, fixture.name() + " row " + row.get("id") + ": values");
      for (int i = 0; i < got.length; i++) {
        double e = want.get(i);
        double diff = Math.abs(got[i] - e);
        worst = Math.max(worst, diff);
        assertTrue(diff <= 1e-5 + 1e-4 * Math.abs(e), fixture.name() + " row " + row.get("id") + " value " + i
            + ": rnnscore " + got[i] + ", tfjs " + e);
      }
    }
    System.out.println("oracle-norm " + fixture.name() + ": worst |diff| " + worst);
  }

  private static void collect(JsonNode node, List<Double> out) {
    if (node.isArray()) {
      node.forEach(child -> collect(child, out));
    } else {
      out.add(node.asDouble());
    }
  }
}
