package org.rnnscore.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnscore.kernel.ReferenceForwardPass;
import org.rnnscore.model.InputDataException;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.RnnScoreException;
import org.rnnscore.model.UsageException;

class ScoreJobTest {
  /**
   * float32 forward pass against the double reference: after T ≤ 40 steps of tanh with weights
   * below 1 the float rounding stays far under 1e-5 absolute; 1e-4 relative covers large outputs.
   */
  private static final double ABS_TOLERANCE = 1e-5;
  private static final double REL_TOLERANCE = 1e-4;

  private static final DataType NESTED_FLOAT = DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType));
  private static final DataType NESTED_DOUBLE =
      DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType));

  @TempDir
  Path dir;

  private final SparkSession spark = SharedSpark.get();

  @Test
  void run_nestedFloatsManyPartitionsShortLastBatch_matchesReferenceByKeyAndPassesColumnsThrough() throws Exception {
    RnnModel model = TestModels.random(11, 3, 5, 2);
    Random random = new Random(12);
    int n = 203;
    Map<Long, float[][]> sequences = new HashMap<>();
    List<Row> rows = new ArrayList<>();
    for (long id = 0; id < n; id++) {
      float[][] x = TestModels.sequence(random, 10, 3);
      sequences.put(id, x);
      rows.add(RowFactory.create("name-" + id, id, TestModels.nested(x), id % 3 == 0 ? null : (int) id,
          new Timestamp(1_700_000_000_000L + id * 1000)));
    }
    StructType schema = new StructType(new StructField[] {
        field("name", DataTypes.StringType), field("id", DataTypes.LongType), field("features", NESTED_FLOAT),
        field("weight", DataTypes.IntegerType), field("ts", DataTypes.TimestampType)});
    String input = write(rows, schema, 7);

    ScoreJob.Result result = ScoreJob.run(spark, model, options(input, 16));

    assertEquals(n, result.rowsScored());
    Dataset<Row> out = spark.read().parquet(dir.resolve("out").toString());
    assertEquals(List.of("name", "id", "weight", "ts", "prediction"), Arrays.asList(out.columns()));
    assertEquals(DataTypes.TimestampType, out.schema().apply("ts").dataType());
    // Spark writes every column as nullable; the element type is what matters.
    assertEquals(DataTypes.FloatType,
        ((org.apache.spark.sql.types.ArrayType) out.schema().apply("prediction").dataType()).elementType());
    List<Row> scored = out.collectAsList();
    assertEquals(n, scored.size());
    for (Row row : scored) {
      long id = row.getLong(1);
      assertEquals("name-" + id, row.getString(0));
      assertEquals(id % 3 == 0 ? null : (Object) (int) id, row.get(2));
      assertEquals(new Timestamp(1_700_000_000_000L + id * 1000), row.getTimestamp(3));
      assertPrediction(model, sequences.get(id), row.getList(4), "id=" + id);
    }
  }

  @Test
  void run_doubleSequencesFlatColumnAndRaggedRows_eachRowEqualsScoringItAlone() throws Exception {
    RnnModel model = TestModels.random(21, 2, 7, 3);
    Random random = new Random(22);
    List<Row> rows = new ArrayList<>();
    Map<Long, float[][]> sequences = new HashMap<>();
    for (long id = 0; id < 60; id++) {
      int t = 1 + (int) (id % 5) * 4; // lengths 1, 5, 9, 13, 17 mixed within every batch
      float[][] x = TestModels.sequence(random, t, 2);
      sequences.put(id, x);
      rows.add(RowFactory.create(id, nestedDouble(x)));
    }
    String input = write(rows, new StructType(new StructField[] {
        field("id", DataTypes.LongType), field("features", NESTED_DOUBLE)}), 3);

    ScoreJob.run(spark, model, options(input, 8));

    for (Row row : spark.read().parquet(dir.resolve("out").toString()).collectAsList()) {
      long id = row.getLong(0);
      assertPrediction(model, roundToFloat(sequences.get(id)), row.getList(1), "id=" + id);
    }
  }

  @Test
  void run_flatArrayWithTimesteps_readsTimestepsOfDFeatures() throws Exception {
    RnnModel model = TestModels.random(31, 3, 4, 1);
    Random random = new Random(32);
    List<Row> rows = new ArrayList<>();
    Map<Long, float[][]> sequences = new HashMap<>();
    for (long id = 0; id < 25; id++) {
      float[][] x = TestModels.sequence(random, 6, 3);
      sequences.put(id, x);
      List<Float> flat = new ArrayList<>();
      for (float[] step : x) {
        for (float v : step) {
          flat.add(v);
        }
      }
      rows.add(RowFactory.create(id, flat));
    }
    String input = write(rows, new StructType(new StructField[] {
        field("id", DataTypes.LongType), field("x", DataTypes.createArrayType(DataTypes.FloatType))}), 2);
    ScoreOptions options = new ScoreOptions(input, dir.resolve("out").toString(), "x", 6, null, "score", null,
        ScoreOptions.WriteMode.ERROR, 4);

    ScoreJob.run(spark, model, options);

    Dataset<Row> out = spark.read().parquet(dir.resolve("out").toString());
    assertEquals(List.of("id", "score"), Arrays.asList(out.columns()));
    for (Row row : out.collectAsList()) {
      assertPrediction(model, sequences.get(row.getLong(0)), row.getList(1), "id=" + row.getLong(0));
    }
  }

  @Test
  void run_emptyDatasetAndEmptyPartitions_writesValidEmptyOutputWithSchema() throws Exception {
    RnnModel model = TestModels.random(41, 3, 5, 2);
    StructType schema = new StructType(new StructField[] {
        field("id", DataTypes.LongType), field("features", NESTED_FLOAT)});
    String input = write(List.of(), schema, 1);

    ScoreJob.Result result = ScoreJob.run(spark, model, options(input, 1024));

    assertEquals(0, result.rowsScored());
    Dataset<Row> out = spark.read().parquet(dir.resolve("out").toString());
    assertEquals(List.of("id", "prediction"), Arrays.asList(out.columns()));
    assertEquals(0, out.count());
  }

  @Test
  void run_keepChoosesColumnsAndOrder_keyNotKeptStillNamesRows() throws Exception {
    RnnModel model = TestModels.random(51, 1, 2, 1);
    List<Row> rows = List.of(
        RowFactory.create(1L, "a", 10, TestModels.nested(new float[][] {{0.5f}})),
        RowFactory.create(2L, "b", 20, TestModels.nested(new float[][] {{0.25f}, {-1f}})));
    String input = write(rows, new StructType(new StructField[] {field("id", DataTypes.LongType),
        field("s", DataTypes.StringType), field("i", DataTypes.IntegerType), field("features", NESTED_FLOAT)}), 1);
    ScoreOptions options = new ScoreOptions(input, dir.resolve("out").toString(), "features", 0, List.of("i", "s"),
        "prediction", null, ScoreOptions.WriteMode.ERROR, 3);

    ScoreJob.run(spark, model, options);

    Dataset<Row> out = spark.read().parquet(dir.resolve("out").toString());
    assertEquals(List.of("i", "s", "prediction"), Arrays.asList(out.columns()));
    assertEquals(2, out.count());
  }

  @Test
  void run_keepNamesSequenceColumn_usageError() throws Exception {
    String input = oneGoodRow();
    ScoreOptions options = new ScoreOptions(input, dir.resolve("out").toString(), "features", 0,
        List.of("id", "features"), "prediction", null, ScoreOptions.WriteMode.ERROR, 3);
    UsageException e = assertThrows(UsageException.class,
        () -> ScoreJob.run(spark, TestModels.random(1, 3, 2, 1), options));
    assertEquals("--keep names the sequence column 'features'; it is never passed through (predictions replace it)",
        e.getMessage());
  }

  @Test
  void run_predictionColumnCollidesWithKeptColumn_usageError() throws Exception {
    String input = oneGoodRow();
    ScoreOptions options = new ScoreOptions(input, dir.resolve("out").toString(), "features", 0, null, "id", null,
        ScoreOptions.WriteMode.ERROR, 3);
    UsageException e = assertThrows(UsageException.class,
        () -> ScoreJob.run(spark, TestModels.random(1, 3, 2, 1), options));
    assertEquals("--prediction-col 'id' collides with a kept input column of the same name; rename it with "
        + "--prediction-col or leave the column out with --keep", e.getMessage());
  }

  @Test
  void run_missingFeaturesColumn_inputErrorShowsSchemaFound() throws Exception {
    String input = oneGoodRow();
    ScoreOptions options = new ScoreOptions(input, dir.resolve("out").toString(), "seq", 0, null, "prediction", null,
        ScoreOptions.WriteMode.ERROR, 3);
    InputDataException e = assertThrows(InputDataException.class,
        () -> ScoreJob.run(spark, TestModels.random(1, 3, 2, 1), options));
    assertEquals(input + ": column 'seq' not found; the input has columns id: bigint, features: array<array<float>>."
        + " Name the sequence column with --features-col", e.getMessage());
  }

  @Test
  void run_sequenceColumnOfWrongType_inputErrorNamesTypeFoundAndExpected() throws Exception {
    String input = write(List.of(RowFactory.create(1L, List.of("a"))), new StructType(new StructField[] {
        field("id", DataTypes.LongType), field("features", DataTypes.createArrayType(DataTypes.StringType))}), 1);
    InputDataException e = assertThrows(InputDataException.class,
        () -> ScoreJob.run(spark, TestModels.random(1, 3, 2, 1), options(input, 3)));
    assertEquals(input + ": column 'features' has type array<string>, expected array<array<float>> (T timesteps of"
        + " D = 3 features; double is accepted and cast) or a flat array<float> of T·D values with --timesteps T",
        e.getMessage());
  }

  @Test
  void run_outputExistsInErrorMode_usageErrorAndOverwriteReplacesIt() throws Exception {
    String input = oneGoodRow();
    Files.createDirectories(dir.resolve("out"));
    UsageException e = assertThrows(UsageException.class,
        () -> ScoreJob.run(spark, TestModels.random(1, 3, 2, 1), options(input, 3)));
    assertEquals("--output " + dir.resolve("out") + " already exists; choose another path or pass --mode overwrite"
        + " to replace it", e.getMessage());

    ScoreOptions overwrite = new ScoreOptions(input, dir.resolve("out").toString(), "features", 0, null,
        "prediction", null, ScoreOptions.WriteMode.OVERWRITE, 3);
    assertEquals(1, ScoreJob.run(spark, TestModels.random(1, 3, 2, 1), overwrite).rowsScored());
  }

  private String mixedInput() {
    List<Row> rows = List.of(
        RowFactory.create(1L, "a", TestModels.nested(new float[][] {{1, 2}, {3, 4}})),
        RowFactory.create(2L, "b", TestModels.nested(new float[][] {{1, 2, 3}})),
        RowFactory.create(3L, "c", null),
        RowFactory.create(4L, "d", TestModels.nested(new float[][] {{Float.NaN, 0}})),
        RowFactory.create(5L, "e", TestModels.nested(new float[][] {{0.5f, 0.5f}})));
    return write(rows, new StructType(new StructField[] {field("id", DataTypes.LongType),
        field("name", DataTypes.StringType), field("features", NESTED_FLOAT)}), 2);
  }

  @Test
  void run_quarantine_scoresGoodRowsAndWritesRejectsWithReasonsAccountingForEveryRow() {
    String rejects = dir.resolve("rejects").toString();
    ScoreJob.Result result = ScoreJob.run(spark, TestModels.random(1, 2, 3, 1), options(mixedInput(), 2),
        BadRowPolicy.parse("quarantine", rejects, null));

    assertEquals(5, result.rowsIn());
    assertEquals(2, result.rowsScored());
    assertEquals(3, result.rowsRejected());
    assertEquals(java.util.Map.of("non_finite", 1L, "null_sequence", 1L, "wrong_width", 1L), result.rejectsByCode());
    assertEquals(List.of(1L, 5L), spark.read().parquet(dir.resolve("out").toString()).select("id").orderBy("id")
        .collectAsList().stream().map(r -> r.getLong(0)).collect(java.util.stream.Collectors.toList()));
    Dataset<Row> bad = spark.read().parquet(rejects).orderBy("id");
    assertEquals(List.of("id", "name", "reason_code", "reason", "source_file", "source_row"),
        Arrays.asList(bad.columns()));
    assertEquals("[[2,b,wrong_width,timestep 0 has 3 features, model expects 2], [3,c,null_sequence,the sequence is"
        + " null], [4,d,non_finite,timestep 0 feature 0 is NaN, expected a finite number]]",
        bad.drop("source_file", "source_row").collectAsList().toString());
    // Each reject's source_file and source_row lead back to that very row of the input.
    for (Row reject : bad.collectAsList()) {
      List<Row> original = spark.read().parquet(reject.getString(4))
          .where(org.apache.spark.sql.functions.col("_metadata.row_index").equalTo(reject.getLong(5)))
          .select("id").collectAsList();
      assertEquals(List.of(reject.getLong(0)), original.stream().map(r -> r.getLong(0))
          .collect(java.util.stream.Collectors.toList()), reject.toString());
    }
  }

  @Test
  void run_missingFeaturesColumnOfAWideInput_listsTheFirstColumnsAndACount() {
    String input = dir.resolve("wide").toString();
    StringBuilder select = new StringBuilder("SELECT 1L AS id");
    for (int c = 0; c < 30; c++) {
      select.append(", 0 AS c").append(c);
    }
    spark.sql(select.toString()).write().parquet(input);

    InputDataException e = assertThrows(InputDataException.class,
        () -> ScoreJob.run(spark, TestModels.random(1, 3, 2, 1), options(input, 3)));

    assertEquals(input + ": column 'features' not found; the input has columns id: bigint, c0: int, c1: int, c2: int,"
        + " c3: int, c4: int, c5: int, c6: int, c7: int, c8: int and 21 more (31 in all). Name the sequence column with"
        + " --features-col", e.getMessage());
  }

  @Test
  void run_nullKeyInSecondFile_badRowNamedByItsFileAndIndexThere() throws Exception {
    String input = dir.resolve("in").toString();
    StructType schema = new StructType(new StructField[] {field("id", DataTypes.LongType),
        field("features", NESTED_FLOAT)});
    spark.createDataFrame(List.of(RowFactory.create(1L, TestModels.nested(new float[][] {{1, 2}}))), schema)
        .coalesce(1).write().parquet(input);
    spark.createDataFrame(List.of(RowFactory.create(2L, TestModels.nested(new float[][] {{1, 2}})),
        RowFactory.create(3L, TestModels.nested(new float[][] {{1, 2}})),
        RowFactory.create(null, TestModels.nested(new float[][] {{1, 2, 3}}))), schema)
        .coalesce(1).write().mode("append").parquet(input);
    String secondFile;
    try (java.util.stream.Stream<Path> files = Files.list(Path.of(input))) {
      secondFile = files.map(Path::toString).filter(f -> f.endsWith(".parquet"))
          .filter(f -> spark.read().parquet(f).count() == 3).findFirst().orElseThrow();
    }

    String message = failureMessage(TestModels.random(1, 2, 2, 1), options(input, 3));

    assertEquals("file:" + secondFile + ": row 2 (id=null): timestep 0 has 3 features, model expects 2 (wrong_width)",
        message);
  }

  @Test
  void run_quarantinePastMaxBadRows_failsAndWritesNothing() {
    String rejects = dir.resolve("rejects").toString();
    String input = mixedInput();
    InputDataException e = assertThrows(InputDataException.class, () -> ScoreJob.run(spark,
        TestModels.random(1, 2, 3, 1), options(input, 2), BadRowPolicy.parse("quarantine", rejects, "50%")));
    assertEquals(input + ": 3 of 5 rows are bad (non_finite: 1, null_sequence: 1, wrong_width: 1), more than"
        + " --max-bad-rows 50.0%; nothing was written", e.getMessage());
    assertTrue(Files.notExists(dir.resolve("out")));
    assertTrue(Files.notExists(dir.resolve("rejects")));
  }

  @Test
  void run_failModeOnSeveralBadRows_messageCountsThemByCode() {
    Exception failure = assertThrows(Exception.class,
        () -> ScoreJob.run(spark, TestModels.random(1, 2, 3, 1), options(mixedInput(), 2)));
    assertInstanceOf(BadRowException.class, failure);
    assertTrue(failure.getMessage().endsWith("; the input has 3 bad rows in all (non_finite: 1, null_sequence: 1,"
        + " wrong_width: 1); nothing was written. Score the good ones with --on-bad-row quarantine --rejects PATH"),
        failure.getMessage());
    assertTrue(Files.notExists(dir.resolve("out")));
  }

  @Test
  void parse_badThresholdsAndMissingRejects_usageErrors() {
    assertEquals("--on-bad-row quarantine needs --rejects PATH, where the bad rows are written",
        assertThrows(UsageException.class, () -> BadRowPolicy.parse("quarantine", null, null)).getMessage());
    assertEquals("--max-bad-rows '5x' is neither a count (e.g. 100) nor a percentage between 0 and 100 (e.g. 0.5%)",
        assertThrows(UsageException.class, () -> BadRowPolicy.parse("quarantine", "r", "5x")).getMessage());
    assertEquals("--on-bad-row 'skip' is not one of: fail, quarantine",
        assertThrows(UsageException.class, () -> BadRowPolicy.parse("skip", null, null)).getMessage());
  }

  @Test
  void run_taskFailsOnceAndIsRetried_outputIdenticalToUnfailedRun() {
    RnnModel model = TestModels.random(3, 3, 4, 2);
    Random random = new Random(4);
    List<Row> rows = new ArrayList<>();
    for (long id = 0; id < 300; id++) {
      rows.add(RowFactory.create(id, TestModels.nested(TestModels.sequence(random, 5, 3))));
    }
    String input = write(rows, new StructType(new StructField[] {
        field("id", DataTypes.LongType), field("features", NESTED_FLOAT)}), 3);
    ScoreJob.run(spark, model, options(input, 16));
    List<Row> unfailed = spark.read().parquet(dir.resolve("out").toString()).orderBy("id").collectAsList();

    ScoreOptions again = new ScoreOptions(input, dir.resolve("again").toString(), "features", 0, null, "prediction",
        null, ScoreOptions.WriteMode.ERROR, 16);
    spark.sparkContext().setLocalProperty(PartitionScorer.FAIL_ONCE, "1");
    try {
      ScoreJob.run(spark, model, again); // local[2,3]: the failed attempt is retried
    } finally {
      spark.sparkContext().setLocalProperty(PartitionScorer.FAIL_ONCE, null);
    }
    List<Row> retried = spark.read().parquet(dir.resolve("again").toString()).orderBy("id").collectAsList();
    assertEquals(300, retried.size());
    assertEquals(unfailed.toString(), retried.toString());
  }

  @Test
  void run_partitionByDayInOverwriteMode_replacesOnlyThePartitionsWritten() {
    RnnModel model = TestModels.random(1, 3, 2, 1);
    StructType schema = new StructType(new StructField[] {field("id", DataTypes.LongType),
        field("day", DataTypes.StringType), field("features", NESTED_FLOAT)});
    java.util.function.BiFunction<String, Long, String> night = (day, firstId) -> {
      String path = dir.resolve("in-" + day + "-" + firstId).toString();
      spark.createDataFrame(List.of(RowFactory.create(firstId, day, TestModels.nested(new float[][] {{1, 2, 3}})),
          RowFactory.create(firstId + 1, day, TestModels.nested(new float[][] {{3, 2, 1}}))), schema).write().parquet(path);
      return path;
    };
    for (String[] run : new String[][] {{"2026-11-21", "10"}, {"2026-11-22", "20"}, {"2026-11-21", "30"}}) {
      ScoreOptions options = new ScoreOptions(night.apply(run[0], Long.parseLong(run[1])),
          dir.resolve("out").toString(), "features", 0, null, "prediction", null, ScoreOptions.WriteMode.OVERWRITE, 8,
          0, "day");
      assertEquals(2, ScoreJob.run(spark, model, options).rowsScored());
    }
    List<String> rows = spark.read().parquet(dir.resolve("out").toString()).orderBy("id").collectAsList().stream()
        .map(r -> r.getLong(0) + "@" + r.getAs("day")).collect(java.util.stream.Collectors.toList());
    assertEquals(List.of("20@2026-11-22", "21@2026-11-22", "30@2026-11-21", "31@2026-11-21"), rows);
  }

  @Test
  void run_rerunWithOverwriteOnSameInputs_identicalPredictions() {
    RnnModel model = TestModels.random(8, 3, 6, 2);
    Random random = new Random(9);
    List<Row> rows = new ArrayList<>();
    for (long id = 0; id < 150; id++) {
      rows.add(RowFactory.create(id, TestModels.nested(TestModels.sequence(random, 1 + (int) (id % 7), 3))));
    }
    String input = write(rows, new StructType(new StructField[] {
        field("id", DataTypes.LongType), field("features", NESTED_FLOAT)}), 4);
    ScoreOptions overwrite = new ScoreOptions(input, dir.resolve("out").toString(), "features", 0, null, "prediction",
        null, ScoreOptions.WriteMode.OVERWRITE, 13);
    ScoreJob.run(spark, model, overwrite);
    String first = spark.read().parquet(dir.resolve("out").toString()).orderBy("id").collectAsList().toString();
    ScoreJob.run(spark, model, overwrite);
    assertEquals(first, spark.read().parquet(dir.resolve("out").toString()).orderBy("id").collectAsList().toString());
  }

  @Test
  void run_outputTable_rowsInTheCatalogTableAndErrorModeRefusesAnExistingOne() {
    String input = oneGoodRow();
    RnnModel model = TestModels.random(1, 3, 2, 1);
    ScoreOptions toTable = new ScoreOptions(input, dir.resolve("staging").toString(), "features", 0, null,
        "prediction", null, ScoreOptions.WriteMode.ERROR, 8, 0, null, org.rnnscore.kernel.Nd4jRuntime.Backend.AUTO,
        "rnnscore_test_scores");
    spark.sql("DROP TABLE IF EXISTS rnnscore_test_scores");
    assertEquals(1, ScoreJob.run(spark, model, toTable).rowsScored());
    assertEquals(List.of("id", "prediction"), Arrays.asList(spark.table("rnnscore_test_scores").columns()));
    assertEquals(1, spark.table("rnnscore_test_scores").count());
    assertTrue(Files.notExists(dir.resolve("staging")), "the staging path is removed once the table is written");

    assertEquals("--output-table rnnscore_test_scores already exists; choose another table or pass --mode overwrite to"
        + " replace it", assertThrows(UsageException.class, () -> ScoreJob.run(spark, model, toTable)).getMessage());
    spark.sql("DROP TABLE rnnscore_test_scores");
  }

  @Test
  void run_partitionByColumnNotKept_usageError() {
    ScoreOptions options = new ScoreOptions(oneGoodRow(), dir.resolve("out").toString(), "features", 0, null,
        "prediction", null, ScoreOptions.WriteMode.ERROR, 8, 0, "day");
    assertEquals("--partition-by 'day' is not among the output's columns [id]; partition by a kept input column",
        assertThrows(UsageException.class, () -> ScoreJob.run(spark, TestModels.random(1, 3, 2, 1), options))
            .getMessage());
  }

  @Test
  void run_failedRunInOverwriteMode_leavesPreviousOutputAndNoStaging() throws Exception {
    RnnModel model = TestModels.random(1, 3, 2, 1);
    String good = oneGoodRow();
    ScoreOptions overwrite = new ScoreOptions(good, dir.resolve("out").toString(), "features", 0, null, "prediction",
        null, ScoreOptions.WriteMode.OVERWRITE, 3);
    ScoreJob.run(spark, model, overwrite);
    List<Row> before = spark.read().parquet(dir.resolve("out").toString()).collectAsList();

    Path badInput = dir.resolve("bad");
    spark.sql("SELECT 1L AS id, array(array(1f, 2f)) AS features").write().parquet(badInput.toString());
    ScoreOptions failing = new ScoreOptions(badInput.toString(), dir.resolve("out").toString(), "features", 0, null,
        "prediction", null, ScoreOptions.WriteMode.OVERWRITE, 3);
    assertThrows(Exception.class, () -> ScoreJob.run(spark, model, failing));

    assertEquals(before.toString(), spark.read().parquet(dir.resolve("out").toString()).collectAsList().toString());
    try (java.util.stream.Stream<Path> siblings = Files.list(dir)) {
      assertEquals(List.of(), siblings.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".out."))
          .collect(java.util.stream.Collectors.toList()), "staging left beside the output");
    }
  }

  @Test
  void run_staleStagingOfKilledRun_isCleanedByTheNextRun() throws Exception {
    Path stale = dir.resolve(".out.rnnscore-staging-killed");
    Files.createDirectories(stale.resolve("_temporary"));
    ScoreJob.run(spark, TestModels.random(1, 3, 2, 1), options(oneGoodRow(), 3));
    assertTrue(Files.notExists(stale), "stale staging removed");
    assertEquals(1, spark.read().parquet(dir.resolve("out").toString()).count());
  }

  @Test
  void run_timestepOfWrongWidth_failsNamingFileRowIndexKeyAndReason() throws Exception {
    List<Row> rows = List.of(
        RowFactory.create(7L, TestModels.nested(new float[][] {{1, 2, 3}, {4, 5, 6}})),
        RowFactory.create(8L, TestModels.nested(new float[][] {{1, 2, 3}, {4, 5, 6}, {7, 8, 9, 10}})));
    String input = write(rows, new StructType(new StructField[] {
        field("id", DataTypes.LongType), field("features", NESTED_FLOAT)}), 1);
    String message = failureMessage(TestModels.random(1, 3, 2, 1), options(input, 3));
    assertTrue(message.matches("file:.*part-00000.*\\.parquet: row 1 \\(id=8\\): timestep 2 has 4"
        + " features, model expects 3 \\(wrong_width\\)"), message);
  }

  @Test
  void run_nullEmptyAndNonFiniteSequences_eachNamedWithItsCode() throws Exception {
    RnnModel model = TestModels.random(1, 2, 2, 1);
    assertBadRow(model, RowFactory.create(3L, null), "(id=3): the sequence is null (null_sequence)");
    assertBadRow(model, RowFactory.create(4L, List.of()), "(id=4): the sequence has no timesteps (empty_sequence)");
    assertBadRow(model, RowFactory.create(5L, TestModels.nested(new float[][] {{1, Float.NaN}})),
        "(id=5): timestep 0 feature 1 is NaN, expected a finite number (non_finite)");
    assertBadRow(model, RowFactory.create(6L, TestModels.nested(new float[][] {{1, 2}, {Float.NEGATIVE_INFINITY, 0}})),
        "(id=6): timestep 1 feature 0 is -Infinity, expected a finite number (non_finite)");
    assertBadRow(model, RowFactory.create(9L, Arrays.asList(Arrays.asList(1f, null))),
        "(id=9): timestep 0 feature 1 is null (null_value)");
  }

  @Test
  void run_flatSequenceOfWrongLength_failsWithExpectedLength() throws Exception {
    String input = write(List.of(RowFactory.create(1L, List.of(1f, 2f, 3f, 4f, 5f))), new StructType(
        new StructField[] {field("id", DataTypes.LongType), field("x", DataTypes.createArrayType(DataTypes.FloatType))}),
        1);
    ScoreOptions options = new ScoreOptions(input, dir.resolve("out").toString(), "x", 3, null, "prediction", null,
        ScoreOptions.WriteMode.ERROR, 3);
    String message = failureMessage(TestModels.random(1, 2, 2, 1), options);
    assertTrue(message.endsWith("(id=1): the flat sequence has 5 values, expected T·D = 3·2 = 6 (--timesteps 3)"
        + " (wrong_length)"), message);
  }

  @Test
  void run_noKeyColumn_namesRowByItsIndexInTheFile() throws Exception {
    String input = write(List.of(RowFactory.create("x", TestModels.nested(new float[][] {{1}})),
        RowFactory.create("y", TestModels.nested(new float[][] {{1, 2}}))), new StructType(new StructField[] {
            field("name", DataTypes.StringType), field("features", NESTED_FLOAT)}), 1);
    String message = failureMessage(TestModels.random(1, 1, 2, 1), options(input, 3));
    assertTrue(message.matches("file:.*part-00000.*\\.parquet: row 1: timestep 0 has 2 features, model expects 1"
        + " \\(wrong_width\\)"), message);
  }

  private void assertBadRow(RnnModel model, Row row, String expectedEnding) throws Exception {
    Path sub = Files.createTempDirectory(dir, "bad");
    List<Row> rows = List.of(RowFactory.create(1L, TestModels.nested(new float[][] {{0.5f, 0.5f}})), row);
    String input = sub.resolve("in").toString();
    spark.createDataFrame(rows, new StructType(new StructField[] {
        field("id", DataTypes.LongType), field("features", NESTED_FLOAT)})).coalesce(1).write().parquet(input);
    ScoreOptions options = new ScoreOptions(input, sub.resolve("out").toString(), "features", 0, null, "prediction",
        null, ScoreOptions.WriteMode.ERROR, 3);
    String message = failureMessage(model, options);
    assertTrue(message.endsWith(expectedEnding), message);
  }

  /** Runs a job that must fail on an executor; returns rnnscore's own message from the cause chain. */
  private String failureMessage(RnnModel model, ScoreOptions options) {
    Exception failure = assertThrows(Exception.class, () -> ScoreJob.run(spark, model, options));
    Throwable current = failure;
    while (current != null && !(current instanceof RnnScoreException)) {
      current = current.getCause();
    }
    assertNotNull(current, () -> "no rnnscore error in the cause chain of " + failure);
    assertInstanceOf(BadRowException.class, current);
    String message = current.getMessage();
    int census = message.indexOf("; the input has ");
    assertTrue(census > 0, () -> "the failure counts the input's bad rows: " + message);
    return message.substring(0, census);
  }

  @Test
  void run_computedFloatColumnsWrittenWithoutDictionary_passedThroughColumnsKeepIt() throws Exception {
    RnnModel model = TestModels.random(61, 3, 4, 2);
    Random random = new Random(62);
    List<Row> rows = new ArrayList<>();
    for (long id = 0; id < 500; id++) {
      rows.add(RowFactory.create(id, id % 2 == 0 ? "a" : "b", TestModels.nested(TestModels.sequence(random, 4, 3))));
    }
    String input = write(rows, new StructType(new StructField[] {field("id", DataTypes.LongType),
        field("segment", DataTypes.StringType), field("features", NESTED_FLOAT)}), 1);

    ScoreJob.run(spark, model, options(input, 64), BadRowPolicy.FAIL, null, ScoreJob.NO_PROGRESS,
        new StateOptions(true, null, false));

    Map<String, java.util.Set<org.apache.parquet.column.Encoding>> encodings = new HashMap<>();
    try (java.util.stream.Stream<Path> files = Files.list(dir.resolve("out"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".parquet")).toList()) {
        try (org.apache.parquet.hadoop.ParquetFileReader reader = org.apache.parquet.hadoop.ParquetFileReader.open(
            org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()),
                new org.apache.hadoop.conf.Configuration()))) {
          for (org.apache.parquet.hadoop.metadata.BlockMetaData block : reader.getFooter().getBlocks()) {
            for (org.apache.parquet.hadoop.metadata.ColumnChunkMetaData chunk : block.getColumns()) {
              encodings.computeIfAbsent(chunk.getPath().toDotString(), p -> new java.util.HashSet<>())
                  .addAll(chunk.getEncodings());
            }
          }
        }
      }
    }
    assertEquals(java.util.Set.of("id", "segment", "prediction.list.element", "state_simple_rnn_h.list.element"),
        encodings.keySet());
    for (String computed : List.of("prediction.list.element", "state_simple_rnn_h.list.element")) {
      assertTrue(encodings.get(computed).contains(org.apache.parquet.column.Encoding.PLAIN), computed + encodings);
      assertTrue(encodings.get(computed).stream().noneMatch(org.apache.parquet.column.Encoding::usesDictionary),
          computed + " " + encodings.get(computed));
    }
    assertTrue(encodings.get("segment").stream().anyMatch(org.apache.parquet.column.Encoding::usesDictionary),
        "a passed-through column keeps Parquet's default: " + encodings.get("segment"));
  }

  private String oneGoodRow() {
    return write(List.of(RowFactory.create(1L, TestModels.nested(new float[][] {{1, 2, 3}}))), new StructType(
        new StructField[] {field("id", DataTypes.LongType), field("features", NESTED_FLOAT)}), 1);
  }

  private ScoreOptions options(String input, int batchSize) {
    return new ScoreOptions(input, dir.resolve("out").toString(), "features", 0, null, "prediction", null,
        ScoreOptions.WriteMode.ERROR, batchSize);
  }

  private String write(List<Row> rows, StructType schema, int partitions) {
    String path = dir.resolve("in").toString();
    spark.createDataFrame(rows, schema).repartition(partitions).write().parquet(path);
    return path;
  }

  private static void assertPrediction(RnnModel model, float[][] x, List<Object> actual, String row) {
    double[][][] input = new double[1][x.length][];
    for (int t = 0; t < x.length; t++) {
      input[0][t] = new double[x[t].length];
      for (int d = 0; d < x[t].length; d++) {
        input[0][t][d] = x[t][d];
      }
    }
    double[] expected = ReferenceForwardPass.forward(model, input)[0];
    assertEquals(expected.length, actual.size(), row);
    for (int k = 0; k < expected.length; k++) {
      double got = ((Number) actual.get(k)).doubleValue();
      double tolerance = ABS_TOLERANCE + REL_TOLERANCE * Math.abs(expected[k]);
      assertEquals(expected[k], got, tolerance, row + " output " + k);
    }
  }

  private static float[][] roundToFloat(float[][] x) {
    return x; // the sequences were made as floats; their double copies cast back exactly
  }

  private static List<List<Double>> nestedDouble(float[][] x) {
    List<List<Double>> steps = new ArrayList<>();
    for (float[] step : x) {
      List<Double> values = new ArrayList<>();
      for (float v : step) {
        values.add((double) v);
      }
      steps.add(values);
    }
    return steps;
  }

  private static StructField field(String name, DataType type) {
    return new StructField(name, type, true, Metadata.empty());
  }
}
