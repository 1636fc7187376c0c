package org.rnnscore.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rnnscore.kernel.ModelSpec;
import org.rnnscore.model.InputDataException;
import org.rnnscore.model.RnnModel;

/**
 * Incremental scoring's keys, on both ways to the states: the broadcast {@link StateTable} (up to
 * --state-broadcast-max) and the sort-merge join (1 byte allowed). A repeated key is found in the
 * scoring job by the {@link KeyTally}, and only then confirmed by a grouping job, which names the
 * side, the value and its count; a run with unique keys runs no such job.
 */
class IncrementalKeysTest {
  private static final ScoreJob.Provenance MADE_BY = new ScoreJob.Provenance("m.h5", "abc123", "test", "");
  private static final long TABLE = StateOptions.DEFAULT_BROADCAST_MAX;
  private static final long SORT_MERGE = 1;

  @TempDir
  Path dir;

  private final SparkSession spark = SharedSpark.get();
  private final RnnModel model = ModelSpec.build("simple(3) > dense(1)", 5, 2, 0);
  private final Random random = new Random(12);

  @AfterEach
  void restoreGathering() {
    ScoreJob.unmatchedGatheredMax = KeyTally.GATHERED_MAX;
  }

  @ParameterizedTest
  @ValueSource(longs = {TABLE, SORT_MERGE})
  void run_uniqueKeys_decidedInTheScoringJobWithoutAGroupingJob(long broadcastMax) {
    String night1 = night1(DataTypes.LongType, List.of(1L, 2L, 3L, 4L));
    // 5 and 6 have no state: the table path gathers them, the sort-merge path sees them in order.
    String today = write("today", DataTypes.LongType, List.of(1L, 3L, 4L, 5L, 6L), 3);

    int before = ScoreJob.exactKeyChecks.get();
    ScoreJob.Result result = run(today, "night2", night1, broadcastMax);

    assertEquals(5, result.rowsScored());
    assertEquals(before, ScoreJob.exactKeyChecks.get(), "no grouping job over either side's keys");
    assertTrue(result.stateJoin().startsWith(broadcastMax == TABLE ? "broadcast, a table of 4 keys" : "sort-merge"),
        result.stateJoin());
  }

  /** 7 has a state and repeats; 9 has none and repeats; each in rows of different tasks and of one. */
  @ParameterizedTest
  @ValueSource(longs = {TABLE, SORT_MERGE})
  void run_repeatedInputKey_withOrWithoutAState_refusedNamingItAndNothingWritten(long broadcastMax) {
    String night1 = night1(DataTypes.LongType, List.of(7L, 8L));
    for (int partitions : new int[] {1, 3}) {
      for (long repeated : new long[] {7, 9}) {
        String today = write("today-" + partitions + "-" + repeated, DataTypes.LongType,
            List.of(repeated, 8L, 10L, repeated), partitions);
        String output = "night2-" + broadcastMax + "-" + partitions + "-" + repeated;
        InputDataException e = assertThrows(InputDataException.class, () -> run(today, output, night1, broadcastMax));
        assertEquals(today + ": key 'id' value " + repeated + " appears 2 times; incremental scoring joins rows on a"
            + " unique key", e.getMessage());
        assertFalse(Files.exists(dir.resolve(output)), "nothing committed at " + output);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {TABLE, SORT_MERGE})
  void run_repeatedStringKey_refused_uniqueOnesContinueTheirStates(long broadcastMax) {
    String night1 = night1(DataTypes.StringType, List.of("a", "b", "c"));
    String unique = write("unique", DataTypes.StringType, List.of("a", "c", "new"), 2);
    ScoreJob.Result result = run(unique, "night2", night1, broadcastMax);
    assertEquals(3, result.rowsScored());
    assertEquals(broadcastMax == TABLE, result.stateJoin().startsWith("broadcast, a table of 3 keys"),
        result.stateJoin());

    for (String repeated : new String[] {"b", "other"}) {
      String today = write("twice-" + repeated, DataTypes.StringType, List.of(repeated, "a", repeated), 2);
      InputDataException e = assertThrows(InputDataException.class,
          () -> run(today, "out-" + repeated, night1, broadcastMax));
      assertEquals(today + ": key 'id' value " + repeated + " appears 2 times; incremental scoring joins rows on a"
          + " unique key", e.getMessage());
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {TABLE, SORT_MERGE})
  void run_twoNullKeys_refusedAsAGroupingCountsThem_oneIsScoredFromZeros(long broadcastMax) {
    String night1 = night1(DataTypes.LongType, List.of(1L));
    String one = write("one-null", DataTypes.LongType, Arrays.asList(1L, null), 1);
    assertEquals(2, run(one, "night2", night1, broadcastMax).rowsScored());

    String two = write("two-nulls", DataTypes.LongType, Arrays.asList(null, 1L, null), 2);
    InputDataException e = assertThrows(InputDataException.class, () -> run(two, "out", night1, broadcastMax));
    assertEquals(two + ": key 'id' value null appears 2 times; incremental scoring joins rows on a unique key",
        e.getMessage());
  }

  /** The key left out of the output (--keep) is still checked: the tally reads the input's keys. */
  @ParameterizedTest
  @ValueSource(longs = {TABLE, SORT_MERGE})
  void run_repeatedKeyNotKept_stillRefused(long broadcastMax) {
    String night1 = night1(DataTypes.LongType, List.of(1L, 2L));
    String today = write("today", DataTypes.LongType, List.of(2L, 1L, 2L), 2);
    ScoreOptions options = new ScoreOptions(today, dir.resolve("out").toString(), "features", 0, List.of(),
        "prediction", null, ScoreOptions.WriteMode.ERROR, 8);
    InputDataException e = assertThrows(InputDataException.class, () -> ScoreJob.run(spark, model, options,
        BadRowPolicy.FAIL, MADE_BY, ScoreJob.NO_PROGRESS, new StateOptions(false, night1, false, broadcastMax)));
    assertEquals(today + ": key 'id' value 2 appears 2 times; incremental scoring joins rows on a unique key",
        e.getMessage());
  }

  /** More keys without a state than the driver gathers: the tally cannot tell, so the input's keys are grouped. */
  @Test
  void run_moreNewKeysThanGathered_checkedByAGroupingJobInstead() {
    ScoreJob.unmatchedGatheredMax = 2;
    String night1 = night1(DataTypes.LongType, List.of(1L));
    String unique = write("unique", DataTypes.LongType, List.of(1L, 20L, 21L, 22L, 23L), 2);
    int before = ScoreJob.exactKeyChecks.get();
    assertEquals(5, run(unique, "night2", night1, TABLE).rowsScored());
    assertEquals(before + 1, ScoreJob.exactKeyChecks.get(), "the input's keys grouped once");

    String twice = write("twice", DataTypes.LongType, List.of(20L, 21L, 22L, 20L), 2);
    InputDataException e = assertThrows(InputDataException.class, () -> run(twice, "out", night1, TABLE));
    assertEquals(twice + ": key 'id' value 20 appears 2 times; incremental scoring joins rows on a unique key",
        e.getMessage());
  }

  @Test
  void run_repeatedKeyInTheStates_refusedWhenTheTableIsBuilt_evenWithoutAMatchingRow() {
    String night1 = night1(DataTypes.LongType, List.of(5L, 5L, 6L, 5L));
    String today = write("today", DataTypes.LongType, List.of(6L), 1);
    InputDataException e = assertThrows(InputDataException.class, () -> run(today, "out", night1, TABLE));
    assertEquals(night1 + ": key 'id' value 5 appears 3 times; incremental scoring joins rows on a unique key",
        e.getMessage());
  }

  /**
   * An int key today against the long keys of night 1, each way: the states continue as Spark's
   * join would match them, and both paths give the same predictions.
   */
  @Test
  void run_intKeysAgainstLongStateKeys_continueTheSameStatesOnBothPaths() {
    String night1 = night1(DataTypes.LongType, List.of(1L, 2L, 3L));
    String today = write("today", DataTypes.IntegerType, List.of(3, 1, 4), 2);
    Map<Integer, Float> byTable = predictions(dir.resolve("t").toString(), run(today, "t", night1, TABLE));
    Map<Integer, Float> byJoin = predictions(dir.resolve("j").toString(), run(today, "j", night1, SORT_MERGE));
    Map<Integer, Float> fromZeros = predictions(dir.resolve("z").toString(),
        ScoreJob.run(spark, model, options(today, "z"), BadRowPolicy.FAIL, MADE_BY, ScoreJob.NO_PROGRESS,
            StateOptions.NONE));
    assertEquals(byJoin.keySet(), byTable.keySet());
    for (int id : byJoin.keySet()) {
      assertEquals(byJoin.get(id), byTable.get(id), 1e-6f, "id " + id);
    }
    assertEquals(fromZeros.get(4), byTable.get(4), 1e-6f, "4 has no state: from zeros");
    assertTrue(Math.abs(fromZeros.get(1) - byTable.get(1)) > 1e-4, "1 continues its state");
  }

  /** A key type the table does not take (date) is sort-merge joined, and says why. */
  @Test
  void run_dateKeys_sortMergeJoinedWithTheReason() {
    String history = dir.resolve("history-date").toString();
    spark.sql("SELECT DATE'2026-01-01' + CAST(id AS INT) AS id, array(array(1f, 2f), array(3f, 4f)) AS features"
        + " FROM range(3)").write().parquet(history);
    String night1 = dir.resolve("night1-date").toString();
    ScoreJob.run(spark, model, options(history, "night1-date"), BadRowPolicy.FAIL, MADE_BY, ScoreJob.NO_PROGRESS,
        new StateOptions(true, null, false));
    ScoreJob.Result result = run(history, "night2-date", night1, TABLE);
    assertEquals(3, result.rowsScored());
    assertTrue(result.stateJoin().startsWith("sort-merge (a key of type date and date is not broadcast as a table;"
        + " states estimated at "), result.stateJoin());
  }

  /** A state of the wrong width or not finite is the row's fault, named as before on both paths. */
  @ParameterizedTest
  @ValueSource(longs = {TABLE, SORT_MERGE})
  void run_badStates_rejectTheirRowNamingTheState(long broadcastMax) {
    String column = "state_" + model.layers().get(0).name() + "_h";
    String states = dir.resolve("states").toString();
    spark.sql("SELECT * FROM VALUES (1L, array(1f, 2f)), (2L, array(1f, float('NaN'), 0f)), (3L, array(0f, 0f, 0f))"
        + " AS t(id, `" + column + "`)").write().parquet(states);
    String[] expected = {"initial state '" + column + "' has 2 values, the layer has 3 units",
        "initial state '" + column + "' value 1 is NaN, expected a finite number"};
    for (int bad = 1; bad <= 2; bad++) {
      String today = write("today-" + bad, DataTypes.LongType, List.of(3L, (long) bad), 1);
      Exception e = assertThrows(Exception.class, () -> ScoreJob.run(spark, model, options(today, "out"),
          BadRowPolicy.FAIL, MADE_BY, ScoreJob.NO_PROGRESS, new StateOptions(false, states, true, broadcastMax)));
      assertTrue(e.getMessage().contains("(id=" + bad + ")") && e.getMessage().contains(expected[bad - 1]),
          e.getMessage());
    }
  }

  private ScoreJob.Result run(String input, String output, String states, long broadcastMax) {
    return ScoreJob.run(spark, model, options(input, output), BadRowPolicy.FAIL, MADE_BY, ScoreJob.NO_PROGRESS,
        new StateOptions(false, states, false, broadcastMax));
  }

  /** Night 1 over these keys (one step each), its states emitted; returns its output. */
  private String night1(DataType keyType, List<?> keys) {
    String history = write("history", keyType, keys, 2);
    ScoreJob.run(spark, model, options(history, "night1"), BadRowPolicy.FAIL, MADE_BY, ScoreJob.NO_PROGRESS,
        new StateOptions(true, null, false));
    return dir.resolve("night1").toString();
  }

  private ScoreOptions options(String input, String output) {
    return new ScoreOptions(input, dir.resolve(output).toString(), "features", 0, null, "prediction", null,
        ScoreOptions.WriteMode.ERROR, 8);
  }

  /** Rows of these keys (nullable), a short random sequence each, in {@code files} files in key order. */
  private String write(String name, DataType keyType, List<?> keys, int files) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      rows.add(RowFactory.create(i, keys.get(i),
          TestModels.nested(TestModels.sequence(random, 1 + random.nextInt(3), 2))));
    }
    StructType schema = new StructType(new StructField[] {
        new StructField("position", DataTypes.IntegerType, false, Metadata.empty()),
        new StructField("id", keyType, true, Metadata.empty()),
        new StructField("features", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType)), false,
            Metadata.empty())});
    String path = dir.resolve(name).toString();
    // Contiguous slices, one per file: a repeated key's rows fall in one task or in two as the list places them.
    spark.createDataFrame(rows, schema).repartitionByRange(files, org.apache.spark.sql.functions.col("position"))
        .drop("position").write().parquet(path);
    return path;
  }

  private Map<Integer, Float> predictions(String path, ScoreJob.Result result) {
    assertTrue(result.rowsScored() > 0);
    Map<Integer, Float> out = new HashMap<>();
    for (Row row : spark.read().parquet(path).select("id", "prediction").collectAsList()) {
      out.put(row.getInt(0), ((Number) row.getList(1).get(0)).floatValue());
    }
    return out;
  }
}
