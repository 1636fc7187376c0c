package org.rnnscore.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Assumptions;

/**
 * The conformance files in ../shared (real Keras outputs, never copied into the project). Tests
 * that need them are skipped, with the path in the reason, where the directory is absent.
 */
public final class SharedData {
  private SharedData() {}

  public static Path root() {
    return Paths.get(System.getProperty("rnnscore.shared.dir", "../shared"));
  }

  /** The file at {@code relative} under the shared directory, or a skipped test if it is absent. */
  public static Path require(String relative) {
    Path path = root().resolve(relative);
    Assumptions.assumeTrue(Files.isRegularFile(path), () -> "conformance file " + path.toAbsolutePath()
        + " is absent (set -Drnnscore.shared.dir to the shared directory); skipping");
    return path;
  }
}
