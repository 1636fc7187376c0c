package org.rnnscore.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnscore.cli.RnnScoreCli;

/**
 * The launcher's JVM halted ({@code Runtime.halt}, as kill -9) right after each step k of the
 * commit protocol, on a filesystem whose rename copies: once the next run has recovered, the
 * target is byte for byte the complete old or the complete new output (the old before the
 * commit point, the new after it), and no hidden {@code .…rnnscore-*} entry is left.
 */
class CommitKillTest {
  private static final int HALTED = OutputCommit.HALT_EXIT;
  private static final List<String> MODULE_OPTIONS = Arrays.asList(
      System.getProperty("rnnscore.spark.module.options", "").trim().split("\\s+"));

  @TempDir
  Path dir;

  /**
   * The full CLI (Spark, local[1]) halted in the commit window (step 3: the old output moved aside,
   * the new one not in) and right after the commit point (step 7). A forked CLI costs seconds, so
   * every step is run below on the protocol alone; these two prove the hook and the recovery in
   * the real launcher, and that the next run recovers even when it then fails its --mode check.
   */
  @Test
  void score_haltedInTheCommitWindowAndAtTheCommitPoint_nextRunRecoversOldOrNewOutput() throws Exception {
    Path out = dir.resolve("out");
    String[] score = {"score", "--model", Path.of("sample-data/model.npz").toAbsolutePath().toString(), "--input",
        Path.of("sample-data/input.parquet").toAbsolutePath().toString(), "--output", "copyfs:" + out, "--mode",
        "overwrite", "--master", "local[1]", "--quiet", "--conf",
        "spark.hadoop.fs.copyfs.impl=" + CopyingFileSystem.class.getName()};

    Map<String, String> old = oldFlatOutput(out);
    assertEquals(HALTED, fork(3, RnnScoreCli.class, score));
    assertTrue(Files.notExists(out), "the window: the old output is aside, the new one not yet in");
    assertEquals(2, inProcessErrorModeRun(score), "the next run's --mode error check, after its recovery");
    assertEquals(old, OutputCommitTest.snapshot(out));
    assertEquals(List.of(), OutputCommitTest.hiddenEntries(dir));

    assertEquals(HALTED, fork(7, RnnScoreCli.class, score));
    recover(out, false);
    assertTrue(Files.exists(out.resolve("_SUCCESS")));
    org.rnnscore.cli.ExpectedPredictions.assertOutputMatches(SharedSpark.get(), out.toString(),
        Path.of("sample-data/expected-predictions.csv"));
    assertEquals(List.of(), OutputCommitTest.hiddenEntries(dir));
  }

  /** The protocol alone (no Spark), a flat output replaced: every step. */
  @Test
  void commit_haltedAfterEachStep_targetIsOldOrNewAfterRecoveryAndNoHiddenEntryLeft() throws Exception {
    Path staged = dir.resolve("new");
    write(staged.resolve("part-00000-new.snappy.parquet"), "the new output");
    write(staged.resolve("_SUCCESS"), "");
    Map<String, String> old = Map.of("part-00000-old.snappy.parquet", "the old output", "_SUCCESS", "");
    // planned, aside, moving, in, marker moving, marker in | committed, cleaned, journal removed
    assertEquals(List.of("old", "old", "old", "old", "old", "old", "new", "new", "new"),
        haltAtEveryStep(old, staged, "flat", texts(staged)));
  }

  /** The protocol alone for --partition-by: one partition replaced, one new, one kept; every step. */
  @Test
  void commitPartitions_haltedAfterEachStep_targetIsOldOrNewAfterRecoveryAndNoHiddenEntryLeft() throws Exception {
    Path staged = dir.resolve("new");
    write(staged.resolve("day=a/part-00000-a.parquet"), "new a");
    write(staged.resolve("day=b/part-00000-b.parquet"), "new b, a partition the output lacks");
    write(staged.resolve("_SUCCESS"), "");
    Map<String, String> old = Map.of("day=a/part-00000-a.parquet", "old a", "day=z/part-00000-z.parquet",
        "old z, kept", "_SUCCESS", "");
    Map<String, String> fresh = Map.of("_SUCCESS", "", "day=a/part-00000-a.parquet", "new a",
        "day=b/part-00000-b.parquet", "new b, a partition the output lacks", "day=z/part-00000-z.parquet",
        "old z, kept");
    // planned, a aside, a moving, a in, b moving, b in, marker aside, marker moving, marker in | committed,
    // cleaned, journal removed
    assertEquals(List.of("old", "old", "old", "old", "old", "old", "old", "old", "old", "new", "new", "new"),
        haltAtEveryStep(old, staged, "partitioned", fresh));
  }

  /**
   * For k = 1, 2, ...: the old output written, a commit of {@code staged} halted after step k, the
   * recovery any next run does first; then the target must be exactly {@code old} or {@code fresh}
   * with no hidden entry left. Ends with the first k past the last step (a run that completes).
   */
  private List<String> haltAtEveryStep(Map<String, String> old, Path staged, String layout,
      Map<String, String> fresh) throws Exception {
    Path out = dir.resolve("out");
    List<String> seen = new ArrayList<>();
    for (int k = 1; ; k++) {
      if (Files.exists(out)) {
        Files.walk(out).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      for (Map.Entry<String, String> file : old.entrySet()) {
        write(out.resolve(file.getKey()), file.getValue());
      }
      int code = fork(k, CommitProtocolMain.class, "commit", "copyfs:" + out, staged.toString(), layout);
      if (code == 0) {
        assertEquals(fresh, texts(out), "a run past the last step");
        assertEquals(List.of(), OutputCommitTest.hiddenEntries(dir));
        return seen;
      }
      assertEquals(HALTED, code, "step " + k);
      recover(out, layout.equals("partitioned"));
      Map<String, String> now = texts(out);
      assertTrue(now.equals(old) || now.equals(fresh), "step " + k + ": neither old nor new: " + now);
      seen.add(now.equals(old) ? "old" : "new");
      assertEquals(List.of(), OutputCommitTest.hiddenEntries(dir), "step " + k);
    }
  }

  private Map<String, String> oldFlatOutput(Path out) throws Exception {
    write(out.resolve("part-00000-0a1b2c3d-0000-0000-0000-000000000000-c000.snappy.parquet"), "the old output");
    write(out.resolve("_SUCCESS"), "");
    return OutputCommitTest.snapshot(out);
  }

  private static Map<String, String> texts(Path root) throws Exception {
    Map<String, String> files = new TreeMap<>();
    try (var all = Files.walk(root)) {
      for (Path file : all.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(file).toString(), Files.readString(file));
      }
    }
    return files;
  }

  private static void write(Path file, String text) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private void recover(Path out, boolean partitioned) {
    Configuration conf = new Configuration();
    conf.set("fs.copyfs.impl", CopyingFileSystem.class.getName());
    OutputCommit.open(conf, List.of(new OutputCommit.Target("--output", "copyfs:" + out, partitioned))).close();
  }

  private static int inProcessErrorModeRun(String[] score) {
    SharedSpark.get().sparkContext().hadoopConfiguration().set("fs.copyfs.impl", CopyingFileSystem.class.getName());
    String[] errorMode = score.clone();
    errorMode[Arrays.asList(score).indexOf("overwrite")] = "error";
    return RnnScoreCli.run(errorMode, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
  }

  /** Runs {@code main} in a fresh JVM on this test's class path, halted after commit step {@code haltAt} (or not). */
  private int fork(int haltAt, Class<?> main, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(MODULE_OPTIONS);
    command.addAll(List.of("-Xmx1g", "-XX:TieredStopAtLevel=1", "-Dlog4j2.configurationFile=rnnscore-log4j2.properties",
        "-Drnnscore.test.haltAtCommitStep=" + haltAt, "-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    Path log = dir.resolve("fork.log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!process.waitFor(3, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("the forked JVM did not finish in 3 minutes: " + Files.readString(log));
    }
    int code = process.exitValue();
    String output = Files.readString(log);
    Files.delete(log);
    if (code != 0 && code != HALTED) {
      throw new AssertionError("exit " + code + ": " + output);
    }
    return code;
  }
}
