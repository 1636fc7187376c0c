package org.rnnscore.io;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The oracle fixtures of src/test/resources/oracle (made by make_fixtures.py there; caveats in
 * FIXTURES.md): one small Keras 2 .h5 per layer and option value, 16 ragged rows, and TensorFlow.js'
 * outputs for them. Each file is read through {@link ModelReader}, each row scored at its own
 * length, and every value compared within 1e-5 + 1e-4·|expected|.
 */
class OracleFixturesTest {
  private static Path root() throws URISyntaxException {
    URL url = OracleFixturesTest.class.getResource("/oracle");
    if (url == null) {
      throw new IllegalStateException("no oracle/ folder on the test classpath (src/test/resources/oracle)");
    }
    return Path.of(url.toURI());
  }

  static List<String> fixtures() throws IOException, URISyntaxException {
    try (Stream<Path> dirs = Files.list(root())) {
      return dirs.filter(d -> Files.isRegularFile(d.resolve("model.h5")))
          .map(d -> d.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void fixtures_areThere() throws IOException, URISyntaxException {
    // guards against a resources layout change silently turning the parameterized test into zero cases
    assertTrue(fixtures().size() >= 60, "oracle fixtures found: " + fixtures());
  }

  /**
   * Fixtures of what this version refuses, by name, with the refusal they must get (the oracle's
   * outputs stay beside them for the version that runs them): Concatenate over the time axis.
   */
  private static final java.util.Map<String, String> REFUSED = java.util.Map.of("concat_time_axis",
      "model.h5: layer 'concatenate' (Concatenate) has axis 1 for inputs (None, None, 4); this version concatenates"
          + " only over the features (axis -1 or 2), not over timesteps");

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void score_fixture_matchesTheOracle(String name) throws IOException, URISyntaxException {
    Path dir = root().resolve(name);
    if (REFUSED.containsKey(name)) {
      org.rnnscore.model.ModelFormatException e = org.junit.jupiter.api.Assertions.assertThrows(
          org.rnnscore.model.ModelFormatException.class,
          () -> ModelReader.read("model.h5", Files.readAllBytes(dir.resolve("model.h5"))));
      org.junit.jupiter.api.Assertions.assertEquals(REFUSED.get(name), e.getMessage());
      return;
    }
    OracleComparison.assertMatches(name, dir.resolve("model.h5"), dir.resolve("input.json"),
        dir.resolve("expected.json"), 16);
  }
}
