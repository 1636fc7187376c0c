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

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void score_fixture_matchesTheOracle(String name) throws IOException, URISyntaxException {
    Path dir = root().resolve(name);
    OracleComparison.assertMatches(name, dir.resolve("model.h5"), dir.resolve("input.json"),
        dir.resolve("expected.json"), 16);
  }
}
