package org.rnnscore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.rnnscore.job.SharedSpark;

/** The commands in-process, on sample-data/: output, stdout/stderr discipline, messages and exit codes. */
class RnnScoreCliTest {
  private static final Path SAMPLE = Path.of("sample-data");

  @TempDir
  Path dir;

  private String out;
  private String err;

  private int run(String... args) {
    CliRun run = CliRun.of(args);
    out = run.out();
    err = run.err();
    return run.code();
  }

  @ParameterizedTest
  @ValueSource(strings = {"model.npz", "model.h5", "model.keras"})
  void score_sampleDataInEachModelFormat_matchesExpectedPredictions(String modelFile) throws Exception {
    String output = dir.resolve("out").toString();
    int code = run("score", "--model", SAMPLE.resolve(modelFile).toString(), "--input",
        SAMPLE.resolve("input.parquet").toString(), "--output", output, "--batch-size", "64", "--master", "local[2]");

    assertEquals(0, code, err);
    assertEquals("", out);
    assertTrue(err.matches("(?s).*rnnscore: scored N=1000 rows in [0-9.]+ s \\([0-9]+ rows/s\\); model T=.* D=3 M=5 K=2\n"),
        err);
    ExpectedPredictions.assertOutputMatches(SharedSpark.get(), output, SAMPLE.resolve("expected-predictions.csv"));
  }

  @Test
  void inspect_sampleH5_printsKerasSummaryOnStdoutOnly() {
    int code = run("inspect", "--model", SAMPLE.resolve("model.h5").toString());

    assertEquals(0, code, err);
    assertEquals("", err);
    assertTrue(out.contains(" simple_rnn (SimpleRNN)      (None, 5)                 45\n"), out);
    assertTrue(out.contains(" dense (Dense)               (None, 2)                 12\n"), out);
    assertTrue(out.contains("Total params: 57\n"), out);
    assertTrue(out.contains("T (timesteps declared): 10 (rows of other lengths are scored too)\n"), out);
    assertTrue(out.contains("D (features per timestep): 3\nM (hidden units): 5\nK (outputs per row): 2\n"), out);
    assertTrue(out.contains("Activations: simple_rnn tanh, dense linear\n"), out);
  }

  @Test
  void score_missingRequiredOption_usageExitCode2() {
    int code = run("score", "--input", "x", "--output", "y");
    assertEquals(2, code);
    assertTrue(err.startsWith("rnnscore: Missing required option: '--model=FILE'\n"), err);
  }

  @Test
  void score_unknownMode_usageExitCode2() {
    int code = run("score", "--model", "m", "--input", "x", "--output", "y", "--mode", "append");
    assertEquals(2, code);
    assertEquals("rnnscore: --mode 'append' is not one of: error, overwrite\n", err);
  }

  @Test
  void score_modelFileMissing_usageExitCode2() {
    String missing = dir.resolve("nope.h5").toString();
    int code = run("score", "--model", missing, "--input", SAMPLE.resolve("input.parquet").toString(), "--output",
        dir.resolve("out").toString());
    assertEquals(2, code);
    assertEquals("rnnscore: --model " + missing + " does not exist\n", err);
  }

  @Test
  void inspect_fileThatIsNoModel_modelExitCode3WithoutStackTrace() throws Exception {
    Path bogus = dir.resolve("model.h5");
    Files.writeString(bogus, "<html>not a model</html>");
    int code = run("inspect", "--model", bogus.toString());
    assertEquals(3, code);
    assertEquals(1, err.lines().count(), err);
    assertTrue(err.startsWith("rnnscore: " + bogus + ": "), err);
  }

  @Test
  void score_badRowOnExecutor_inputDataExitCode4WithOwnMessage() throws Exception {
    Path input = dir.resolve("in");
    SharedSpark.get().sql("SELECT 5L AS id, array(array(1f, 2f)) AS features").write().parquet(input.toString());
    int code = run("score", "--model", SAMPLE.resolve("model.npz").toString(), "--input", input.toString(),
        "--output", dir.resolve("out").toString());
    assertEquals(4, code, err);
    assertTrue(err.matches("rnnscore: file:.*\\.parquet: row 0 \\(id=5\\): timestep 0 has 2 features,"
        + " model expects 3 \\(wrong_width\\); the input has 1 bad row in all \\(wrong_width: 1\\); nothing was"
        + " written\\. Score the good ones with --on-bad-row quarantine --rejects PATH\n"), err);
    assertTrue(Files.notExists(dir.resolve("out").resolve("_SUCCESS")));
  }

  @Test
  void score_outputExists_usageExitCode2() throws Exception {
    Files.createDirectories(dir.resolve("out"));
    int code = run("score", "--model", SAMPLE.resolve("model.npz").toString(), "--input",
        SAMPLE.resolve("input.parquet").toString(), "--output", dir.resolve("out").toString());
    assertEquals(2, code);
    assertEquals("rnnscore: --output " + dir.resolve("out") + " already exists; choose another path or pass --mode"
        + " overwrite to replace it\n", err);
  }

  @Test
  void score_unknownActivationOverride_usageExitCode2() {
    int code = run("score", "--model", "m", "--input", "x", "--output", "y", "--activation", "tanhh");
    assertEquals(2, code);
    assertTrue(err.startsWith("rnnscore: --activation 'tanhh' is not an activation rnnscore knows; known: linear,"),
        err);
  }

  @Test
  void generate_sameSeedDifferentPartitionsAndCores_sameRows() {
    String a = dir.resolve("a").toString();
    String b = dir.resolve("b").toString();
    assertEquals(0, run("generate", "--output", a, "--rows", "50", "--timesteps", "4", "--features", "2", "--seed",
        "9", "--partitions", "1", "--master", "local[1]"), err);
    assertEquals(0, run("generate", "--output", b, "--rows", "50", "--timesteps", "4", "--features", "2", "--seed",
        "9", "--partitions", "7", "--master", "local[2]"), err);
    List<Row> first = SharedSpark.get().read().parquet(a).orderBy("id").collectAsList();
    List<Row> second = SharedSpark.get().read().parquet(b).orderBy("id").collectAsList();
    assertEquals(50, first.size());
    assertEquals(first.toString(), second.toString());
    assertEquals(49L, first.get(49).getLong(0));
    assertEquals(4, first.get(0).getList(1).size());
  }

  @Test
  void bench_tinyScale_printsTableAndWritesJsonWithEveryFigure() throws Exception {
    Path json = dir.resolve("bench.json");
    int code = run("bench", "--shapes", "S2", "--scale", "0.0002", "--work-dir", dir.resolve("bench").toString(),
        "--json", json.toString(), "--master", "local[2]");
    assertEquals(0, code, err);
    assertTrue(out.startsWith("shape cell               N  e2e rows/s   floor r/s"), out);
    for (String cell : List.of("simple_rnn", "lstm", "gru")) { // every cell by default
      assertTrue(out.contains("\nS2    " + String.format("%-10s", cell) + "       200 "), out);
    }
    // The cells of a shape share its one generated input.
    Path work = dir.resolve("bench").resolve("S2-200");
    assertTrue(Files.exists(work.resolve("input").resolve("_SUCCESS")));
    try (java.util.stream.Stream<Path> entries = Files.list(dir.resolve("bench"))) {
      assertEquals(List.of(work), entries.toList());
    }
    for (String sub : List.of("score-out", "score-out-lstm", "score-out-gru")) {
      assertTrue(Files.isDirectory(work.resolve(sub)), sub);
    }
    String report = Files.readString(json);
    assertTrue(report.contains("\"cell\" : \"gru\""), report);
    for (String key : List.of("\"e2e_rows_per_s\"", "\"io_floor_rows_per_s\"", "\"e2e_first_rows_per_s\"",
        "\"kernel_rows_per_s\"", "\"kernel_gflops\"", "\"sgemm_gflops\"", "\"per_sample_loop_rows_per_s\"",
        "\"peak_rss_mib_so_far\"", "\"cores\"")) {
      assertTrue(report.contains(key), key + " in " + report);
    }
  }

  @Test
  void bench_repeatsBelowThree_usageExitCode2() {
    assertEquals(2, run("bench", "--repeats", "2"));
    assertEquals("rnnscore: --repeats must be at least 3 (medians of 3 or more), got 2\n", err);
  }

  @Test
  void validate_sampleData_everyRowScorableExit0() {
    int code = run("validate", "--model", SAMPLE.resolve("model.h5").toString(), "--input",
        SAMPLE.resolve("input.parquet").toString(), "--master", "local[2]");
    assertEquals(0, code, err);
    assertEquals("input: " + SAMPLE.resolve("input.parquet") + ": 1000 rows; sequence column 'features'"
        + " array<array<float>>; key 'id'\nmodel: " + SAMPLE.resolve("model.h5") + ": T=10 D=3 M=5 K=2\nbad rows: 0\n",
        out);
  }

  @Test
  void validateAndQuarantine_badRows_censusByCodeAndEveryRowAccountedFor() {
    Path input = dir.resolve("in");
    SharedSpark.get().sql("SELECT * FROM VALUES (1L, array(array(1f, 2f, 3f))), (2L, array(array(1f, 2f))),"
        + " (3L, array(array(1f, 2f, 3f), array(0f, 0f, 0f))) AS t(id, features)").write().parquet(input.toString());

    assertEquals(4, run("validate", "--model", SAMPLE.resolve("model.npz").toString(), "--input", input.toString()));
    assertTrue(out.endsWith("bad rows: 1\n  wrong_width: 1\n"), out);
    assertEquals("rnnscore: " + input + ": 1 of 3 rows cannot be scored (wrong_width: 1)\n", err);

    String rejects = dir.resolve("rejects").toString();
    assertEquals(0, run("score", "--model", SAMPLE.resolve("model.npz").toString(), "--input", input.toString(),
        "--output", dir.resolve("out").toString(), "--on-bad-row", "quarantine", "--rejects", rejects), err);
    assertTrue(err.contains("rnnscore: 3 rows read = 2 scored + 1 rejected to " + rejects + " (wrong_width: 1)\n"),
        err);
  }

  @Test
  void score_metricsConfigOutputFilesAndFooter_reportWhatTheRunDid() throws Exception {
    Path config = dir.resolve("rnnscore.properties");
    Files.writeString(config, "batch-size=7\noutput-files=2\nprediction-col=from_config\n");
    Path metricsFile = dir.resolve("metrics.json");
    String output = dir.resolve("out").toString();
    int code = run("score", "--config", config.toString(), "--prediction-col", "score", "--model",
        SAMPLE.resolve("model.h5").toString(), "--input", SAMPLE.resolve("input.parquet").toString(), "--output",
        output, "--metrics", metricsFile.toString(), "--quiet");
    assertEquals(0, code, err);

    org.apache.spark.sql.Dataset<Row> written = SharedSpark.get().read().parquet(output);
    assertEquals(List.of("id", "score"), List.of(written.columns()), "the command line wins over --config");
    try (java.util.stream.Stream<Path> files = Files.list(Path.of(output))) {
      assertEquals(2, files.filter(p -> p.toString().endsWith(".parquet")).count(), "--output-files from --config");
    }
    org.apache.spark.sql.types.Metadata footer = written.schema().apply("score").metadata();
    assertEquals(64, footer.getString("rnnscore.model_sha256").length());
    assertEquals(SAMPLE.resolve("model.h5").toString(), footer.getString("rnnscore.model"));
    assertTrue(footer.getString("rnnscore.options").contains("--prediction-col score"), footer.json());

    String metrics = Files.readString(metricsFile);
    for (String expected : List.of("\"status\" : \"ok\"", "\"rows_in\" : 1000", "\"rows_scored\" : 1000",
        "\"rows_rejected\" : 0", "\"format\" : \"keras-h5\"", "\"params\" : 57", "\"batches\" : ")) {
      assertTrue(metrics.contains(expected), expected + " in " + metrics);
    }
  }

  @Test
  void score_failedRunWithMetrics_reportStatusFailedAndError() throws Exception {
    Path metricsFile = dir.resolve("metrics.json");
    Path input = dir.resolve("in");
    SharedSpark.get().sql("SELECT 5L AS id, array(array(1f, 2f)) AS features").write().parquet(input.toString());
    int code = run("score", "--model", SAMPLE.resolve("model.npz").toString(), "--input", input.toString(),
        "--output", dir.resolve("out").toString(), "--metrics", metricsFile.toString());
    assertEquals(4, code);
    String metrics = Files.readString(metricsFile);
    assertTrue(metrics.contains("\"status\" : \"failed\""), metrics);
    assertTrue(metrics.contains("\"exit_code\" : 4"), metrics);
    assertTrue(metrics.contains("(wrong_width)"), metrics);
  }

  @Test
  void score_backendCudaOnCpuOnlyBuild_usageErrorBeforeSpark() {
    int code = run("score", "--model", "m", "--input", "x", "--output", "y", "--backend", "cuda");
    assertEquals(2, code);
    assertEquals("rnnscore: --backend cuda: this build packages only ND4J's CPU backend; build the cluster jar with"
        + " mvn -Pcuda -DskipTests package (ND4J's nd4j-cuda-11.6, which needs the CUDA 11.6 / cuDNN 8.3 runtime on"
        + " the executors)\n", err);
    assertEquals(2, run("score", "--model", "m", "--input", "x", "--output", "y", "--backend", "gpu"));
    assertEquals("rnnscore: --backend 'gpu' is not one of: cpu, cuda, auto\n", err);
  }

  @Test
  void score_backendCpu_metricsNameTheBackendEachExecutorUsed() throws Exception {
    Path metricsFile = dir.resolve("metrics.json");
    assertEquals(0, run("score", "--backend", "cpu", "--model", SAMPLE.resolve("model.npz").toString(), "--input",
        SAMPLE.resolve("input.parquet").toString(), "--output", dir.resolve("out").toString(), "--metrics",
        metricsFile.toString(), "--quiet"), err);
    assertTrue(Files.readString(metricsFile).contains("\"backends\" : [ \"executor driver: CpuBackend (OPENBLAS)\" ]"),
        Files.readString(metricsFile));
  }

  @Test
  void score_twoNightsOfEventsWithState_equalScoringAllEventsAtOnce() throws Exception {
    // Events arrive one row each, out of order: (customer, ts, x: D=3 features).
    StringBuilder all = new StringBuilder();
    StringBuilder night1 = new StringBuilder();
    StringBuilder night2 = new StringBuilder();
    java.util.Random random = new java.util.Random(5);
    for (int customer = 0; customer < 12; customer++) {
      int events = 3 + customer % 4;
      for (int ts = events - 1; ts >= 0; ts--) {
        String row = String.format(java.util.Locale.ROOT, "(%dL, %d, array(float(%s), float(%s), float(%s)))",
            customer, ts, (float) random.nextGaussian(), (float) random.nextGaussian(), (float) random.nextGaussian());
        all.append(all.length() == 0 ? "" : ", ").append(row);
        StringBuilder night = ts < 2 ? night1 : night2;
        night.append(night.length() == 0 ? "" : ", ").append(row);
      }
    }
    String[] names = {"all", "night1", "night2"};
    StringBuilder[] values = {all, night1, night2};
    for (int i = 0; i < 3; i++) {
      SharedSpark.get().sql("SELECT * FROM VALUES " + values[i] + " AS t(customer, ts, x)").repartition(3).write()
          .parquet(dir.resolve(names[i]).toString());
    }
    String model = SAMPLE.resolve("model.h5").toString();
    String[] grouped = {"--group-by", "customer", "--order-by", "ts", "--features-col", "x", "--quiet"};
    assertEquals(0, run(concat(new String[] {"score", "--model", model, "--input", dir.resolve("all").toString(),
        "--output", dir.resolve("once").toString()}, grouped)), err);
    assertEquals(0, run(concat(new String[] {"score", "--model", model, "--input", dir.resolve("night1").toString(),
        "--output", dir.resolve("state1").toString(), "--emit-state"}, grouped)), err);
    assertEquals(0, run(concat(new String[] {"score", "--model", model, "--input", dir.resolve("night2").toString(),
        "--output", dir.resolve("state2").toString(), "--initial-state-from", dir.resolve("state1").toString()},
        grouped)), err);

    List<Row> once = SharedSpark.get().read().parquet(dir.resolve("once").toString()).orderBy("customer")
        .collectAsList();
    List<Row> continued = SharedSpark.get().read().parquet(dir.resolve("state2").toString()).orderBy("customer")
        .collectAsList();
    assertEquals(12, continued.size());
    for (int i = 0; i < once.size(); i++) {
      List<Object> want = once.get(i).getList(1);
      List<Object> got = continued.get(i).getList(1);
      for (int k = 0; k < want.size(); k++) {
        assertEquals(((Number) want.get(k)).doubleValue(), ((Number) got.get(k)).doubleValue(), 1e-5,
            "customer " + once.get(i).get(0));
      }
    }
  }

  private static String[] concat(String[] a, String[] b) {
    String[] both = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  @Test
  void noCommand_usageExitCode2() {
    assertEquals(2, run());
    assertTrue(err.startsWith("rnnscore: a command is required: score, inspect, validate, generate or bench\n"), err);
  }
}
