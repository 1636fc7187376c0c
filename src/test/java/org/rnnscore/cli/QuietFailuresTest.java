package org.rnnscore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnscore.job.SharedSpark;

/**
 * A user error ends with rnnscore's message alone: a bad row is not retried by Spark (a
 * deterministic error would fail every attempt, each logged with its trace), and Spark's log is
 * off unless --verbose.
 */
class QuietFailuresTest {
  private static final Path SAMPLE = Path.of("sample-data");
  private static final String MESSAGE = "rnnscore: file:.*\\.parquet: row [0-9]+ \\(id=57\\): timestep 0 has 2"
      + " features, model expects 3 \\(wrong_width\\); the input has 1 bad row in all \\(wrong_width: 1\\); nothing"
      + " was written\\. Score the good ones with --on-bad-row quarantine --rejects PATH\n";

  @TempDir
  Path dir;

  /** Four files of 50 rows; row 7 of the second (id 57) has two features where the model takes three. */
  private Path inputWithOneBadRow(SparkSession spark) {
    Path input = dir.resolve("in");
    spark.sql("SELECT id, IF(id = 57, array(array(1f, 2f)), array(array(1f, 2f, 3f), array(0f, 1f, 0f)))"
        + " AS features FROM range(0, 200, 1, 4)").write().parquet(input.toString());
    return input;
  }

  @Test
  void score_badRowInLocalWithRetries_noTaskAttemptRetriedAndOnlyTheMessageOnStderr() throws Exception {
    SparkSession spark = SharedSpark.get(); // local[2,3]: a failed task is tried 3 times
    Path input = inputWithOneBadRow(spark);
    SparkWatch.TaskAttempts attempts = new SparkWatch.TaskAttempts();
    spark.sparkContext().addSparkListener(attempts); // the command runs in this session (getOrCreate)
    CliRun run;
    List<String> sparkLog;
    Path metrics = dir.resolve("metrics.json");
    try (SparkWatch.LogCapture log = new SparkWatch.LogCapture()) {
      run = CliRun.of("score", "--model", SAMPLE.resolve("model.npz").toString(), "--input", input.toString(),
          "--output", dir.resolve("out").toString(), "--master", "local[2,3]", "--quiet", "--metrics",
          metrics.toString());
      sparkLog = log.foreign();
    }

    assertFalse(attempts.attempts.isEmpty(), "the listener saw the job's tasks");
    assertEquals(0, attempts.attempts.stream().mapToInt(Integer::intValue).max().getAsInt(),
        "task attempt numbers " + attempts.attempts);
    assertEquals(4, run.code(), run.err());
    assertTrue(run.err().matches(MESSAGE), run.err());
    assertEquals(List.of(), sparkLog, "Spark's log is off for a user error");
    assertTrue(Files.notExists(dir.resolve("out")));
    String report = Files.readString(metrics);
    assertTrue(report.contains("\"error_detail\" : \"org.rnnscore.job.BadRowException: file:"), report);
    assertTrue(report.contains("\\tat org.rnnscore."), "the stack trace: " + report);
  }

  @Test
  void score_badRowWithVerbose_sparksLogAndTheTraceOnStderr() throws Exception {
    Path input = inputWithOneBadRow(SharedSpark.get());
    CliRun run;
    try (SparkWatch.LogCapture log = new SparkWatch.LogCapture()) {
      run = CliRun.of("score", "--verbose", "--model", SAMPLE.resolve("model.npz").toString(), "--input",
          input.toString(), "--output", dir.resolve("out").toString(), "--quiet");
      assertFalse(log.foreign().isEmpty(), "Spark's log as configured (at least its warnings)");
    }
    assertEquals(4, run.code(), run.err());
    assertTrue(run.err().startsWith("rnnscore: file:"), run.err());
    assertTrue(run.err().contains("\n\tat org.rnnscore."), "the trace: " + run.err());
  }
}
