package org.rnnscore.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
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
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnscore.kernel.ModelSpec;
import org.rnnscore.kernel.ReferenceForwardPass;
import org.rnnscore.model.ClassOutputs;
import org.rnnscore.model.RnnModel;

/**
 * The class outputs written by the job, against the double reference forward pass and softmax,
 * argmax, top-k and threshold computed here from those raw values.
 */
class ScoreJobClassOutputsTest {
  @TempDir
  Path dir;

  private final SparkSession spark = SharedSpark.get();

  private Map<Long, float[][]> rows;

  private String input(int d, boolean ragged) {
    Random random = new Random(21);
    rows = new HashMap<>();
    List<Row> data = new ArrayList<>();
    for (long id = 0; id < 60; id++) {
      float[][] x = TestModels.sequence(random, ragged ? 1 + random.nextInt(9) : 6, d);
      rows.put(id, x);
      data.add(RowFactory.create(id, TestModels.nested(x)));
    }
    StructType schema = new StructType(new StructField[] {
        new StructField("id", DataTypes.LongType, false, Metadata.empty()),
        new StructField("features", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType)), true,
            Metadata.empty())});
    String path = dir.resolve("in").toString();
    spark.createDataFrame(data, schema).repartition(3).write().parquet(path);
    return path;
  }

  private Dataset<Row> score(RnnModel model, String input, String spec, List<String> names, String positive) {
    ScoreOptions options = new ScoreOptions(input, dir.resolve("out").toString(), "features", 0, null, "p", null,
        ScoreOptions.WriteMode.ERROR, 7).withClassOutputs(ClassOutputs.parse(spec, names, positive, "--outputs"), false);
    ScoreJob.run(spark, model, options);
    return spark.read().parquet(dir.resolve("out").toString());
  }

  private static double[][] toDouble(float[][] x) {
    double[][] out = new double[x.length][];
    for (int t = 0; t < x.length; t++) {
      out[t] = new double[x[t].length];
      for (int i = 0; i < x[t].length; i++) {
        out[t][i] = x[t][i];
      }
    }
    return out;
  }

  private static double[] softmax(float[] raw) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : raw) {
      max = Math.max(max, v);
    }
    double sum = 0;
    double[] out = new double[raw.length];
    for (int i = 0; i < raw.length; i++) {
      out[i] = Math.exp(raw[i] - max);
      sum += out[i];
    }
    for (int i = 0; i < raw.length; i++) {
      out[i] /= sum;
    }
    return out;
  }

  /** Indices by score descending, ties by lower index. */
  private static int[] ranked(float[] scores) {
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> scores[a] != scores[b] ? Float.compare(scores[b], scores[a]) : Integer.compare(a, b));
    return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
  }

  private static float[] floats(List<?> values) {
    float[] out = new float[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) values.get(i)).floatValue();
    }
    return out;
  }

  private static int[] ints(List<?> values) {
    return values.stream().mapToInt(v -> ((Number) v).intValue()).toArray();
  }

  @Test
  void eachClassOutput_equalsItsDefinitionOverTheRawValues() {
    RnnModel model = ModelSpec.build("lstm(6) > dense(5)", 3, 4, 0);
    Dataset<Row> out = score(model, input(4, true), "raw,softmax,argmax,top-k=3,threshold=0.155",
        List.of("a", "b", "c", "d", "e"), "c");
    assertEquals(List.of("id", "p", "p_prob", "p_label", "p_label_name", "p_top_indices", "p_top_scores",
        "p_positive"), List.of(out.columns()));
    assertEquals("struct<id:bigint,p:array<float>,p_prob:array<float>,p_label:int,p_label_name:string,"
        + "p_top_indices:array<int>,p_top_scores:array<float>,p_positive:boolean>", out.schema().simpleString());
    assertEquals(model.outputWidth(), 5);
    List<Row> got = out.collectAsList();
    assertEquals(60, got.size());
    int positives = 0;
    float lowest = 1;
    float highest = 0;
    for (Row row : got) {
      long id = row.getLong(0);
      float[] raw = floats(row.getList(1));
      double[] want = ReferenceForwardPass.forwardRow(model, toDouble(rows.get(id)), null);
      for (int i = 0; i < 5; i++) {
        assertEquals(want[i], raw[i], 1e-5 + 1e-4 * Math.abs(want[i]), "raw id=" + id);
      }
      float[] prob = floats(row.getList(2));
      double[] softmax = softmax(raw);
      for (int i = 0; i < 5; i++) {
        assertEquals(softmax[i], prob[i], 1e-7, "prob id=" + id);
      }
      int[] order = ranked(prob);
      assertEquals(order[0], row.getInt(3), "label id=" + id);
      assertEquals(List.of("a", "b", "c", "d", "e").get(order[0]), row.getString(4));
      assertArrayEquals(Arrays.copyOf(order, 3), ints(row.getList(5)), "top indices id=" + id);
      float[] top = floats(row.getList(6));
      for (int j = 0; j < 3; j++) {
        assertEquals(prob[order[j]], top[j], "top scores id=" + id);
      }
      assertEquals(prob[2] >= 0.155f, row.getBoolean(7), "positive (class c) id=" + id);
      positives += row.getBoolean(7) ? 1 : 0;
      lowest = Math.min(lowest, prob[2]);
      highest = Math.max(highest, prob[2]);
    }
    assertTrue(positives > 0 && positives < 60, "the threshold splits the rows: " + positives + " positive, prob[c] in "
        + lowest + ".." + highest);
    assertEquals(out.schema().apply("p").metadata(), out.schema().apply("p_positive").metadata(),
        "every column carries the provenance");
  }

  @Test
  void withEmitState_theStatesFollowTheClassColumns_andEqualARawRunsStates() {
    RnnModel model = ModelSpec.build("lstm(4) > dense(3)", 8, 2, 0);
    String input = input(2, true);
    StateOptions emit = new StateOptions(true, null, false);
    ScoreOptions classes = new ScoreOptions(input, dir.resolve("classes").toString(), "features", 0, null, "p", null,
        ScoreOptions.WriteMode.ERROR, 7).withClassOutputs(ClassOutputs.parse("argmax,top-k=2", List.of(), null,
            "--outputs"), false);
    ScoreJob.run(spark, model, classes, BadRowPolicy.FAIL, null, ScoreJob.NO_PROGRESS, emit);
    ScoreOptions raw = new ScoreOptions(input, dir.resolve("raw").toString(), "features", 0, null, "p", null,
        ScoreOptions.WriteMode.ERROR, 7);
    ScoreJob.run(spark, model, raw, BadRowPolicy.FAIL, null, ScoreJob.NO_PROGRESS, emit);
    Dataset<Row> withClasses = spark.read().parquet(dir.resolve("classes").toString());
    assertEquals(List.of("id", "p_label", "p_top_indices", "p_top_scores", "state_lstm_0_h", "state_lstm_0_c"),
        List.of(withClasses.columns()));
    Dataset<Row> rawOut = spark.read().parquet(dir.resolve("raw").toString());
    for (String state : List.of("state_lstm_0_h", "state_lstm_0_c")) {
      assertEquals(rawOut.select("id", state).orderBy("id").collectAsList(),
          withClasses.select("id", state).orderBy("id").collectAsList(), state);
    }
    Map<Long, float[]> rawById = new HashMap<>();
    for (Row row : rawOut.select("id", "p").collectAsList()) {
      rawById.put(row.getLong(0), floats(row.getList(1)));
    }
    for (Row row : withClasses.collectAsList()) {
      assertEquals(ranked(rawById.get(row.getLong(0)))[0], row.getInt(1), "label id=" + row.getLong(0));
    }
  }

  @Test
  void aSequenceOutput_getsTheOutputsPerStep_andNoRawColumnWhenNotAsked() {
    RnnModel model = ModelSpec.build("gru(5,rs) > dense(3)", 4, 2, 0);
    Dataset<Row> out = score(model, input(2, true), "sigmoid,argmax,threshold=0.5", List.of(), null);
    assertEquals("struct<id:bigint,p_prob:array<array<float>>,p_label:array<int>,p_positive:array<boolean>>",
        out.schema().simpleString());
    for (Row row : out.collectAsList()) {
      long id = row.getLong(0);
      float[][] x = rows.get(id);
      double[] want = ReferenceForwardPass.forwardRow(model, toDouble(x), null);
      List<Object> probs = row.getList(1);
      List<Object> labels = row.getList(2);
      List<Object> positives = row.getList(3);
      assertEquals(x.length, probs.size(), "one per step, id=" + id);
      assertEquals(x.length, labels.size());
      for (int t = 0; t < x.length; t++) {
        float[] prob = floats(scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<?>) probs.get(t)));
        for (int i = 0; i < 3; i++) {
          assertEquals(1 / (1 + Math.exp(-want[t * 3 + i])), prob[i], 1e-5, "id=" + id + " t=" + t);
        }
        assertEquals(ranked(prob)[0], ((Number) labels.get(t)).intValue(), "id=" + id + " t=" + t);
        assertEquals(prob[2] >= 0.5f, positives.get(t), "id=" + id + " t=" + t);
      }
    }
  }
}
