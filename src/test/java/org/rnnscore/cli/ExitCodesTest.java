package org.rnnscore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exit codes true to their meaning, end to end: usage errors are 2 with --metrics written,
 * checked before Spark starts where no Spark is needed; a committed run is never reported failed.
 */
class ExitCodesTest {
  private static final Path SAMPLE = Path.of("sample-data");

  @TempDir
  Path dir;

  private String[] score(String... more) {
    String[] base = {"score", "--model", SAMPLE.resolve("model.npz").toString(), "--input",
        SAMPLE.resolve("input.parquet").toString(), "--output", dir.resolve("out").toString(), "--quiet"};
    String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  private static String metricsOf(Path file) throws Exception {
    assertTrue(Files.exists(file), "--metrics " + file + " was written");
    return Files.readString(file);
  }

  /** Item 17: a refused model costs no SparkContext. */
  @Test
  void score_refusedModel_exit3WithNoSparkContextStarted() throws Exception {
    Path bogus = dir.resolve("model.h5");
    Files.writeString(bogus, "<html>not a model</html>");
    SparkWatch.stopSpark(); // so that a command starting Spark would make a new context (and its listeners)
    SparkWatch.ContextStarts.STARTED.set(0);
    System.setProperty("spark.extraListeners", SparkWatch.ContextStarts.class.getName());
    CliRun run;
    try {
      run = CliRun.of("score", "--model", bogus.toString(), "--input", SAMPLE.resolve("input.parquet").toString(),
          "--output", dir.resolve("out").toString(), "--metrics", dir.resolve("m.json").toString());
    } finally {
      System.clearProperty("spark.extraListeners");
    }
    assertEquals(3, run.code(), run.err());
    assertTrue(run.err().startsWith("rnnscore: " + bogus + ": "), run.err());
    assertEquals(0, SparkWatch.ContextStarts.STARTED.get(), "SparkContexts started");
    assertTrue(metricsOf(dir.resolve("m.json")).contains("\"exit_code\" : 3"));
  }

  /** Item 18. */
  @Test
  void scoreHelp_maxBadRowsPercent_noPicocliWarning() {
    PrintStream old = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    CliRun run;
    System.setErr(new PrintStream(captured, true)); // picocli's tracer writes to System.err
    try {
      run = CliRun.of("score", "--help");
    } finally {
      System.setErr(old);
    }
    assertEquals(0, run.code());
    assertEquals("", captured.toString());
    assertTrue(run.out().replaceAll("\\s+", " ").contains("more rows than N, or than N% of them, are bad."),
        run.out());
    assertTrue(run.out().contains("--verbose"), run.out());
  }

  /** Item 23. */
  @Test
  void score_configKeysThatAreNoOptions_exit2NamingEachAndTheClosestOption() throws Exception {
    Path config = dir.resolve("rnnscore.properties");
    Files.writeString(config, "on_bad_row=quarantine\nbatchsize=7\nmode=overwrite\n");
    Path metrics = dir.resolve("m.json");
    CliRun run = CliRun.of(score("--config", config.toString(), "--metrics", metrics.toString()));
    assertEquals(2, run.code(), run.err());
    assertEquals("rnnscore: --config " + config + ": 'batchsize' (did you mean 'batch-size'?), 'on_bad_row' (did"
        + " you mean 'on-bad-row'?) are not options of score; keys are its long options without the dashes\n",
        run.err());
    assertTrue(metricsOf(metrics).contains("\"exit_code\" : 2"));
    assertFalse(Files.exists(dir.resolve("out")));
  }

  /** Item 25: picocli's own validation (a value of the wrong type) writes the metrics too. */
  @Test
  void score_optionOfWrongType_exit2WithMetrics() throws Exception {
    Path metrics = dir.resolve("m.json");
    CliRun run = CliRun.of(score("--batch-size", "many", "--metrics", metrics.toString()));
    assertEquals(2, run.code());
    assertTrue(run.err().startsWith("rnnscore: Invalid value for option '--batch-size': 'many' is not an int\n"),
        run.err());
    String report = metricsOf(metrics);
    assertTrue(report.contains("\"status\" : \"failed\""), report);
    assertTrue(report.contains("\"error\" : \"Invalid value for option '--batch-size': 'many' is not an int\""),
        report);
    assertTrue(report.contains("\"exit_code\" : 2"), report);
  }

  /** Item 25: rnnscore's own option checks. */
  @Test
  void score_unknownModeWithMetrics_exit2WithMetrics() throws Exception {
    Path metrics = dir.resolve("m.json");
    CliRun run = CliRun.of(score("--mode", "append", "--metrics", metrics.toString()));
    assertEquals(2, run.code());
    assertEquals("rnnscore: --mode 'append' is not one of: error, overwrite\n", run.err());
    assertTrue(metricsOf(metrics).contains("\"error\" : \"--mode 'append' is not one of: error, overwrite\""));
  }

  /** Item 25. */
  @Test
  void score_masterSparkCannotParse_exit2NamingMasterWithMetrics() throws Exception {
    SparkWatch.stopSpark(); // a running session would be reused, whatever the master
    Path metrics = dir.resolve("m.json");
    CliRun run = CliRun.of(score("--master", "bogus://x", "--metrics", metrics.toString()));
    assertEquals(2, run.code(), run.err());
    assertEquals("rnnscore: --master bogus://x: Spark cannot parse this master URL; expected local[*], local[N],"
        + " local[N,F], spark://HOST:PORT, yarn or k8s://https://HOST:PORT\n", run.err());
    assertTrue(metricsOf(metrics).contains("\"exit_code\" : 2"));
  }

  /** Item 25. */
  @Test
  void score_confWithoutEquals_exit2NamingConf() throws Exception {
    Path metrics = dir.resolve("m.json");
    CliRun run = CliRun.of(score("--conf", "spark.sql.shuffle.partitions", "--metrics", metrics.toString()));
    assertEquals(2, run.code(), run.err());
    assertTrue(run.err().startsWith("rnnscore: Value for option '--conf' (KEY=VALUE) should be in KEY=VALUE format"
        + " but was spark.sql.shuffle.partitions\n"), run.err());
    assertTrue(metricsOf(metrics).contains("\"exit_code\" : 2"));
  }

  /** Item 12: the metrics location is checked before any work. */
  @Test
  void score_metricsUnderARegularFile_exit2BeforeAnyWork() throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "x");
    Path metrics = file.resolve("m.json");
    CliRun run = CliRun.of(score("--metrics", metrics.toString()));
    assertEquals(2, run.code(), run.err());
    assertEquals("rnnscore: --metrics " + metrics + " cannot be written: " + file + " is a file, not a directory\n",
        run.err());
    assertFalse(Files.exists(dir.resolve("out")), "nothing was scored");
  }

  /** Item 12: a committed run is a success, whatever becomes of its report. */
  @Test
  void score_metricsWriteFailsAfterCommit_warningAndExit0() throws Exception {
    // The directory is writable (the probe passes), but the file is a link into a directory that
    // does not exist: the write itself fails, as on a disk that filled up during the run.
    Path metrics = Files.createSymbolicLink(dir.resolve("m.json"), dir.resolve("gone").resolve("m.json"));
    CliRun run = CliRun.of(score("--metrics", metrics.toString()));
    assertEquals(0, run.code(), run.err());
    assertTrue(run.err().contains("\nrnnscore: warning: --metrics " + metrics + " cannot be written: "), run.err());
    assertTrue(run.err().endsWith("; the output was committed\n"), run.err());
    assertTrue(Files.exists(dir.resolve("out").resolve("_SUCCESS")));
  }

  /** Item 21: an executor's OutOfMemoryError is exit 5 with advice and metrics, not Spark's exit 52. */
  @Test
  void score_outOfMemoryInTheScorer_exit5WithAdviceAndMetrics() throws Exception {
    Path metrics = dir.resolve("m.json");
    System.setProperty("rnnscore.test.oomAtBatch", "1");
    CliRun run;
    try {
      run = CliRun.of(score("--metrics", metrics.toString(), "--batch-size", "100"));
    } finally {
      System.clearProperty("rnnscore.test.oomAtBatch");
    }
    assertEquals(5, run.code(), run.err());
    assertTrue(run.err().matches("rnnscore: out of memory on executor driver scoring a batch of 100 rows \\(Java heap"
        + " space \\(rnnscore test hook rnnscore.test.oomAtBatch=1\\)\\): lower --batch-size \\(now 100\\) or give the"
        + " executors more memory \\(spark.executor.memory, spark.executor.memoryOverhead; in local mode"
        + " RNNSCORE_JAVA_OPTS=-Xmx...\\)\n"), run.err());
    String report = metricsOf(metrics);
    assertTrue(report.contains("\"exit_code\" : 5"), report);
    assertTrue(report.contains("lower --batch-size (now 100)"), report);
    assertFalse(Files.exists(dir.resolve("out")));
  }
}
