package org.rnnscore.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rnnscore.kernel.ModelSpec;
import org.rnnscore.kernel.ReferenceForwardPass;
import org.rnnscore.model.InputDataException;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.RnnScoreException;
import org.rnnscore.model.UsageException;

/** The Spark job with the issue-3 models: sequence outputs, ragged rows, tokens, Flatten. */
class ScoreJobLayersTest {
  private static final double ABS = 1e-5;
  private static final double REL = 1e-4;
  private static final DataType NESTED = DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType));

  @TempDir
  Path dir;

  private final SparkSession spark = SharedSpark.get();

  @ParameterizedTest
  @ValueSource(strings = {
      "lstm(6,rs) > gru(5,rs,back) > dense(3)",
      "masking(0) > bi(lstm,4,concat,rs) > dense(2,softmax)",
      "simple(7,rs) > lstm(4) > dense(2)",
      "bi(gru,3,ave) > dense(1,sigmoid)"})
  void run_raggedRowsThroughStackedModels_eachRowEqualsReferenceAlone(String spec) {
    RnnModel model = ModelSpec.build(spec, 5, 3, 0);
    Random random = new Random(6);
    Map<Long, float[][]> rows = new HashMap<>();
    List<Row> data = new ArrayList<>();
    for (long id = 0; id < 70; id++) {
      float[][] x = TestModels.sequence(random, 1 + random.nextInt(12), 3);
      if (id % 9 == 0 && x.length > 2) {
        x[1] = new float[] {0, 0, 0}; // a mid-sequence step that Masking(0) masks
      }
      rows.put(id, x);
      data.add(RowFactory.create(id, TestModels.nested(x)));
    }
    String input = write(data, NESTED);

    ScoreJob.run(spark, model, options(input, 16));

    Dataset<Row> out = spark.read().parquet(dir.resolve("out").toString());
    DataType prediction = out.schema().apply("prediction").dataType();
    assertEquals(model.outputIsSequence(), ((ArrayType) prediction).elementType() instanceof ArrayType, spec);
    for (Row row : out.collectAsList()) {
      long id = row.getLong(0);
      float[][] x = rows.get(id);
      double[] want = ReferenceForwardPass.forwardRow(model, toDouble(x), null);
      double[] got = flatten(row.getList(1));
      if (model.outputIsSequence()) {
        assertEquals(x.length, row.getList(1).size(), "a sequence output has the row's own length, id=" + id);
      }
      assertEquals(want.length, got.length, "id=" + id);
      for (int i = 0; i < want.length; i++) {
        assertEquals(want[i], got[i], ABS + REL * Math.abs(want[i]), spec + " id=" + id + " value " + i);
      }
    }
  }

  @Test
  void run_embeddingModelOnIntTokenColumn_matchesReference() {
    RnnModel model = ModelSpec.build("embedding(20,4,mask_zero) > lstm(5) > dense(2)", 8, 1, 0);
    List<Row> data = new ArrayList<>();
    Map<Long, int[]> tokens = new HashMap<>();
    Random random = new Random(9);
    for (long id = 0; id < 30; id++) {
      int[] ids = new int[1 + random.nextInt(9)];
      List<Integer> values = new ArrayList<>();
      for (int t = 0; t < ids.length; t++) {
        ids[t] = random.nextInt(20);
        values.add(ids[t]);
      }
      tokens.put(id, ids);
      data.add(RowFactory.create(id, values));
    }
    String input = write(data, DataTypes.createArrayType(DataTypes.IntegerType));

    ScoreJob.run(spark, model, options(input, 8));

    for (Row row : spark.read().parquet(dir.resolve("out").toString()).collectAsList()) {
      int[] ids = tokens.get(row.getLong(0));
      double[][] x = new double[ids.length][1];
      for (int t = 0; t < ids.length; t++) {
        x[t][0] = ids[t];
      }
      double[] want = ReferenceForwardPass.forwardRow(model, x, null);
      double[] got = flatten(row.getList(1));
      for (int i = 0; i < want.length; i++) {
        assertEquals(want[i], got[i], ABS + REL * Math.abs(want[i]), "id=" + row.getLong(0));
      }
    }
  }

  @Test
  void run_tokenOutsideVocabulary_badRowNamesTokenAndRange() {
    RnnModel model = ModelSpec.build("embedding(20,4) > gru(3) > dense(1)", 8, 1, 0);
    String input = write(List.of(RowFactory.create(4L, List.of(3, 25))),
        DataTypes.createArrayType(DataTypes.IntegerType));
    String message = badRowMessage(model, options(input, 8));
    assertTrue(message.endsWith("(id=4): timestep 1 has token id 25, the model's Embedding takes ids 0 to 19"
        + " (token_out_of_range)"), message);
  }

  @Test
  void run_floatColumnForEmbeddingModel_inputErrorSaysTokensExpected() {
    RnnModel model = ModelSpec.build("embedding(20,4) > gru(3) > dense(1)", 8, 1, 0);
    String input = write(List.of(RowFactory.create(4L, TestModels.nested(new float[][] {{1}}))), NESTED);
    InputDataException e = assertThrows(InputDataException.class, () -> ScoreJob.run(spark, model, options(input, 8)));
    assertEquals(input + ": column 'features' has type array<array<float>>, expected array<int> (one token id per"
        + " timestep: the model starts with an Embedding)", e.getMessage());
  }

  @Test
  void run_flattenModelRowOfOtherLength_wrongLengthBadRow() {
    RnnModel model = ModelSpec.build("simple(4,rs) > flatten > dense(2)", 3, 2, 5);
    List<Row> data = List.of(
        RowFactory.create(1L, TestModels.nested(new float[5][2])),
        RowFactory.create(2L, TestModels.nested(new float[4][2])));
    String input = write(data, NESTED);
    String message = badRowMessage(model, options(input, 8));
    assertTrue(message.endsWith("(id=2): the sequence has 4 timesteps, expected 5 (the model's Flatten)"
        + " (wrong_length)"), message);
  }

  @Test
  void run_repeatVectorAutoencoder_everyRowDecodesToNSteps() {
    RnnModel model = ModelSpec.build("lstm(5) > repeat(6) > lstm(4,rs) > dense(3)", 11, 2, 0);
    Random random = new Random(12);
    Map<Long, float[][]> rows = new HashMap<>();
    List<Row> data = new ArrayList<>();
    for (long id = 0; id < 20; id++) {
      float[][] x = TestModels.sequence(random, 1 + random.nextInt(9), 2);
      rows.put(id, x);
      data.add(RowFactory.create(id, TestModels.nested(x)));
    }
    ScoreJob.run(spark, model, options(write(data, NESTED), 8));
    for (Row row : spark.read().parquet(dir.resolve("out").toString()).collectAsList()) {
      long id = row.getLong(0);
      assertEquals(6, row.getList(1).size(), "RepeatVector(6) gives 6 steps whatever the row's length, id=" + id);
      double[] want = ReferenceForwardPass.forwardRow(model, toDouble(rows.get(id)), null);
      double[] got = flatten(row.getList(1));
      assertEquals(want.length, got.length, "id=" + id);
      for (int i = 0; i < want.length; i++) {
        assertEquals(want[i], got[i], ABS + REL * Math.abs(want[i]), "id=" + id + " value " + i);
      }
    }
  }

  @Test
  void run_rowShorterThanTheConvolution_tooShortBadRow() {
    RnnModel model = ModelSpec.build("conv(4,3) > maxpool(2) > lstm(3) > dense(2)", 3, 2, 0);
    List<Row> data = List.of(
        RowFactory.create(1L, TestModels.nested(new float[6][2])),
        RowFactory.create(2L, TestModels.nested(new float[2][2])));
    String message = badRowMessage(model, options(write(data, NESTED), 8));
    assertTrue(message.endsWith("(id=2): row of 2 steps is shorter than conv_0's receptive field of 3 (too_short)"),
        message);
  }

  @Test
  void run_rowLongEnoughForTheConvolutionButNotThePooling_namesThePooling() {
    RnnModel model = ModelSpec.build("conv(4,3) > maxpool(2) > lstm(3) > dense(2)", 3, 2, 0);
    List<Row> data = List.of(RowFactory.create(7L, TestModels.nested(new float[3][2])));
    String message = badRowMessage(model, options(write(data, NESTED), 8));
    assertTrue(message.endsWith("(id=7): row of 3 steps is shorter than maxpool_1's receptive field of 4"
        + " (too_short)"), message);
  }

  @Test
  void run_convolutionModelRaggedRows_eachRowEqualsReferenceAlone() {
    RnnModel model = ModelSpec.build("conv(5,3,same,relu) > maxpool(2) > gru(4,rs) > dense(2)", 13, 3, 0);
    Random random = new Random(13);
    Map<Long, float[][]> rows = new HashMap<>();
    List<Row> data = new ArrayList<>();
    for (long id = 0; id < 20; id++) {
      float[][] x = TestModels.sequence(random, 2 + random.nextInt(12), 3);
      rows.put(id, x);
      data.add(RowFactory.create(id, TestModels.nested(x)));
    }
    ScoreJob.run(spark, model, options(write(data, NESTED), 8));
    for (Row row : spark.read().parquet(dir.resolve("out").toString()).collectAsList()) {
      long id = row.getLong(0);
      assertEquals(rows.get(id).length / 2, row.getList(1).size(), "same conv, then pool 2: ⌊L/2⌋ steps, id=" + id);
      double[] want = ReferenceForwardPass.forwardRow(model, toDouble(rows.get(id)), null);
      double[] got = flatten(row.getList(1));
      assertEquals(want.length, got.length, "id=" + id);
      for (int i = 0; i < want.length; i++) {
        assertEquals(want[i], got[i], ABS + REL * Math.abs(want[i]), "id=" + id + " value " + i);
      }
    }
  }

  @Test
  void run_permuteOverTimeRowOfOtherLength_wrongLengthBadRow() {
    RnnModel model = ModelSpec.build("simple(4,rs) > permute(2,1) > lstm(3) > dense(2)", 3, 2, 5);
    List<Row> data = List.of(
        RowFactory.create(1L, TestModels.nested(new float[5][2])),
        RowFactory.create(2L, TestModels.nested(new float[3][2])));
    String message = badRowMessage(model, options(write(data, NESTED), 8));
    assertTrue(message.endsWith("(id=2): the sequence has 3 timesteps, expected 5 (the model's Permute)"
        + " (wrong_length)"), message);
  }

  @Test
  void run_flattenModelWithContradictingTimesteps_usageError() {
    RnnModel model = ModelSpec.build("simple(4,rs) > flatten > dense(2)", 3, 2, 5);
    String input = write(List.of(RowFactory.create(1L, TestModels.nested(new float[5][2]))), NESTED);
    ScoreOptions options = new ScoreOptions(input, dir.resolve("out").toString(), "features", 4, null, "prediction",
        null, ScoreOptions.WriteMode.ERROR, 8);
    UsageException e = assertThrows(UsageException.class, () -> ScoreJob.run(spark, model, options));
    assertEquals("--timesteps 4 contradicts the model, whose Flatten needs exactly 5 timesteps", e.getMessage());
  }

  private String badRowMessage(RnnModel model, ScoreOptions options) {
    Exception failure = assertThrows(Exception.class, () -> ScoreJob.run(spark, model, options));
    Throwable current = failure;
    while (current != null && !(current instanceof RnnScoreException)) {
      current = current.getCause();
    }
    assertInstanceOf(BadRowException.class, current, () -> "no bad row in " + failure);
    String message = current.getMessage();
    int census = message.indexOf("; the input has ");
    assertTrue(census > 0, () -> "the failure counts the input's bad rows: " + message);
    return message.substring(0, census);
  }

  private ScoreOptions options(String input, int batch) {
    return new ScoreOptions(input, dir.resolve("out").toString(), "features", 0, null, "prediction", null,
        ScoreOptions.WriteMode.ERROR, batch);
  }

  private String write(List<Row> rows, DataType featuresType) {
    StructType schema = new StructType(new StructField[] {
        new StructField("id", DataTypes.LongType, false, Metadata.empty()),
        new StructField("features", featuresType, true, Metadata.empty())});
    String path = dir.resolve("in").toString();
    spark.createDataFrame(rows, schema).repartition(3).write().parquet(path);
    return path;
  }

  private static double[][] toDouble(float[][] x) {
    double[][] out = new double[x.length][];
    for (int t = 0; t < x.length; t++) {
      out[t] = new double[x[t].length];
      for (int d = 0; d < x[t].length; d++) {
        out[t][d] = x[t][d];
      }
    }
    return out;
  }

  /** A prediction as read back: array&lt;float&gt;, or array&lt;array&lt;float&gt;&gt; flattened step-major. */
  private static double[] flatten(List<Object> prediction) {
    List<Double> values = new ArrayList<>();
    for (Object item : prediction) {
      if (item instanceof Number) {
        values.add(((Number) item).doubleValue());
      } else {
        for (Object v : scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<?>) item)) {
          values.add(((Number) v).doubleValue());
        }
      }
    }
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
