package org.rnnscore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Item 19: a credential given with --conf is in no output footer, metrics file or message. */
class SecretsRedactionTest {
  private static final Path SAMPLE = Path.of("sample-data");
  private static final String SECRET = "SUPERSECRET";

  @TempDir
  Path dir;

  @Test
  void score_secretConf_redactedInEveryFooterAndTheMetrics() throws Exception {
    Path output = dir.resolve("out");
    Path metrics = dir.resolve("m.json");
    CliRun run = CliRun.of("score", "--model", SAMPLE.resolve("model.h5").toString(), "--input",
        SAMPLE.resolve("input.parquet").toString(), "--output", output.toString(), "--output-files", "2", "--quiet",
        "--conf", "spark.hadoop.fs.s3a.secret.key=" + SECRET, "--metrics", metrics.toString());
    assertEquals(0, run.code(), run.err());
    assertFalse(run.err().contains(SECRET), run.err());

    List<Path> files;
    try (Stream<Path> listed = Files.list(output)) {
      files = listed.filter(p -> p.toString().endsWith(".parquet")).toList();
    }
    assertEquals(2, files.size());
    for (Path file : files) {
      try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(
          new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
        Map<String, String> footer = reader.getFooter().getFileMetaData().getKeyValueMetaData();
        String all = footer.toString();
        assertFalse(all.contains(SECRET), file + ": " + all);
        assertTrue(all.contains("--conf spark.hadoop.fs.s3a.secret.key=*********(redacted)"), file + ": " + all);
      }
    }
    assertFalse(Files.readString(metrics).contains(SECRET));
  }

  @Test
  void score_secretConfInAFailure_redactedInTheMessageAndMetrics() throws Exception {
    Path metrics = dir.resolve("m.json");
    // The secret is also the (missing) model's name, so that the error message would carry it.
    CliRun run = CliRun.of("score", "--model", dir.resolve(SECRET + ".h5").toString(), "--input", "in", "--output",
        dir.resolve("out").toString(), "--conf", "spark.hadoop.fs.s3a.secret.key=" + SECRET, "--metrics",
        metrics.toString());
    assertEquals(2, run.code(), run.err());
    assertEquals("rnnscore: --model " + dir.resolve("*********(redacted).h5") + " does not exist\n", run.err());
    String report = Files.readString(metrics);
    assertFalse(report.contains(SECRET), report);
    assertTrue(report.contains("*********(redacted).h5 does not exist"), report);
  }
}
