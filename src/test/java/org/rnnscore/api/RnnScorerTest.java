package org.rnnscore.api;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnscore.cli.RnnScoreCli;
import org.rnnscore.job.SharedSpark;
import org.rnnscore.model.InputDataException;
import org.rnnscore.model.UsageException;

class RnnScorerTest {
  static final Path SAMPLE = Path.of(System.getProperty("rnnscore.sample.dir", "sample-data"));
  static final String MODEL = SAMPLE.resolve("model.h5").toString();
  static final String INPUT = SAMPLE.resolve("input.parquet").toString();

  @TempDir
  Path dir;

  /** Counts the jobs started while it is registered. */
  static final class JobCounter extends SparkListener implements AutoCloseable {
    final AtomicInteger started = new AtomicInteger();
    private final SparkSession spark;

    JobCounter(SparkSession spark) {
      this.spark = spark;
      spark.sparkContext().addSparkListener(this);
    }

    @Override
    public void onJobStart(SparkListenerJobStart job) {
      started.incrementAndGet();
    }

    int jobs() {
      try {
        spark.sparkContext().listenerBus().waitUntilEmpty(10_000);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException(e);
      }
      return started.get();
    }

    @Override
    public void close() {
      spark.sparkContext().removeSparkListener(this);
    }
  }

  static Map<Long, List<Float>> predictionsById(Dataset<Row> rows, String column) {
    Map<Long, List<Float>> byId = new HashMap<>();
    for (Row row : rows.select(col("id"), col(column)).collectAsList()) {
      byId.put(row.getLong(0), row.isNullAt(1) ? null : row.getList(1));
    }
    return byId;
  }

  @Test
  void transform_sampleData_equalsTheCliById() {
    String output = dir.resolve("cli").toString();
    StringWriter err = new StringWriter();
    int code = RnnScoreCli.run(new String[] {"score", "--model", MODEL, "--input", INPUT, "--output", output,
        "--quiet", "--master", "local[2]"}, new PrintWriter(new StringWriter()), new PrintWriter(err));
    assertEquals(0, code, err.toString());
    SparkSession spark = SharedSpark.get();
    Map<Long, List<Float>> cli = predictionsById(spark.read().parquet(output), "prediction");
    try (RnnScorer scorer = RnnScorer.load(spark, MODEL)) {
      Map<Long, List<Float>> api = predictionsById(scorer.transform(spark.read().parquet(INPUT)), "prediction");
      assertEquals(1000, api.size());
      assertEquals(cli, api, "the same kernel on the same rows gives the same floats");
    }
  }

  @Test
  void transform_startsNoJob_evenAfterAJoinAndAnAggregate() {
    SparkSession spark = SharedSpark.get();
    Dataset<Row> input = spark.read().parquet(INPUT);
    // A shuffle upstream: adaptive execution would run its stages if the plan were executed in transform.
    Dataset<Row> weights = input.groupBy(col("id").mod(10).as("bucket")).count();
    Dataset<Row> joined = input.join(weights, col("id").mod(10).equalTo(col("bucket"))).where("id < 500");
    try (RnnScorer scorer = RnnScorer.load(spark, MODEL); JobCounter counter = new JobCounter(spark)) {
      Dataset<Row> scored = scorer.transform(joined);
      Dataset<Row> after = scored.where("id >= 100").select("id", "prediction", "count");
      assertEquals(0, counter.jobs(), "transform and the plan after it start no job");
      assertEquals(400, after.count());
      assertTrue(counter.jobs() > 0);
      Map<Long, List<Float>> whole = predictionsById(scorer.transform(input), "prediction");
      for (Row row : after.collectAsList()) {
        assertEquals(whole.get(row.getLong(0)), row.getList(1), "id " + row.getLong(0));
        assertEquals(100L, row.getLong(2));
      }
    }
  }

  @Test
  void limit_onAMillionRows_scoresAboutOneBatch() {
    SparkSession spark = SharedSpark.get();
    Dataset<Row> million = spark.range(0, 1_000_000, 1, 4).select(col("id"),
        expr("array_repeat(array(cast(id % 7 as float), 0.5f, -1.0f), 10)").as("features"));
    try (RnnScorer scorer = RnnScorer.load(spark, MODEL).batchSize(256)) {
      List<Row> ten = scorer.transform(million).limit(10).collectAsList();
      assertEquals(10, ten.size());
      long scored = scorer.stats().rowsScored();
      assertTrue(scored >= 10 && scored <= 4 * 256, "scored " + scored + " rows for limit(10) of 1,000,000");
    }
  }

  @Test
  void setters_returnCopies_andTheOriginalIsUnchanged() {
    SparkSession spark = SharedSpark.get();
    try (RnnScorer scorer = RnnScorer.load(spark, MODEL)) {
      RnnScorer renamed = scorer.predictionCol("score");
      Dataset<Row> input = spark.read().parquet(INPUT);
      assertEquals(List.of("id", "features", "prediction"), List.of(scorer.transform(input).columns()));
      assertEquals(List.of("id", "features", "score"), List.of(renamed.transform(input).columns()));
      assertNotEquals(scorer, renamed);
    }
  }

  @Test
  void outputSchema_isTransformsSchema_andAWrongTypeFailsBeforeAnyJob() {
    SparkSession spark = SharedSpark.get();
    Dataset<Row> input = spark.read().parquet(INPUT);
    try (RnnScorer scorer = RnnScorer.load(spark, MODEL); JobCounter counter = new JobCounter(spark)) {
      assertEquals(scorer.transform(input).schema(), scorer.outputSchema(input.schema()));
      Dataset<Row> strings = input.select(col("id"), col("features").cast("string").as("features"));
      InputDataException e = assertThrows(InputDataException.class, () -> scorer.transform(strings));
      assertEquals("the DataFrame: column 'features' has type string, expected array<array<float>> (T timesteps"
          + " of D = 3 features; double is accepted and cast) or a flat array<float> of T·D values with --timesteps T",
          e.getMessage());
      assertThrows(InputDataException.class, () -> scorer.outputSchema(strings.schema()));
      assertEquals(0, counter.jobs());
    }
  }

  /** Rows 0..9 of the sample, with row 3's features null and row 7's second step one value short. */
  private static Dataset<Row> withBadRows(SparkSession spark) {
    return spark.read().parquet(INPUT).where("id < 10").select(col("id"),
        expr("case when id = 3 then null when id = 7 then transform(features, (s, i) -> if(i = 1, slice(s, 1, 2), s))"
            + " else features end").as("features"));
  }

  @Test
  void quarantine_givesOneDatasetWithReasons_andTheGoodRowsScoredAsAlone() {
    SparkSession spark = SharedSpark.get();
    try (RnnScorer scorer = RnnScorer.load(spark, MODEL)) {
      RnnScorer quarantine = scorer.onBadRow("quarantine");
      Dataset<Row> scored = quarantine.transform(withBadRows(spark));
      assertEquals(List.of("id", "features", "prediction", "reason_code", "reason"), List.of(scored.columns()));
      Map<Long, Row> byId = new HashMap<>();
      for (Row row : scored.collectAsList()) {
        byId.put(row.getLong(0), row);
      }
      assertEquals(10, byId.size(), "no row lost");
      Map<Long, List<Float>> alone = predictionsById(scorer.transform(spark.read().parquet(INPUT).where("id < 10")),
          "prediction");
      for (long id = 0; id < 10; id++) {
        Row row = byId.get(id);
        if (id == 3 || id == 7) {
          assertNull(row.get(2), "id " + id);
          assertEquals(id == 3 ? "null_sequence" : "wrong_width", row.getString(3));
          assertNotNull(row.getString(4));
        } else {
          assertEquals(alone.get(id), row.getList(2), "id " + id);
          assertNull(row.get(3));
          assertNull(row.get(4));
        }
      }
      assertTrue(byId.get(7L).getString(4).contains("timestep 1 has 2 features"), byId.get(7L).getString(4));
      assertEquals(Map.of("null_sequence", 1L, "wrong_width", 1L), quarantine.stats().rejectsByCode());
    }
  }

  @Test
  void classOutputs_equalTheClisById_andAreNullForAQuarantinedRow() {
    String output = dir.resolve("cli-classes").toString();
    StringWriter err = new StringWriter();
    int code = RnnScoreCli.run(new String[] {"score", "--model", MODEL, "--input", INPUT, "--output", output,
        "--outputs", "softmax,argmax,top-k=2,threshold=0.5", "--class-names", "stay,churn", "--quiet", "--master",
        "local[2]"}, new PrintWriter(new StringWriter()), new PrintWriter(err));
    assertEquals(0, code, err.toString());
    SparkSession spark = SharedSpark.get();
    List<String> columns = List.of("id", "prediction_prob", "prediction_label", "prediction_label_name",
        "prediction_top_indices", "prediction_top_scores", "prediction_positive");
    Dataset<Row> cli = spark.read().parquet(output);
    assertEquals(columns, List.of(cli.columns()));
    try (RnnScorer scorer = RnnScorer.load(spark, MODEL).outputs("softmax", "argmax", "top-k=2", "threshold=0.5")
        .classNames("stay", "churn")) {
      Dataset<Row> api = scorer.transform(spark.read().parquet(INPUT)).drop("features");
      assertEquals(columns, List.of(api.columns()));
      assertEquals(cli.schema().simpleString(), api.schema().simpleString());
      assertEquals(cli.orderBy("id").collectAsList(), api.orderBy("id").collectAsList());

      Dataset<Row> kept = scorer.onBadRow("quarantine").transform(withBadRows(spark));
      Row bad = kept.where("id = 3").first();
      for (String column : columns.subList(1, columns.size())) {
        assertTrue(bad.isNullAt(bad.fieldIndex(column)), column);
      }
      assertEquals("null_sequence", bad.getString(bad.fieldIndex("reason_code")));
      UsageException wrong = assertThrows(UsageException.class, () -> scorer.classNames("a", "b", "c")
          .transform(spark.read().parquet(INPUT)));
      assertEquals("class names [a, b, c] are 3, but the model gives K = 2 values a prediction; give exactly 2",
          wrong.getMessage());
    }
  }

  @Test
  void skip_dropsBadRows_andCountsThem() {
    SparkSession spark = SharedSpark.get();
    try (RnnScorer scorer = RnnScorer.load(spark, MODEL).onBadRow("skip")) {
      assertEquals(8, scorer.transform(withBadRows(spark)).count());
      assertEquals(2, scorer.stats().rowsRejected());
    }
  }

  @Test
  void fail_theActionThrowsTheBadRowMessage() {
    SparkSession spark = SharedSpark.get();
    try (RnnScorer scorer = RnnScorer.load(spark, MODEL)) {
      Dataset<Row> scored = scorer.transform(withBadRows(spark)); // lazy: no error yet
      Exception e = assertThrows(Exception.class, scored::collectAsList);
      String chain = messages(e);
      assertTrue(chain.contains("id=3") || chain.contains("id 3"), chain);
      assertTrue(chain.contains("null"), chain);
    }
  }

  @Test
  void aStreamingDataset_isRefusedClearly() {
    SparkSession spark = SharedSpark.get();
    Dataset<Row> stream = spark.readStream().format("rate").load();
    try (RnnScorer scorer = RnnScorer.load(spark, MODEL)) {
      UsageException e = assertThrows(UsageException.class, () -> scorer.transform(stream));
      assertTrue(e.getMessage().startsWith("RnnScorer.transform got a streaming Dataset; score each micro-batch"),
          e.getMessage());
    }
  }

  @Test
  void close_destroysTheBroadcast_andTransformIsRefused() {
    SparkSession spark = SharedSpark.get();
    RnnScorer scorer = RnnScorer.load(spark, MODEL);
    RnnScorer copy = scorer.batchSize(7);
    assertEquals(1000, copy.transform(spark.read().parquet(INPUT)).count());
    scorer.close();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> copy.transform(spark.read().parquet(INPUT)));
    assertEquals("this RnnScorer (model " + MODEL + ") is closed; load the model again", e.getMessage());
  }

  @Test
  void emitState_thenInitialStates_continueTheSequence() {
    SparkSession spark = SharedSpark.get();
    Dataset<Row> input = spark.read().parquet(INPUT).where("id < 50");
    Dataset<Row> firstHalf = input.select(col("id"), expr("slice(features, 1, 4)").as("features"));
    Dataset<Row> secondHalf = input.select(col("id"), expr("slice(features, 5, 6)").as("features"));
    try (RnnScorer scorer = RnnScorer.load(spark, MODEL)) {
      Map<Long, List<Float>> whole = predictionsById(scorer.transform(input), "prediction");
      Dataset<Row> states = scorer.emitState(true).transform(firstHalf);
      Dataset<Row> continued = scorer.initialStates(states).transform(secondHalf);
      Map<Long, List<Float>> got = predictionsById(continued, "prediction");
      assertEquals(50, got.size());
      for (long id = 0; id < 50; id++) {
        List<Float> want = whole.get(id);
        for (int k = 0; k < want.size(); k++) {
          assertEquals(want.get(k), got.get(id).get(k), 1e-5, "id " + id);
        }
      }
    }
  }

  /** Sums the input bytes that tasks read while it is registered. */
  static final class BytesRead extends SparkListener implements AutoCloseable {
    final java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
    private final SparkSession spark;

    BytesRead(SparkSession spark) {
      this.spark = spark;
      spark.sparkContext().addSparkListener(this);
    }

    @Override
    public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd task) {
      if (task.taskMetrics() != null) {
        bytes.addAndGet(task.taskMetrics().inputMetrics().bytesRead());
      }
    }

    long total() {
      try {
        spark.sparkContext().listenerBus().waitUntilEmpty(10_000);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException(e);
      }
      return bytes.get();
    }

    @Override
    public void close() {
      spark.sparkContext().removeSparkListener(this);
    }
  }

  @Test
  void threeModelsChained_readTheInputOnce_andEqualThreeSingleRuns() {
    SparkSession spark = SharedSpark.get();
    Dataset<Row> input = spark.read().parquet(INPUT);
    try (RnnScorer h5 = RnnScorer.load(spark, MODEL).predictionCol("a");
        RnnScorer keras = RnnScorer.load(spark, SAMPLE.resolve("model.keras").toString()).predictionCol("b");
        RnnScorer npz = RnnScorer.load(spark, SAMPLE.resolve("model.npz").toString()).predictionCol("c")) {
      long single;
      try (BytesRead read = new BytesRead(spark)) {
        h5.transform(input).write().parquet(dir.resolve("one").toString());
        single = read.total();
      }
      Dataset<Row> all = npz.transform(keras.transform(h5.transform(input)));
      long three;
      try (BytesRead read = new BytesRead(spark)) {
        all.write().parquet(dir.resolve("three").toString());
        three = read.total();
      }
      assertTrue(single > 0);
      assertTrue(Math.abs(three - single) <= 0.05 * single, "bytes read: three models " + three + ", one " + single);
      Dataset<Row> written = spark.read().parquet(dir.resolve("three").toString());
      assertEquals(predictionsById(h5.transform(input), "a"), predictionsById(written, "a"));
      assertEquals(predictionsById(keras.transform(input), "b"), predictionsById(written, "b"));
      assertEquals(predictionsById(npz.transform(input), "c"), predictionsById(written, "c"));
    }
  }

  static String messages(Throwable e) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      text.append(t.getMessage()).append(" | ");
    }
    return text.toString();
  }
}
