package org.rnnscore.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnscore.model.RetryableException;
import org.rnnscore.model.UsageException;

/** The commit in-process: the lock, the layout check, output and rejects as one commit, a failing copy. */
class OutputCommitTest {
  @TempDir
  Path dir;

  private final SparkSession spark = SharedSpark.get();

  @BeforeEach
  void registerCopyingFileSystem() {
    spark.sparkContext().hadoopConfiguration().set("fs.copyfs.impl", CopyingFileSystem.class.getName());
  }

  @AfterEach
  void reset() {
    CopyingFileSystem.reset();
    ScoreJob.countStaged = org.apache.spark.sql.Dataset::count;
  }

  @Test
  void run_outputLockedByLiveRun_retryableWithHolderAndItsFilesUntouched() throws Exception {
    Path out = oldOutput("out");
    Path staging = Files.createDirectories(dir.resolve(".out.rnnscore-staging-first"));
    Files.writeString(staging.resolve("part-00000.parquet"), "first run's staging");
    Path backup = Files.createDirectories(dir.resolve(".out.rnnscore-replaced-first"));
    Files.writeString(backup.resolve("part-00000.parquet"), "first run's backup");
    Path lock = dir.resolve(".out.rnnscore-lock");
    String lockText = "run=first\npid=4242\nhost=other-host\nheartbeat=" + (System.currentTimeMillis() - 5000) + "\n";
    Files.writeString(lock, lockText);
    Map<String, String> before = snapshot(dir);

    RetryableException e = assertThrows(RetryableException.class,
        () -> ScoreJob.run(spark, TestModels.random(1, 3, 2, 1), overwrite(oneGoodRow(), out.toString())));

    String message = e.getMessage().replaceFirst("heartbeat (\\d+) s ago", "heartbeat N s ago");
    assertEquals("file:" + out + " is being written by run first (pid 4242, host other-host, heartbeat N s ago);"
        + " retry when it ends", message);
    long age = Long.parseLong(e.getMessage().replaceFirst(".*heartbeat (\\d+) s ago.*", "$1"));
    assertTrue(age >= 5 && age < 60, e.getMessage());
    Map<String, String> after = snapshot(dir);
    after.keySet().removeIf(name -> name.startsWith("in/")); // this test's input
    assertEquals(before, after, "the first run's lock, staging, backup and output are untouched");
  }

  @Test
  void run_staleLockOfKilledRun_takenOverAndNoHiddenEntryLeft() throws Exception {
    Files.writeString(dir.resolve(".out.rnnscore-lock"), "run=killed\npid=4242\nhost=other-host\nheartbeat="
        + (System.currentTimeMillis() - 3_600_000) + "\n");
    Files.createDirectories(dir.resolve(".out.rnnscore-staging-killed/_temporary"));

    assertEquals(1, ScoreJob.run(spark, TestModels.random(1, 3, 2, 1), overwrite(oneGoodRow(),
        dir.resolve("out").toString())).rowsScored());

    assertEquals(List.of(), hiddenEntries(dir));
  }

  @Test
  void run_staleAfterShortenedHeartbeatLimit_takenOver() throws Exception {
    Files.writeString(dir.resolve(".out.rnnscore-lock"), "run=slow\npid=4242\nhost=other-host\nheartbeat="
        + (System.currentTimeMillis() - 5000) + "\n");
    System.setProperty("rnnscore.lock.staleSeconds", "2");
    try {
      ScoreJob.run(spark, TestModels.random(1, 3, 2, 1), overwrite(oneGoodRow(), dir.resolve("out").toString()));
    } finally {
      System.clearProperty("rnnscore.lock.staleSeconds");
    }
    assertEquals(List.of(), hiddenEntries(dir));
  }

  @Test
  void run_partitionedOverwriteOntoFlatOutput_usageErrorNamingBothAndOutputUntouched() throws Exception {
    Path out = oldOutput("out");
    Map<String, String> before = snapshot(out);
    ScoreOptions options = partitioned(out.toString());

    UsageException e = assertThrows(UsageException.class,
        () -> ScoreJob.run(spark, TestModels.random(1, 3, 2, 1), options));

    assertEquals("--partition-by 'day' with --mode overwrite replaces partitions, but --output " + out
        + " holds a non-partitioned output (file part-00000-old.snappy.parquet); write to a new path, or delete it"
        + " first", e.getMessage());
    assertEquals(before, snapshot(out));
    assertEquals(List.of(), hiddenEntries(dir));
  }

  @Test
  void run_partitionedOverwriteOntoOtherColumnsPartitions_usageError() throws Exception {
    Path out = Files.createDirectories(dir.resolve("out/region=eu"));
    Files.writeString(out.resolve("part-0.parquet"), "eu");
    ScoreOptions options = partitioned(dir.resolve("out").toString());

    UsageException e = assertThrows(UsageException.class,
        () -> ScoreJob.run(spark, TestModels.random(1, 3, 2, 1), options));

    assertEquals("--partition-by 'day' with --mode overwrite replaces partitions, but --output " + dir.resolve("out")
        + " is partitioned by 'region' (directory region=eu), not by 'day'; write to a new path, or delete it first",
        e.getMessage());
    assertEquals("eu", Files.readString(out.resolve("part-0.parquet")));
  }

  @Test
  void run_quarantineAndOutputMoveFails_outputAndRejectsBothKeepTheirOldFiles() throws Exception {
    Path out = oldOutput("out");
    Path rejects = oldOutput("rejects");
    Map<String, String> before = snapshot(dir);
    CopyingFileSystem.failCopyInto(new org.apache.hadoop.fs.Path(rejects.toString()), 10);

    // Locked in path order, the output moves in first; the rejects' copy fails, and both are put back.
    RetryableException e = assertThrows(RetryableException.class, () -> ScoreJob.run(spark,
        TestModels.random(1, 2, 3, 1), overwrite(mixedInput(), "copyfs:" + out), BadRowPolicy.parse("quarantine",
            "copyfs:" + rejects, null)));

    assertEquals("moving the new output into --output copyfs:" + out + " and --rejects copyfs:" + rejects
        + " failed: No space left on device; nothing was changed, and a retry can succeed", e.getMessage());
    Map<String, String> after = snapshot(dir);
    after.keySet().removeIf(name -> name.startsWith("in/"));
    assertEquals(before, after);
  }

  @Test
  void run_rowsLost_checkedBeforeTheCommitSoOutputAndRejectsStayOld() throws Exception {
    Path out = oldOutput("out");
    Path rejects = oldOutput("rejects");
    Map<String, String> before = snapshot(dir);
    ScoreJob.countStaged = staged -> staged.count() - 1;

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ScoreJob.run(spark,
        TestModels.random(1, 2, 3, 1), overwrite(mixedInput(), out.toString()),
        BadRowPolicy.parse("quarantine", rejects.toString(), null)));

    assertEquals("5 rows read but 1 scored and 3 rejected: rows were lost; nothing was written", e.getMessage());
    Map<String, String> after = snapshot(dir);
    after.keySet().removeIf(name -> name.startsWith("in/"));
    assertEquals(before, after);
  }

  @Test
  void run_quarantine_outputAndRejectsCommittedTogetherNoHiddenEntryLeft() throws Exception {
    oldOutput("out");
    oldOutput("rejects");
    ScoreJob.Result result = ScoreJob.run(spark, TestModels.random(1, 2, 3, 1),
        overwrite(mixedInput(), "copyfs:" + dir.resolve("out")),
        BadRowPolicy.parse("quarantine", "copyfs:" + dir.resolve("rejects"), null));

    assertEquals(2, result.rowsScored());
    assertEquals(2, spark.read().parquet(dir.resolve("out").toString()).count());
    assertEquals(3, spark.read().parquet(dir.resolve("rejects").toString()).count());
    assertTrue(Files.exists(dir.resolve("out/_SUCCESS")) && Files.exists(dir.resolve("rejects/_SUCCESS")));
    assertEquals(List.of(), hiddenEntries(dir));
  }

  @Test
  void run_copyingMoveFailsAfterNBytes_previousOutputIntactAndPartialTargetNeverMarkedComplete() throws Exception {
    Path out = oldOutput("out");
    Map<String, String> before = snapshot(out);
    CopyingFileSystem.failCopyInto(new org.apache.hadoop.fs.Path(out.toString()), 100);

    assertThrows(RetryableException.class, () -> ScoreJob.run(spark, TestModels.random(1, 3, 2, 1),
        overwrite(oneGoodRow(), "copyfs:" + out)));

    TreeMap<String, Long> partial = CopyingFileSystem.atFailure;
    assertTrue(partial != null && partial.keySet().stream().anyMatch(f -> f.contains("part-")),
        "the failure struck inside a part file: " + partial);
    assertFalse(partial.containsKey("/_SUCCESS"), "the target cut short had a _SUCCESS marker: " + partial);
    assertEquals(before, snapshot(out));
    assertEquals(List.of(), hiddenEntries(dir));
  }

  @Test
  void run_nextRunAfterPartitionedCommitKilledInTheWindow_restoresThePartitionFromBesideTheOutput() throws Exception {
    // A run killed with day=a moved aside and the new one not yet in: the backup lies beside the output.
    Path out = Files.createDirectories(dir.resolve("out/day=b"));
    Files.writeString(out.resolve("part-b.parquet"), "b");
    Path backup = Files.createDirectories(dir.resolve(".out.rnnscore-replaced-killed/day=a"));
    Files.writeString(backup.resolve("part-a.parquet"), "old a");
    Path journal = Files.createDirectories(dir.resolve(".out.rnnscore-journal"));
    org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path("file:" + dir.resolve("out"));
    TreeMap<String, Long> oldA = new TreeMap<>(Map.of("/part-a.parquet", 5L));
    CommitJournal.write(new CommitJournal.Plan("killed", List.of(new org.apache.hadoop.fs.Path("file:" + journal)),
        List.of(new CommitJournal.Leftovers(new org.apache.hadoop.fs.Path("file:" + dir.resolve(
            ".out.rnnscore-staging-killed")), new org.apache.hadoop.fs.Path("file:" + dir.resolve(
            ".out.rnnscore-replaced-killed")))),
        List.of(new CommitJournal.Move(new org.apache.hadoop.fs.Path("file:" + dir.resolve(
            ".out.rnnscore-staging-killed/day=a")), new org.apache.hadoop.fs.Path(target, "day=a"),
            new org.apache.hadoop.fs.Path("file:" + backup), true, oldA))), conf);

    OutputCommit.open(conf, List.of(new OutputCommit.Target("--output", target.toString(), true))).close();

    assertEquals("old a", Files.readString(dir.resolve("out/day=a/part-a.parquet")));
    assertEquals("b", Files.readString(dir.resolve("out/day=b/part-b.parquet")));
    assertEquals(List.of(), hiddenEntries(dir));
  }

  @Test
  void open_backupsLeftByTheVersionWithoutJournal_restoredWhereTheOriginalIsMissing() throws Exception {
    // Killed in the old commit window: the partition's backup inside the output, the output's beside it.
    Path partition = Files.createDirectories(dir.resolve("out/.day=a.rnnscore-replaced-old"));
    Files.writeString(partition.resolve("part-a.parquet"), "old a");
    Path flat = Files.createDirectories(dir.resolve(".flat.rnnscore-replaced-old"));
    Files.writeString(flat.resolve("part-0.parquet"), "old flat");
    org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();

    OutputCommit.open(conf, List.of(new OutputCommit.Target("--output", dir.resolve("out").toString(), true),
        new OutputCommit.Target("--rejects", dir.resolve("flat").toString(), false))).close();

    assertEquals("old a", Files.readString(dir.resolve("out/day=a/part-a.parquet")));
    assertEquals("old flat", Files.readString(dir.resolve("flat/part-0.parquet")));
    assertEquals(List.of(), hiddenEntries(dir));
  }

  /**
   * A copying rename cut short moving the old output aside: in its copy phase the backup is partial
   * (the original never left), in its delete phase the original is partial (the backup is whole).
   * The journal's listing tells which one to keep.
   */
  @Test
  void recover_asideCopyCutShortInCopyOrDeletePhase_keepsWhicheverCopyIsWhole() throws Exception {
    for (boolean backupWhole : new boolean[] {false, true}) {
      Path out = Files.createDirectories(dir.resolve("out"));
      Path backup = Files.createDirectories(dir.resolve(".out.rnnscore-replaced-killed"));
      Files.writeString((backupWhole ? backup : out).resolve("part-0.parquet"), "old 0");
      Files.writeString((backupWhole ? backup : out).resolve("part-1.parquet"), "old 1");
      Files.writeString((backupWhole ? out : backup).resolve("part-1.parquet"), "old 1");
      org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
      Path journal = dir.resolve(".out.rnnscore-journal");
      CommitJournal.write(new CommitJournal.Plan("killed", List.of(hadoop(journal)),
          List.of(new CommitJournal.Leftovers(hadoop(dir.resolve(".out.rnnscore-staging-killed")), hadoop(backup))),
          List.of(new CommitJournal.Move(hadoop(dir.resolve(".out.rnnscore-staging-killed")), hadoop(out),
              hadoop(backup), true, new TreeMap<>(Map.of("/part-0.parquet", 5L, "/part-1.parquet", 5L))))), conf);

      OutputCommit.open(conf, List.of(new OutputCommit.Target("--output", out.toString(), false))).close();

      assertEquals(Map.of("part-0.parquet", "old 0", "part-1.parquet", "old 1"), Map.of(
          "part-0.parquet", Files.readString(out.resolve("part-0.parquet")),
          "part-1.parquet", Files.readString(out.resolve("part-1.parquet"))), "backup whole: " + backupWhole);
      assertEquals(List.of(), hiddenEntries(dir), "backup whole: " + backupWhole);
      Files.walk(out).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static org.apache.hadoop.fs.Path hadoop(Path local) {
    return new org.apache.hadoop.fs.Path("file:" + local);
  }

  // --- helpers

  private Path oldOutput(String name) throws IOException {
    Path out = Files.createDirectories(dir.resolve(name));
    Files.writeString(out.resolve("part-00000-old.snappy.parquet"), "the previous " + name);
    Files.writeString(out.resolve("_SUCCESS"), "");
    return out;
  }

  private ScoreOptions overwrite(String input, String output) {
    return new ScoreOptions(input, output, "features", 0, null, "prediction", null, ScoreOptions.WriteMode.OVERWRITE,
        3);
  }

  private ScoreOptions partitioned(String output) {
    return new ScoreOptions(oneGoodRow(), output, "features", 0, null, "prediction", null,
        ScoreOptions.WriteMode.OVERWRITE, 3, 0, "day");
  }

  private String oneGoodRow() {
    String path = dir.resolve("in").toString();
    spark.createDataFrame(List.of(RowFactory.create(1L, "2026-11-21", TestModels.nested(new float[][] {{1, 2, 3}}))),
        new StructType(new StructField[] {field("id", DataTypes.LongType), field("day", DataTypes.StringType),
            field("features", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType)))}))
        .write().parquet(path);
    return path;
  }

  private String mixedInput() {
    String path = dir.resolve("in").toString();
    spark.createDataFrame(List.of(
        RowFactory.create(1L, TestModels.nested(new float[][] {{1, 2}, {3, 4}})),
        RowFactory.create(2L, TestModels.nested(new float[][] {{1, 2, 3}})),
        RowFactory.create(3L, null),
        RowFactory.create(4L, TestModels.nested(new float[][] {{Float.NaN, 0}})),
        RowFactory.create(5L, TestModels.nested(new float[][] {{0.5f, 0.5f}}))),
        new StructType(new StructField[] {field("id", DataTypes.LongType),
            field("features", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType)))}))
        .repartition(2).write().parquet(path);
    return path;
  }

  private static StructField field(String name, org.apache.spark.sql.types.DataType type) {
    return new StructField(name, type, true, Metadata.empty());
  }

  /** Every file under {@code root}: relative path → content (text, or its length for binary files). */
  static Map<String, String> snapshot(Path root) throws IOException {
    Map<String, String> files = new TreeMap<>();
    if (!Files.exists(root)) {
      return files;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path file : all.filter(Files::isRegularFile).collect(Collectors.toList())) {
        files.put(root.relativize(file).toString(), java.util.HexFormat.of().formatHex(
            java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
      }
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return files;
  }

  /** Names of the {@code .…rnnscore-*} entries anywhere under {@code root}. */
  static List<String> hiddenEntries(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.map(p -> root.relativize(p).toString()).filter(p -> p.contains(".rnnscore-"))
          .collect(Collectors.toList());
    }
  }

  static String text(Path file) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }
}
