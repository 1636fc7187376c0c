package org.rnnscore.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnscore.job.SharedSpark;

/**
 * Issue 10, end to end through the CLI in-process: path guards (an output never replaces the
 * input or the other output), colons, globs, nested and partitioned inputs, differing schemas,
 * corrupt Parquet, unwritable locations, a FIFO model and an in-memory catalog.
 */
class PathsCliTest {
  private static final Path SAMPLE = Path.of("sample-data");
  private static final String MODEL = SAMPLE.resolve("model.npz").toString();

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

  private static String file(Path path) {
    return "file:" + path;
  }

  /** A directory with one Parquet file of the sample's rows (id, features). */
  private Path inputDir(String name) throws Exception {
    Path in = Files.createDirectories(dir.resolve(name));
    Files.copy(SAMPLE.resolve("input.parquet"), in.resolve("part-0.parquet"));
    return in;
  }

  private static byte[] bytesUnder(Path root) throws Exception {
    try (Stream<Path> files = Files.walk(root)) {
      StringBuilder all = new StringBuilder();
      for (Path p : (Iterable<Path>) files.sorted()::iterator) {
        all.append(root.relativize(p)).append(Files.isRegularFile(p) ? Arrays.hashCode(Files.readAllBytes(p)) : "/");
      }
      return all.toString().getBytes();
    }
  }

  @Test
  void score_outputEqualsInputWithOverwrite_usageExit2AndInputKept() throws Exception {
    Path in = inputDir("in");
    byte[] before = bytesUnder(in);
    int code = run("score", "--model", MODEL, "--input", in.toString(), "--output", in + "/", "--mode", "overwrite",
        "--quiet");
    assertEquals(2, code, err);
    assertEquals("rnnscore: --output " + file(in) + " is the same location as --input " + file(in)
        + "; replacing the output would delete the input: write it outside the input\n", err);
    assertArrayEquals(before, bytesUnder(in));
  }

  @Test
  void score_outputParentOfInputThroughDotDot_usageExit2() throws Exception {
    Path in = inputDir("data/in");
    int code = run("score", "--model", MODEL, "--input", in.toString(), "--output",
        dir.resolve("data/in/../../data").toString(), "--mode", "overwrite", "--quiet");
    assertEquals(2, code, err);
    assertEquals("rnnscore: --output " + file(dir.resolve("data")) + " contains --input " + file(in)
        + "; replacing the output would delete the input: write it outside the input\n", err);
    assertTrue(Files.exists(in.resolve("part-0.parquet")));
  }

  @Test
  void score_outputThroughSymlinkInsideInput_usageExit2() throws Exception {
    Path in = inputDir("in");
    Path link = Files.createSymbolicLink(dir.resolve("link"), in);
    int code = run("score", "--model", MODEL, "--input", in.toString(), "--output", link.resolve("scores").toString(),
        "--quiet");
    assertEquals(2, code, err);
    assertEquals("rnnscore: --output " + file(in.resolve("scores")) + " lies inside --input " + file(in)
        + "; replacing the output would delete the input: write it outside the input\n", err);
  }

  @Test
  void score_outputIsTheInputFile_usageExit2AndFileKept() throws Exception {
    Path input = Files.copy(SAMPLE.resolve("input.parquet"), dir.resolve("input.parquet"));
    int code = run("score", "--model", MODEL, "--input", input.toString(), "--output", input.toString(), "--mode",
        "overwrite", "--quiet");
    assertEquals(2, code, err);
    assertTrue(err.startsWith("rnnscore: --output " + file(input) + " is the same location as --input "), err);
    assertArrayEquals(Files.readAllBytes(SAMPLE.resolve("input.parquet")), Files.readAllBytes(input));
  }

  @Test
  void score_rejectsInsideOutput_usageExit2() throws Exception {
    Path output = dir.resolve("out");
    int code = run("score", "--model", MODEL, "--input", SAMPLE.resolve("input.parquet").toString(), "--output",
        output.toString(), "--on-bad-row", "quarantine", "--rejects", output.resolve("rejects").toString(), "--quiet");
    assertEquals(2, code, err);
    assertEquals("rnnscore: --rejects " + file(output.resolve("rejects")) + " lies inside --output " + file(output)
        + "; committing one would delete the other: give them separate locations\n", err);
  }

  @Test
  void score_rejectsEqualsOutput_usageExit2AndNoStagingLeft() throws Exception {
    Path output = dir.resolve("out");
    int code = run("score", "--model", MODEL, "--input", SAMPLE.resolve("input.parquet").toString(), "--output",
        output.toString(), "--on-bad-row", "quarantine", "--rejects", output.toString(), "--quiet");
    assertEquals(2, code, err);
    assertEquals("rnnscore: --rejects " + file(output) + " is the same location as --output " + file(output)
        + "; committing one would delete the other: give them separate locations\n", err);
    try (Stream<Path> left = Files.list(dir)) {
      assertEquals(List.of(), left.toList(), "nothing written, no staging");
    }
  }

  @Test
  void score_metricsInsideOutput_usageExit2() {
    Path output = dir.resolve("out");
    int code = run("score", "--model", MODEL, "--input", SAMPLE.resolve("input.parquet").toString(), "--output",
        output.toString(), "--metrics", output.resolve("metrics.json").toString(), "--quiet");
    assertEquals(2, code, err);
    assertTrue(err.startsWith("rnnscore: --metrics " + file(output.resolve("metrics.json")) + " lies inside --output "
        + file(output) + ", which the commit replaces: write the metrics elsewhere\n"), err);
  }

  @Test
  void score_initialStateFromEqualsOutputWithOverwrite_nightlyLoopRuns() throws Exception {
    Path state = dir.resolve("state");
    String input = SAMPLE.resolve("input.parquet").toString();
    assertEquals(0, run("score", "--model", MODEL, "--input", input, "--output", state.toString(), "--emit-state",
        "--quiet"), err);
    assertEquals(0, run("score", "--model", MODEL, "--input", input, "--output", state.toString(), "--emit-state",
        "--initial-state-from", state.toString(), "--mode", "overwrite", "--quiet"), err);
    assertEquals(1000, SharedSpark.get().read().parquet(state.toString()).count());
  }

  @Test
  void score_outputNameWithColons_usageExit2BeforeReadingTheInput() {
    String output = dir.resolve("out_2026-11-23T00:00:00").toString();
    int code = run("score", "--model", MODEL, "--input", dir.resolve("no-such-input").toString(), "--output", output,
        "--quiet");
    assertEquals(2, code, err);
    assertEquals("rnnscore: --output " + output + ": a path must not contain ':' (HDFS forbids it and Hadoop reads it"
        + " as a URI scheme); use e.g. " + dir.resolve("out_2026-11-23T000000") + "\n", err);
  }

  @Test
  void score_globInput_scoresEveryMatchedFile() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    Files.copy(SAMPLE.resolve("input.parquet"), in.resolve("part-0.parquet"));
    Files.copy(SAMPLE.resolve("input.parquet"), in.resolve("part-1.parquet"));
    Files.copy(SAMPLE.resolve("input.parquet"), in.resolve("other.parquet"));
    Path output = dir.resolve("out");
    assertEquals(0, run("score", "--model", MODEL, "--input", in + "/part-*.parquet", "--output", output.toString(),
        "--quiet"), err);
    assertEquals(2000, SharedSpark.get().read().parquet(output.toString()).count());
  }

  @Test
  void score_globMatchingNothing_usageExit2() {
    String glob = dir.resolve("in/part-*.parquet").toString();
    assertEquals(2, run("score", "--model", MODEL, "--input", glob, "--output", dir.resolve("out").toString()));
    assertEquals("rnnscore: --input " + glob + " matches no files\n", err);
  }

  @Test
  void score_globInputAndOutputInTheMatchedFilesDirectory_usageExit2() throws Exception {
    Path in = inputDir("in");
    int code = run("score", "--model", MODEL, "--input", in + "/part-*", "--output", in.resolve("scores").toString(),
        "--quiet");
    assertEquals(2, code, err);
    assertEquals("rnnscore: --output " + file(in.resolve("scores")) + " lies inside --input " + in + "/part-* (files in "
        + file(in) + "); replacing the output would delete the input: write it outside the input\n", err);
  }

  @Test
  void score_filesInDatedSubdirectoriesAtTwoLevels_everyFileReadRecursively() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in/2026-11-22"));
    Files.copy(SAMPLE.resolve("input.parquet"), in.resolve("part-0.parquet"));
    Files.copy(SAMPLE.resolve("input.parquet"), dir.resolve("in/part-top.parquet"));
    Path output = dir.resolve("out");
    Path metrics = dir.resolve("metrics.json");
    assertEquals(0, run("score", "--model", MODEL, "--input", dir.resolve("in").toString(), "--output",
        output.toString(), "--metrics", metrics.toString(), "--quiet"), err);
    assertTrue(Files.readString(metrics).contains("\"rows_in\" : 2000"), Files.readString(metrics));
    assertEquals(2000, SharedSpark.get().read().parquet(output.toString()).count());
  }

  @Test
  void score_partitionDirectories_keepThePartitionColumn() throws Exception {
    Files.createDirectories(dir.resolve("in/day=2026-11-22"));
    Files.createDirectories(dir.resolve("in/day=2026-11-23"));
    Files.copy(SAMPLE.resolve("input.parquet"), dir.resolve("in/day=2026-11-22/part-0.parquet"));
    Files.copy(SAMPLE.resolve("input.parquet"), dir.resolve("in/day=2026-11-23/part-0.parquet"));
    Path output = dir.resolve("out");
    assertEquals(0, run("score", "--model", MODEL, "--input", dir.resolve("in").toString(), "--output",
        output.toString(), "--quiet"), err);
    Dataset<Row> scored = SharedSpark.get().read().parquet(output.toString());
    assertEquals(List.of("id", "day", "prediction"), List.of(scored.columns()));
    assertEquals(1000, scored.where("day = '2026-11-23'").count());
  }

  @Test
  void score_globOverPartitionDirectories_keepsThePartitionColumn() throws Exception {
    for (String day : new String[] {"2026-11-21", "2026-11-22", "2026-11-23"}) {
      Files.createDirectories(dir.resolve("in/day=" + day));
      Files.copy(SAMPLE.resolve("input.parquet"), dir.resolve("in/day=" + day + "/part-0.parquet"));
    }
    Path output = dir.resolve("out");
    assertEquals(0, run("score", "--model", MODEL, "--input", dir.resolve("in") + "/day=2026-11-2[23]", "--output",
        output.toString(), "--quiet"), err);
    Dataset<Row> scored = SharedSpark.get().read().parquet(output.toString());
    assertEquals(List.of("id", "day", "prediction"), List.of(scored.columns()));
    assertEquals("[[2026-11-22,1000], [2026-11-23,1000]]",
        scored.groupBy("day").count().orderBy("day").collectAsList().toString());
  }

  @Test
  void score_partitionAndOtherSubdirectoriesMixed_inputDataExit4NamingBoth() throws Exception {
    Files.createDirectories(dir.resolve("in/day=2026-11-22"));
    Files.createDirectories(dir.resolve("in/backfill"));
    Files.copy(SAMPLE.resolve("input.parquet"), dir.resolve("in/day=2026-11-22/part-0.parquet"));
    Files.copy(SAMPLE.resolve("input.parquet"), dir.resolve("in/backfill/part-0.parquet"));
    Path in = dir.resolve("in");
    assertEquals(4, run("score", "--model", MODEL, "--input", in.toString(), "--output", dir.resolve("out").toString(),
        "--quiet"), err);
    assertEquals("rnnscore: " + in + ": mixes partition directories (" + file(in.resolve("day=2026-11-22"))
        + ") with other subdirectories (" + file(in.resolve("backfill")) + "); point --input at one layout, or use a"
        + " glob that picks one\n", err);
  }

  @Test
  void score_columnOnlyInSomeFiles_passedThroughAsNullForTheOthers() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    SharedSpark.get().sql("SELECT 1L AS id, array(array(1f, 2f, 3f)) AS features").coalesce(1).write()
        .parquet(dir.resolve("a").toString());
    SharedSpark.get().sql("SELECT 2L AS id, array(array(1f, 2f, 3f)) AS features, 'x' AS region").coalesce(1).write()
        .parquet(dir.resolve("b").toString());
    copyParquet(dir.resolve("a"), in.resolve("a.parquet"));
    copyParquet(dir.resolve("b"), in.resolve("b.parquet"));
    Path output = dir.resolve("out");
    assertEquals(0, run("score", "--model", MODEL, "--input", in.toString(), "--output", output.toString(),
        "--quiet"), err);
    List<Row> rows = SharedSpark.get().read().parquet(output.toString()).select("id", "region").orderBy("id")
        .collectAsList();
    assertEquals("[[1,null], [2,x]]", rows.toString());
  }

  @Test
  void score_floatFileBesideDoubleFile_inputDataExit4NamingBothFiles() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    SharedSpark.get().sql("SELECT 1L AS id, array(array(1f, 2f, 3f)) AS features").coalesce(1).write()
        .parquet(dir.resolve("f").toString());
    SharedSpark.get().sql("SELECT 2L AS id, array(array(1d, 2d, 3d)) AS features").coalesce(1).write()
        .parquet(dir.resolve("d").toString());
    copyParquet(dir.resolve("d"), in.resolve("a-double.parquet"));
    copyParquet(dir.resolve("f"), in.resolve("b-float.parquet"));
    Path metrics = dir.resolve("metrics.json");
    assertEquals(4, run("score", "--model", MODEL, "--input", in.toString(), "--output", dir.resolve("out").toString(),
        "--metrics", metrics.toString(), "--quiet"), err);
    assertEquals("rnnscore: " + in + ": column 'features' is array<array<double>> in " + file(in.resolve(
        "a-double.parquet")) + " but array<array<float>> in " + file(in.resolve("b-float.parquet")) + "; the files of"
        + " one input must agree on each column's type (rewrite one, or score them separately)\n", err);
    assertTrue(Files.readString(metrics).contains("\"exit_code\" : 4"), Files.readString(metrics));
  }

  @Test
  void score_truncatedParquetFile_inputDataExit4NamingTheFileWithMetrics() throws Exception {
    Path in = inputDir("in");
    byte[] good = Files.readAllBytes(SAMPLE.resolve("input.parquet"));
    Files.write(in.resolve("part-1.parquet"), Arrays.copyOf(good, good.length / 2));
    Path metrics = dir.resolve("metrics.json");
    int code = run("score", "--model", MODEL, "--input", in.toString(), "--output", dir.resolve("out").toString(),
        "--metrics", metrics.toString(), "--quiet");
    assertEquals(4, code, err);
    assertTrue(err.startsWith("rnnscore: " + file(in.resolve("part-1.parquet")) + ": not a readable Parquet file (its"
        + " footer cannot be read: truncated, or not Parquet): "), err);
    assertEquals(1, err.lines().count(), err);
    String report = Files.readString(metrics);
    assertTrue(report.contains("\"exit_code\" : 4") && report.contains("part-1.parquet"), report);
  }

  @Test
  void score_fileWithoutParquetMagic_inputDataExit4NamingIt() throws Exception {
    Path in = inputDir("in");
    Files.writeString(in.resolve("part-2.parquet"), "id,features\n1,\"[[1,2,3]]\"\n"); // a CSV under a Parquet name
    int code = run("score", "--model", MODEL, "--input", in.toString(), "--output", dir.resolve("out").toString(),
        "--quiet");
    assertEquals(4, code, err);
    assertTrue(err.startsWith("rnnscore: " + file(in.resolve("part-2.parquet")) + ": not a readable Parquet file (its"
        + " footer cannot be read: truncated, or not Parquet): "), err);
  }

  @Test
  void score_corruptPageFoundInsideATask_inputDataExit4NamingTheFileWithMetrics() throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    byte[] bytes = Files.readAllBytes(SAMPLE.resolve("input.parquet"));
    for (int i = 4; i < 2000; i++) {
      bytes[i] = 0x7f; // the first pages; the footer at the end stays intact, so only a task finds it
    }
    Files.write(in.resolve("part-0.parquet"), bytes);
    Path metrics = dir.resolve("metrics.json");
    int code = run("score", "--model", MODEL, "--input", in.toString(), "--output", dir.resolve("out").toString(),
        "--metrics", metrics.toString(), "--quiet");
    assertEquals(4, code, err);
    assertTrue(err.startsWith("rnnscore: " + file(in.resolve("part-0.parquet")) + ": not a readable Parquet file (its"
        + " data cannot be decoded: corrupt): "), err);
    assertTrue(Files.readString(metrics).contains("\"exit_code\" : 4"), Files.readString(metrics));
  }

  @Test
  void score_modelIsAFifo_modelExit3WithoutHanging() throws Exception {
    Path fifo = dir.resolve("model.h5");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
    int code = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> run("score", "--model", fifo.toString(),
        "--input", SAMPLE.resolve("input.parquet").toString(), "--output", dir.resolve("out").toString(), "--quiet"));
    assertEquals(3, code, err);
    assertEquals("rnnscore: " + fifo + ": not a regular file (a FIFO, device or socket); --model must name a .h5,"
        + " .keras or .npz file\n", err);
  }

  @Test
  void score_outputUnderARegularFile_usageExit2BeforeScoring() throws Exception {
    Path blocker = Files.writeString(dir.resolve("blocker"), "a file where a directory should be");
    // The input has a bad row: reaching the scoring pass would be exit 4, so exit 2 proves the check came first.
    Path input = dir.resolve("bad");
    SharedSpark.get().sql("SELECT 5L AS id, array(array(1f, 2f)) AS features").write().parquet(input.toString());
    int code = run("score", "--model", MODEL, "--input", input.toString(), "--output",
        blocker.resolve("out").toString(), "--quiet");
    assertEquals(2, code, err);
    assertEquals("rnnscore: --output " + file(blocker.resolve("out")) + " cannot be written: " + file(blocker)
        + " is a file, not a directory\n", err);
  }

  @Test
  void score_rejectsUnderARegularFile_usageExit2BeforeScoring() throws Exception {
    Path blocker = Files.writeString(dir.resolve("blocker"), "x");
    int code = run("score", "--model", MODEL, "--input", SAMPLE.resolve("input.parquet").toString(), "--output",
        dir.resolve("out").toString(), "--on-bad-row", "quarantine", "--rejects", blocker.resolve("rej").toString(),
        "--quiet");
    assertEquals(2, code, err);
    assertEquals("rnnscore: --rejects " + file(blocker.resolve("rej")) + " cannot be written: " + file(blocker)
        + " is a file, not a directory\n", err);
    assertTrue(Files.notExists(dir.resolve("out")));
  }

  @Test
  void score_metricsUnderARegularFile_usageExit2BeforeScoring() throws Exception {
    Path blocker = Files.writeString(dir.resolve("blocker"), "x");
    int code = run("score", "--model", MODEL, "--input", SAMPLE.resolve("input.parquet").toString(), "--output",
        dir.resolve("out").toString(), "--metrics", blocker.resolve("m.json").toString(), "--quiet");
    assertEquals(2, code, err);
    // (The wording after the colon is the metrics writer's, which tries again to report the failure.)
    assertTrue(err.startsWith("rnnscore: --metrics " + blocker.resolve("m.json") + " cannot be written: "), err);
    assertTrue(Files.notExists(dir.resolve("out")), "refused before the scoring pass, not after its commit");
  }

  @Test
  void score_outputTableInAnInMemoryCatalog_usageExit2BeforeAnyWork() {
    int code = run("score", "--model", MODEL, "--input", SAMPLE.resolve("input.parquet").toString(),
        "--output-table", "scores_nightly", "--quiet");
    assertEquals(2, code, err);
    assertEquals("rnnscore: --output-table scores_nightly: the session catalog is in-memory"
        + " (spark.sql.catalogImplementation=in-memory, no metastore), so the table would vanish when this run exits;"
        + " use a metastore (--conf spark.sql.catalogImplementation=hive, with Hive's classes and hive-site.xml), a"
        + " configured catalog (--output-table CATALOG.db.table with spark.sql.catalog.CATALOG), or write files with"
        + " --output\n", err);
  }

  @Test
  void validate_outputEqualsInput_usageExit2() throws Exception {
    Path in = inputDir("in");
    assertEquals(2, run("validate", "--model", MODEL, "--input", in.toString(), "--output", in.toString(), "--mode",
        "overwrite"));
    assertEquals("rnnscore: --output " + file(in) + " is the same location as --input " + file(in)
        + "; replacing the output would delete the input: write it outside the input\n", err);
    assertEquals("", out);
  }

  @Test
  void validate_existingOutputInErrorModeAndColonInRejects_usageExit2() throws Exception {
    Path in = inputDir("in");
    Files.createDirectories(dir.resolve("out"));
    assertEquals(2, run("validate", "--model", MODEL, "--input", in.toString(), "--output",
        dir.resolve("out").toString()));
    assertEquals("rnnscore: --output " + dir.resolve("out") + " already exists; choose another path or pass --mode"
        + " overwrite to replace it\n", err);
    assertEquals(2, run("validate", "--model", MODEL, "--input", in.toString(), "--rejects", "rej:1"));
    assertEquals("rnnscore: --rejects rej:1: a path must not contain ':' (HDFS forbids it and Hadoop reads it as a URI"
        + " scheme); use e.g. rej1\n", err);
  }

  @Test
  void validate_partitionByColumnNotInTheOutput_usageExit2() throws Exception {
    assertEquals(2, run("validate", "--model", MODEL, "--input", SAMPLE.resolve("input.parquet").toString(),
        "--output", dir.resolve("out").toString(), "--partition-by", "day"));
    assertEquals("rnnscore: --partition-by 'day' is not among the output's columns [id]; partition by a kept input"
        + " column\n", err);
  }

  @Test
  void validate_globInputAndOutputSideOptionsThatHold_exit0() throws Exception {
    Path in = inputDir("in");
    assertEquals(0, run("validate", "--model", MODEL, "--input", in + "/*.parquet", "--output",
        dir.resolve("out").toString(), "--rejects", dir.resolve("rejects").toString(), "--metrics",
        dir.resolve("m.json").toString(), "--partition-by", "id"), err);
    assertTrue(out.endsWith("bad rows: 0\n"), out);
    assertTrue(Files.notExists(dir.resolve("out")) && Files.notExists(dir.resolve("m.json")), "validate writes nothing");
  }

  /** Copies the one part file of a Spark output directory to {@code target}. */
  private static void copyParquet(Path sparkOutput, Path target) throws Exception {
    try (Stream<Path> files = Files.list(sparkOutput)) {
      Files.copy(files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow(), target);
    }
  }
}
