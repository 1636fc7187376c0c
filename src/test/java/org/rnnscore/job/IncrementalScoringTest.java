package org.rnnscore.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rnnscore.kernel.ModelSpec;
import org.rnnscore.model.InputDataException;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.UsageException;

/** Scoring x[0:T] at once equals x[0:k] with --emit-state, then x[k:T] from that state. */
class IncrementalScoringTest {
  private static final ScoreJob.Provenance MADE_BY = new ScoreJob.Provenance("m.h5", "abc123", "test", "");
  private static final ScoreJob.Provenance OTHER = new ScoreJob.Provenance("n.h5", "def456", "test", "");

  @TempDir
  Path dir;

  private final SparkSession spark = SharedSpark.get();

  @ParameterizedTest
  @ValueSource(strings = {"simple(6) > dense(3)", "lstm(5,rs) > gru(4) > dense(2)", "gru(3,reset_before) > dense(1)"})
  void run_historyThenNewStepsFromEmittedState_equalsScoringTheWholeSequence(String spec) {
    RnnModel model = ModelSpec.build(spec, 31, 2, 0);
    Random random = new Random(32);
    List<Row> whole = new ArrayList<>();
    List<Row> history = new ArrayList<>();
    List<Row> today = new ArrayList<>();
    for (long id = 0; id < 40; id++) {
      float[][] x = TestModels.sequence(random, 2 + random.nextInt(10), 2);
      int k = 1 + random.nextInt(x.length - 1);
      whole.add(RowFactory.create(id, TestModels.nested(x)));
      history.add(RowFactory.create(id, TestModels.nested(Arrays.copyOfRange(x, 0, k))));
      today.add(RowFactory.create(id, TestModels.nested(Arrays.copyOfRange(x, k, x.length))));
    }
    Map<Long, List<Object>> expected = predictions(score(model, write("whole", whole), "once", StateOptions.NONE));
    String night1 = score(model, write("history", history), "night1", new StateOptions(true, null, false));
    assertEquals(List.of("id", "prediction"), Arrays.asList(spark.read().parquet(night1).columns()).subList(0, 2));
    String night2 = score(model, write("today", today), "night2", new StateOptions(false, night1, false));

    Map<Long, List<Object>> continued = predictions(night2);
    assertEquals(expected.keySet(), continued.keySet());
    for (Map.Entry<Long, List<Object>> e : expected.entrySet()) {
      List<Object> want = e.getValue();
      List<Object> got = continued.get(e.getKey());
      for (int i = 0; i < want.size(); i++) {
        double w = ((Number) want.get(i)).doubleValue();
        assertEquals(w, ((Number) got.get(i)).doubleValue(), 1e-5 + 1e-4 * Math.abs(w), spec + " id=" + e.getKey());
      }
    }
  }

  @Test
  void run_emitStateOnLstm_writesHThenCPerLayerAfterThePrediction() {
    RnnModel model = ModelSpec.build("lstm(3,rs) > simple(2) > dense(1)", 5, 2, 0);
    String out = score(model, write("in", List.of(RowFactory.create(1L, TestModels.nested(new float[][] {{1, 2}})))),
        "out", new StateOptions(true, null, false));
    String lstm = model.layers().get(0).name();
    String simple = model.layers().get(1).name();
    assertEquals(List.of("id", "prediction", "state_" + lstm + "_h", "state_" + lstm + "_c", "state_" + simple + "_h"),
        Arrays.asList(spark.read().parquet(out).columns()));
  }

  @Test
  void run_statesOfAnotherModel_refusedUnlessForced() {
    RnnModel model = ModelSpec.build("simple(3) > dense(1)", 5, 2, 0);
    String rows = write("in", List.of(RowFactory.create(1L, TestModels.nested(new float[][] {{1, 2}}))));
    String night1 = score(model, rows, "night1", new StateOptions(true, null, false));
    InputDataException e = assertThrows(InputDataException.class, () -> ScoreJob.run(spark, model,
        options(rows, "night2"), BadRowPolicy.FAIL, OTHER, ScoreJob.NO_PROGRESS, new StateOptions(false, night1, false)));
    assertEquals(night1 + ": the states were made by model sha256 abc123, but this model is def456; a state only"
        + " continues the model that made it (--force-state to use them anyway)", e.getMessage());
    ScoreJob.run(spark, model, options(rows, "night2"), BadRowPolicy.FAIL, OTHER, ScoreJob.NO_PROGRESS,
        new StateOptions(false, night1, true));
  }

  @Test
  void run_duplicateKeysInTheStates_refused() {
    RnnModel model = ModelSpec.build("simple(3) > dense(1)", 5, 2, 0);
    String twice = write("twice", List.of(RowFactory.create(7L, TestModels.nested(new float[][] {{1, 2}})),
        RowFactory.create(7L, TestModels.nested(new float[][] {{3, 4}}))));
    String night1 = score(model, twice, "night1", new StateOptions(true, null, false));
    String rows = write("in", List.of(RowFactory.create(7L, TestModels.nested(new float[][] {{1, 2}}))));
    InputDataException e = assertThrows(InputDataException.class, () -> score(model, rows, "night2",
        new StateOptions(false, night1, false)));
    assertEquals(night1 + ": key 'id' value 7 appears 2 times; incremental scoring joins rows on a unique key",
        e.getMessage());
  }

  @Test
  void run_duplicateKeysInTheInput_refusedAndNothingWritten() {
    RnnModel model = ModelSpec.build("simple(3) > dense(1)", 5, 2, 0);
    String night1 = score(model, write("history", List.of(RowFactory.create(7L, TestModels.nested(
        new float[][] {{1, 2}})))), "night1", new StateOptions(true, null, false));
    String twice = write("twice", List.of(RowFactory.create(7L, TestModels.nested(new float[][] {{1, 2}})),
        RowFactory.create(8L, TestModels.nested(new float[][] {{5, 6}})),
        RowFactory.create(7L, TestModels.nested(new float[][] {{3, 4}}))));
    for (long broadcastMax : new long[] {1, StateOptions.DEFAULT_BROADCAST_MAX}) {
      String output = "night2-" + broadcastMax;
      InputDataException e = assertThrows(InputDataException.class, () -> score(model, twice, output,
          new StateOptions(false, night1, false, broadcastMax)));
      assertEquals(twice + ": key 'id' value 7 appears 2 times; incremental scoring joins rows on a unique key",
          e.getMessage());
      assertFalse(java.nio.file.Files.exists(dir.resolve(output)), "nothing committed at " + output);
    }
  }

  /** Night 2 with the states broadcast and sort-merge joined (1 byte allowed): the same rows and predictions. */
  @Test
  void run_statesBroadcastOrSortMergeJoined_samePredictions() {
    RnnModel model = ModelSpec.build("lstm(4,rs) > gru(3) > dense(2)", 9, 2, 0);
    Random random = new Random(10);
    List<Row> history = new ArrayList<>();
    List<Row> today = new ArrayList<>();
    for (long id = 0; id < 60; id++) {
      history.add(RowFactory.create(id, TestModels.nested(TestModels.sequence(random, 1 + random.nextInt(6), 2))));
      if (id % 3 != 0) { // a third of the rows have no new steps today; some of today's have no state
        today.add(RowFactory.create(id + 30, TestModels.nested(TestModels.sequence(random, 1 + random.nextInt(4), 2))));
      }
    }
    String night1 = score(model, write("history", history), "night1", new StateOptions(true, null, false));
    String todayPath = write("today", today);
    Map<String, Map<Long, List<Object>>> byPath = new HashMap<>();
    for (long broadcastMax : new long[] {1, StateOptions.DEFAULT_BROADCAST_MAX}) {
      String output = "night2-" + broadcastMax;
      ScoreJob.Result result = ScoreJob.run(spark, model, options(todayPath, output), BadRowPolicy.FAIL, MADE_BY,
          ScoreJob.NO_PROGRESS, new StateOptions(true, night1, false, broadcastMax));
      String join = broadcastMax == 1 ? "sort-merge" : "broadcast";
      assertTrue(result.stateJoin().startsWith(broadcastMax == 1 ? "sort-merge (states estimated at "
          : "broadcast, a table of 60 keys (states estimated at "), result.stateJoin());
      assertTrue(result.stateJoin().endsWith(broadcastMax == 1 ? " > --state-broadcast-max 1 B)"
          : " ≤ --state-broadcast-max 512 MiB)"), result.stateJoin());
      assertEquals(today.size(), result.rowsScored());
      byPath.put(join, predictions(dir.resolve(output).toString()));
    }
    Map<Long, List<Object>> broadcast = byPath.get("broadcast");
    Map<Long, List<Object>> merged = byPath.get("sort-merge");
    assertEquals(broadcast.keySet(), merged.keySet());
    for (Long id : broadcast.keySet()) {
      for (int i = 0; i < broadcast.get(id).size(); i++) {
        double b = ((Number) broadcast.get(id).get(i)).doubleValue();
        // Rows meet other rows in their batches in another order: equal up to float rounding.
        assertEquals(b, ((Number) merged.get(id).get(i)).doubleValue(), 1e-6 + 1e-5 * Math.abs(b), "id " + id);
      }
    }
  }

  @Test
  void run_bidirectionalOrBackwardsModel_cannotBeContinued() {
    RnnModel bi = ModelSpec.build("bi(gru,3,concat) > dense(1)", 5, 2, 0);
    String rows = write("in", List.of(RowFactory.create(1L, TestModels.nested(new float[][] {{1, 2}}))));
    UsageException e = assertThrows(UsageException.class,
        () -> score(bi, rows, "out", new StateOptions(true, null, false)));
    assertEquals("layer '" + bi.layers().get(0).name() + "' is Bidirectional: its backward half reads the sequence"
        + " from the end, so a sequence cannot be continued from its state", e.getMessage());
    RnnModel back = ModelSpec.build("lstm(3,back) > dense(1)", 5, 2, 0);
    assertEquals("layer '" + back.layers().get(0).name() + "' has go_backwards=True: it reads the sequence from the"
        + " end, so a sequence cannot be continued from its state", assertThrows(UsageException.class,
            () -> score(back, rows, "out2", new StateOptions(true, null, false))).getMessage());
  }

  @Test
  void run_emitStateWhenTheInputHasAColumnOfAStateName_refusedBeforeScoring() {
    RnnModel model = ModelSpec.build("simple(3) > dense(1)", 5, 2, 0);
    String stateName = "state_" + model.layers().get(0).name() + "_h";
    String input = dir.resolve("clash").toString();
    spark.sql("SELECT 1L AS id, array(array(1f, 2f)) AS features, array(0f) AS `" + stateName + "`")
        .write().parquet(input);

    UsageException e = assertThrows(UsageException.class,
        () -> score(model, input, "out", new StateOptions(true, null, false)));

    assertEquals("--emit-state writes column '" + stateName + "', but the input already has a column of that name"
        + " (kept in the output); leave it out with --keep, or score without --emit-state", e.getMessage());
    assertEquals(false, java.nio.file.Files.exists(dir.resolve("out")));
  }

  @Test
  void run_emitStateWithPredictionColumnNamedAsAState_refusedBeforeScoring() {
    RnnModel model = ModelSpec.build("simple(3) > dense(1)", 5, 2, 0);
    String stateName = "state_" + model.layers().get(0).name() + "_h";
    ScoreOptions options = new ScoreOptions(write("in", List.of(RowFactory.create(1L, TestModels.nested(
        new float[][] {{1, 2}})))), dir.resolve("out").toString(), "features", 0, null, stateName, null,
        ScoreOptions.WriteMode.ERROR, 8);

    UsageException e = assertThrows(UsageException.class, () -> ScoreJob.run(spark, model, options,
        BadRowPolicy.FAIL, MADE_BY, ScoreJob.NO_PROGRESS, new StateOptions(true, null, false)));

    assertEquals("--prediction-col '" + stateName + "' is also the name of a state column that --emit-state writes;"
        + " name the prediction column otherwise", e.getMessage());
  }

  private String score(RnnModel model, String input, String output, StateOptions state) {
    ScoreJob.run(spark, model, options(input, output), BadRowPolicy.FAIL, MADE_BY, ScoreJob.NO_PROGRESS, state);
    return dir.resolve(output).toString();
  }

  private ScoreOptions options(String input, String output) {
    return new ScoreOptions(input, dir.resolve(output).toString(), "features", 0, null, "prediction", null,
        ScoreOptions.WriteMode.ERROR, 8);
  }

  private Map<Long, List<Object>> predictions(String path) {
    Map<Long, List<Object>> out = new HashMap<>();
    for (Row row : spark.read().parquet(path).select("id", "prediction").collectAsList()) {
      out.put(row.getLong(0), row.getList(1));
    }
    return out;
  }

  private String write(String name, List<Row> rows) {
    StructType schema = new StructType(new StructField[] {
        new StructField("id", DataTypes.LongType, false, Metadata.empty()),
        new StructField("features", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType)), false,
            Metadata.empty())});
    String path = dir.resolve(name).toString();
    spark.createDataFrame(rows, schema).repartition(3).write().parquet(path);
    return path;
  }
}
