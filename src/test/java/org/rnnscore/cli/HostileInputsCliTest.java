package org.rnnscore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnscore.job.SharedSpark;
import org.rnnscore.testing.KerasFileWriter;

/**
 * Issue 10's items 10, 14 and 24 as a user meets them, through the command line: each refusal is
 * one bounded {@code rnnscore:} line with the exit code of its category, and --metrics says it too.
 */
class HostileInputsCliTest {
  private static final Path SAMPLE = Path.of("sample-data");

  @TempDir
  Path dir;

  /** Item 24: a refusal of a zip with 100,000 entries is one short line, and so is its metrics entry. */
  @Test
  void score_modelZipOf100kEntries_exit3WithABoundedMessageAndMetrics() throws Exception {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    for (int i = 0; i < 100_000; i++) {
      entries.put("layer_" + i + "/vars/0", new byte[0]);
    }
    Path model = dir.resolve("many.keras");
    Files.write(model, KerasFileWriter.zip(entries, false));
    Path metrics = dir.resolve("m.json");

    CliRun run = CliRun.of("score", "--model", model.toString(), "--input",
        SAMPLE.resolve("input.parquet").toString(), "--output", dir.resolve("out").toString(), "--quiet",
        "--metrics", metrics.toString());

    assertEquals(3, run.code(), run.err());
    assertEquals("rnnscore: " + model + ": the zip file has more than 10000 entries, the most rnnscore reads in a"
        + " model file (first entries: layer_0/vars/0, layer_1/vars/0, layer_2/vars/0, layer_3/vars/0, layer_4/vars/0,"
        + " layer_5/vars/0, layer_6/vars/0, layer_7/vars/0, layer_8/vars/0, layer_9/vars/0 and 9990 more (10000 in"
        + " all))\n", run.err());
    String report = Files.readString(metrics);
    assertTrue(report.contains("\"exit_code\" : 3"), report);
    assertTrue(report.length() < 20_000, "the metrics stay small: " + report.length() + " characters");
  }

  /** Item 10: a state column name already taken is a usage error before the scoring pass. */
  @Test
  void score_emitStateWithTheInputHoldingAStateColumn_usageExit2AndNothingWritten() throws Exception {
    Path input = dir.resolve("in");
    SharedSpark.get().read().parquet(SAMPLE.resolve("input.parquet").toString()).limit(3)
        .selectExpr("*", "array(0f) AS state_simple_rnn_h").write().parquet(input.toString());

    CliRun run = CliRun.of("score", "--model", SAMPLE.resolve("model.h5").toString(), "--input", input.toString(),
        "--output", dir.resolve("out").toString(), "--quiet", "--emit-state");

    assertEquals(2, run.code(), run.err());
    assertEquals("rnnscore: --emit-state writes column 'state_simple_rnn_h', but the input already has a column of"
        + " that name (kept in the output); leave it out with --keep, or score without --emit-state\n", run.err());
    assertFalse(Files.exists(dir.resolve("out")));
  }

  /** Item 14: a bad row with a null key is named by its file and its 0-based index there; rejects carry both. */
  @Test
  void score_quarantineOfARowWithANullKey_messageAndRejectsNameItsFileAndRow() throws Exception {
    Path input = dir.resolve("in");
    SharedSpark.get().sql("SELECT CAST(id AS BIGINT) AS id, features FROM VALUES"
        + " (1L, array(array(1f, 2f, 3f))), (CAST(NULL AS BIGINT), array(array(1f, 2f))) AS t(id, features)")
        .coalesce(1).write().parquet(input.toString());
    String file;
    try (var files = Files.list(input)) {
      file = "file:" + files.map(Path::toString).filter(f -> f.endsWith(".parquet")).findFirst().orElseThrow();
    }

    CliRun failed = CliRun.of("score", "--model", SAMPLE.resolve("model.h5").toString(), "--input", input.toString(),
        "--output", dir.resolve("out").toString(), "--quiet");
    assertEquals(4, failed.code(), failed.err());
    assertTrue(failed.err().startsWith("rnnscore: " + file + ": row 1 (id=null): timestep 0 has 2 features, model"
        + " expects 3 (wrong_width)"), failed.err());

    CliRun quarantined = CliRun.of("score", "--model", SAMPLE.resolve("model.h5").toString(), "--input",
        input.toString(), "--output", dir.resolve("out").toString(), "--quiet", "--on-bad-row", "quarantine",
        "--rejects", dir.resolve("rejects").toString());
    assertEquals(0, quarantined.code(), quarantined.err());
    assertEquals("[[null,wrong_width," + file + ",1]]", SharedSpark.get().read().parquet(dir.resolve("rejects")
        .toString()).select("id", "reason_code", "source_file", "source_row").collectAsList().toString());
  }
}
