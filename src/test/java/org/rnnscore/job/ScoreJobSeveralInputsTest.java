package org.rnnscore.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rnnscore.kernel.ReferenceForwardPass;
import org.rnnscore.model.Activation;
import org.rnnscore.model.MergeLayer;
import org.rnnscore.model.Node;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.RnnScoreException;
import org.rnnscore.model.Sequencing;
import org.rnnscore.model.UsageException;
import org.rnnscore.testing.RandomModels;

/**
 * The job with models of several inputs (a column each, --features-col INPUT=COL,...) and of
 * several outputs (a prediction column each, {@code <prediction-col>_<layer>}).
 */
class ScoreJobSeveralInputsTest {
  private static final double ABS = 1e-5;
  private static final double REL = 1e-4;
  private static final DataType NESTED = DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType));

  @TempDir
  Path dir;

  private final SparkSession spark = SharedSpark.get();

  /**
   * The Keras seq2seq training wiring: an LSTM encoder over input 'enc' whose [h, c] start an
   * LSTM decoder over input 'dec'; with {@code sequences} false, the encoder's output is
   * concatenated with the decoder's last output (two branches merged).
   */
  static RnnModel encoderDecoder(long seed, int d0, int d1, boolean sequences) {
    Random random = new Random(seed);
    int m = 4;
    Node encoder = Node.of(RandomModels.recurrent(random, "LSTM", "encoder", d0, m, true, Activation.TANH,
        Activation.SIGMOID, false, Sequencing.LAST), Node.input(0));
    Node decoder = new Node(RandomModels.recurrent(random, "LSTM", "decoder", d1, m, true, Activation.TANH,
        Activation.SIGMOID, false, new Sequencing(sequences, false, false)), List.of(Node.input(1)),
        List.of(new Node.Output(0, 1), new Node.Output(0, 2)));
    List<Node> nodes = new ArrayList<>(List.of(encoder, decoder));
    if (!sequences) {
      nodes.add(new Node(MergeLayer.of("concatenate", MergeLayer.Op.CONCATENATE), List.of(0, 1)));
    }
    nodes.add(Node.of(RandomModels.dense(random, "dense", sequences ? m : 2 * m, 3, true, Activation.SOFTMAX),
        nodes.size() - 1));
    return RnnModel.graph(List.of(new RnnModel.Input("enc", 0, d0), new RnnModel.Input("dec", 0, d1)), nodes,
        nodes.size() - 1);
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void twoInputs_fromTwoColumns_raggedApart_eachRowEqualsTheReference(boolean sequences) {
    RnnModel model = encoderDecoder(11, 3, 2, sequences);
    Random random = new Random(12);
    Map<Long, float[][][]> rows = new HashMap<>();
    List<Row> data = new ArrayList<>();
    for (long id = 0; id < 40; id++) {
      // Each column ragged on its own: the two lengths of a row are drawn apart.
      float[][] a = TestModels.sequence(random, 1 + random.nextInt(9), 3);
      float[][] b = TestModels.sequence(random, 1 + random.nextInt(7), 2);
      rows.put(id, new float[][][] {a, b});
      data.add(RowFactory.create(id, TestModels.nested(a), TestModels.nested(b)));
    }
    String input = write(data, "a", "b");

    ScoreJob.run(spark, model, options(input, "enc=a,dec=b", 7));

    Dataset<Row> out = spark.read().parquet(dir.resolve("out").toString());
    assertEquals(List.of("id", "prediction"), List.of(out.columns()), "the input columns are replaced");
    List<Row> got = out.collectAsList();
    assertEquals(40, got.size());
    for (Row row : got) {
      long id = row.getLong(0);
      float[][][] x = rows.get(id);
      double[] want = ReferenceForwardPass.forwardRow(model, List.of(toDouble(x[0]), toDouble(x[1])), null);
      double[] values = flatten(row.getList(1));
      if (sequences) {
        assertEquals(x[1].length, row.getList(1).size(), "one vector per decoder step, id=" + id);
      }
      assertClose(want, values, "id=" + id);
    }
  }

  @Test
  void twoInputs_wrongWidthInOneColumn_isABadRowNamingTheColumn() {
    RnnModel model = encoderDecoder(3, 3, 2, false);
    Random random = new Random(4);
    List<Row> data = new ArrayList<>();
    for (long id = 0; id < 6; id++) {
      float[][] b = TestModels.sequence(random, 2, id == 4 ? 5 : 2);
      data.add(RowFactory.create(id, TestModels.nested(TestModels.sequence(random, 3, 3)), TestModels.nested(b)));
    }
    String input = write(data, "a", "b");
    RnnScoreException e = assertThrows(RnnScoreException.class,
        () -> ScoreJob.run(spark, model, options(input, "enc=a,dec=b", 4)));
    assertTrue(e.getMessage().contains("(id=4): column 'b': timestep 0 has 5 features, model expects 2 (wrong_width)"),
        e.getMessage());

    ValidateJob.Report report = ValidateJob.run(spark, model, input, "enc=a,dec=b", 0, null);
    assertEquals(Map.of("wrong_width", 1L), report.badRowsByCode());

    String rejects = dir.resolve("rejects").toString();
    ScoreJob.Result result = ScoreJob.run(spark, model, options(input, "enc=a,dec=b", 4),
        new BadRowPolicy(true, rejects, -1, -1));
    assertEquals(5, result.rowsScored());
    Row reject = spark.read().parquet(rejects).collectAsList().get(0);
    assertEquals(4L, reject.getLong(0));
    assertEquals("wrong_width", reject.getString(1));
    assertEquals("column 'b': timestep 0 has 5 features, model expects 2", reject.getString(2));
  }

  /**
   * A Conv1D (valid, kernel 3) on the second input: a row whose second column has 2 steps gets no
   * steps from it, a too_short bad row naming the column and the layer (not a task failure); the
   * first input's rows may be of any length. Rows long enough on both match the reference.
   */
  @Test
  void twoInputs_tooShortForAConvolutionOnTheSecond_isABadRowNamingTheColumn() {
    Random random = new Random(41);
    Node a = Node.of(RandomModels.recurrent(random, "LSTM", "la", 3, 4, true, Activation.TANH, Activation.SIGMOID,
        false, Sequencing.LAST), Node.input(0));
    Node conv = Node.of(new org.rnnscore.model.Conv1DLayer("conv", 5, 3, 1, 1, org.rnnscore.model.Padding1D.VALID,
        RandomModels.array(random, "kernel", 3, 2, 5), RandomModels.array(random, "bias", 5), Activation.RELU),
        Node.input(1));
    Node b = Node.of(RandomModels.recurrent(random, "GRU", "lb", 5, 3, true, Activation.TANH, Activation.SIGMOID,
        true, Sequencing.LAST), 1);
    Node concat = new Node(MergeLayer.of("concat", MergeLayer.Op.CONCATENATE), List.of(0, 2));
    Node dense = Node.of(RandomModels.dense(random, "out", 7, 2, true, Activation.LINEAR), 3);
    RnnModel model = RnnModel.graph(List.of(new RnnModel.Input("enc", 0, 3), new RnnModel.Input("dec", 0, 2)),
        List.of(a, conv, b, concat, dense), 4);
    assertEquals("[StepMinimum[layer=conv, kerasClass=Conv1D, steps=3]]", model.stepMinimums(1).toString());
    assertEquals("[]", model.stepMinimums(0).toString());

    List<Row> data = new ArrayList<>();
    Map<Long, float[][][]> rows = new HashMap<>();
    for (long id = 0; id < 6; id++) {
      float[][] x = TestModels.sequence(random, 1 + (int) id, 3);
      float[][] y = TestModels.sequence(random, id == 2 ? 2 : 3 + (int) (id % 3), 2);
      rows.put(id, new float[][][] {x, y});
      data.add(RowFactory.create(id, TestModels.nested(x), TestModels.nested(y)));
    }
    String input = write(data, "a", "b");
    RnnScoreException e = assertThrows(RnnScoreException.class,
        () -> ScoreJob.run(spark, model, options(input, "enc=a,dec=b", 4)));
    assertTrue(e.getMessage().contains("(id=2): column 'b': row of 2 steps is shorter than conv's receptive field"
        + " of 3 (too_short)"), e.getMessage());

    String rejects = dir.resolve("rejects").toString();
    ScoreJob.Result result = ScoreJob.run(spark, model, options(input, "enc=a,dec=b", 4),
        new BadRowPolicy(true, rejects, -1, -1));
    assertEquals(5, result.rowsScored());
    assertEquals("too_short", spark.read().parquet(rejects).collectAsList().get(0).getString(1));
    for (Row row : spark.read().parquet(dir.resolve("out").toString()).collectAsList()) {
      float[][][] xy = rows.get(row.getLong(0));
      double[] want = ReferenceForwardPass.forwardRow(model, List.of(toDouble(xy[0]), toDouble(xy[1])), null);
      List<Float> got = row.getList(row.fieldIndex("prediction"));
      for (int j = 0; j < want.length; j++) {
        assertEquals(want[j], got.get(j), 1e-5 + 1e-4 * Math.abs(want[j]), "row " + row.getLong(0) + " value " + j);
      }
    }
  }

  /**
   * Two LSTM(return_sequences) branches over two inputs added step by step: a row's two columns
   * must have one length; rows of equal lengths match the reference, a row whose columns differ
   * is a wrong_length bad row naming the Add.
   */
  @Test
  void twoInputs_addedStepByStep_needOneLengthPerRow() {
    Random random = new Random(31);
    Node a = Node.of(RandomModels.recurrent(random, "LSTM", "la", 3, 4, true, Activation.TANH, Activation.SIGMOID,
        false, new Sequencing(true, false, false)), Node.input(0));
    Node b = Node.of(RandomModels.recurrent(random, "GRU", "lb", 2, 4, true, Activation.TANH, Activation.SIGMOID,
        true, new Sequencing(true, false, false)), Node.input(1));
    Node add = new Node(MergeLayer.of("add", MergeLayer.Op.ADD), List.of(0, 1));
    Node dense = Node.of(RandomModels.dense(random, "out", 4, 2, true, Activation.LINEAR), 2);
    RnnModel model = RnnModel.graph(List.of(new RnnModel.Input("p", 0, 3), new RnnModel.Input("q", 0, 2)),
        List.of(a, b, add, dense), 3);
    assertEquals("layer 'add' (Add)", InputPlan.stepMergeOfInputs(model));
    assertEquals(null, InputPlan.stepMergeOfInputs(encoderDecoder(3, 3, 2, false)), "concat of two vectors");
    Map<Long, float[][][]> rows = new HashMap<>();
    List<Row> data = new ArrayList<>();
    for (long id = 0; id < 12; id++) {
      int t = 1 + random.nextInt(6);
      float[][] x = TestModels.sequence(random, t, 3);
      float[][] y = TestModels.sequence(random, id == 7 ? t + 1 : t, 2);
      rows.put(id, new float[][][] {x, y});
      data.add(RowFactory.create(id, TestModels.nested(x), TestModels.nested(y)));
    }
    String input = write(data, "x", "y");
    String rejects = dir.resolve("rejects").toString();
    ScoreJob.run(spark, model, options(input, "q=y,p=x", 5), new BadRowPolicy(true, rejects, -1, -1));
    Row reject = spark.read().parquet(rejects).collectAsList().get(0);
    assertEquals(7L, reject.getLong(0));
    float[][][] bad = rows.get(7L);
    assertEquals("column 'x': has " + bad[0].length + " timesteps but column 'y' has " + bad[1].length + "; layer"
        + " 'add' (Add) merges their sequences step by step, so a row's inputs need one length", reject.getString(2));
    List<Row> got = spark.read().parquet(dir.resolve("out").toString()).collectAsList();
    assertEquals(11, got.size());
    for (Row row : got) {
      float[][][] x = rows.get(row.getLong(0));
      double[] want = ReferenceForwardPass.forwardRow(model, List.of(toDouble(x[0]), toDouble(x[1])), null);
      assertClose(want, flatten(row.getList(1)), "id=" + row.getLong(0));
    }
  }

  /** A one-input model may name its input too (--features-col in=x): the one-input path, same predictions. */
  @Test
  void oneInput_namedInTheMapping_scoresAsWithThePlainColumn() {
    RnnModel model = RandomModels.twoHeads(5);
    Random random = new Random(6);
    List<Row> data = new ArrayList<>();
    for (long id = 0; id < 8; id++) {
      float[][] x = TestModels.sequence(random, 1 + random.nextInt(5), 3);
      data.add(RowFactory.create(id, TestModels.nested(x), TestModels.nested(x)));
    }
    String input = write(data, "x", "y");
    UsageException wrong = assertThrows(UsageException.class,
        () -> ScoreJob.run(spark, model, options(input, "input=x", 4)));
    assertEquals("--features-col names input 'input', which the model does not have; its inputs are 'in'",
        wrong.getMessage());
    ScoreJob.run(spark, model, options(input, "in=x", 4));
    Dataset<Row> named = spark.read().parquet(dir.resolve("out").toString()).orderBy("id");
    assertEquals(List.of("id", "y", "prediction_per_step", "prediction_last"), List.of(named.columns()));
    List<Row> byName = named.collectAsList();
    ScoreJob.run(spark, model, new ScoreOptions(input, dir.resolve("out2").toString(), "x", 0, null, "prediction",
        null, ScoreOptions.WriteMode.ERROR, 4));
    List<Row> plain = spark.read().parquet(dir.resolve("out2").toString()).orderBy("id").collectAsList();
    assertEquals(plain, byName);
  }

  @Test
  void twoInputs_withoutAMappingOrWithAWrongOne_areUsageErrorsNamingTheInputs() {
    RnnModel model = encoderDecoder(3, 3, 2, false);
    Random random = new Random(5);
    List<Row> data = new ArrayList<>();
    for (long id = 0; id < 3; id++) {
      data.add(RowFactory.create(id, TestModels.nested(TestModels.sequence(random, 2, 3)),
          TestModels.nested(TestModels.sequence(random, 2, 2))));
    }
    String input = write(data, "a", "b");
    UsageException none = assertThrows(UsageException.class, () -> ScoreJob.run(spark, model, options(input, "a", 4)));
    assertEquals("the model has 2 inputs ('enc', 'dec'); give one column per input: --features-col enc=COL,dec=COL",
        none.getMessage());
    UsageException unknown = assertThrows(UsageException.class,
        () -> ScoreJob.run(spark, model, options(input, "enc=a,decoder=b", 4)));
    assertEquals("--features-col names input 'decoder', which the model does not have; its inputs are 'enc', 'dec'",
        unknown.getMessage());
    UsageException missing = assertThrows(UsageException.class,
        () -> ValidateJob.run(spark, model, input, "enc=a", 0, null));
    assertEquals("--features-col gives no column for input 'dec'; the model's inputs are 'enc', 'dec': give"
        + " --features-col enc=a,dec=COL", missing.getMessage());
    UsageException twice = assertThrows(UsageException.class,
        () -> ScoreJob.run(spark, model, options(input, "enc=a,enc=b", 4)));
    assertEquals("--features-col 'enc=a,enc=b' names input 'enc' twice", twice.getMessage());
  }

  @Test
  void twoOutputs_giveTwoPredictionColumns_inTheModelsOrder() {
    RnnModel model = RandomModels.twoHeads(3);
    Random random = new Random(21);
    Map<Long, float[][]> rows = new HashMap<>();
    List<Row> data = new ArrayList<>();
    for (long id = 0; id < 30; id++) {
      float[][] x = TestModels.sequence(random, 1 + random.nextInt(8), 3);
      rows.put(id, x);
      data.add(RowFactory.create(id, TestModels.nested(x), TestModels.nested(x)));
    }
    String input = write(data, "features", "unused");

    ScoreJob.run(spark, model, options(input, "features", 5));

    Dataset<Row> out = spark.read().parquet(dir.resolve("out").toString());
    assertEquals(List.of("id", "unused", "prediction_per_step", "prediction_last"), List.of(out.columns()));
    for (Row row : out.collectAsList()) {
      long id = row.getLong(0);
      float[][] x = rows.get(id);
      List<double[]> want = ReferenceForwardPass.forwardRowOutputs(model, List.<double[][]>of(toDouble(x)), null);
      assertEquals(x.length, row.getList(2).size(), "per_step: one vector per step, id=" + id);
      assertClose(want.get(0), flatten(row.getList(2)), "per_step id=" + id);
      assertClose(want.get(1), flatten(row.getList(3)), "last id=" + id);
    }
  }

  /** Incremental scoring stays refused for models of several inputs or outputs. */
  @Test
  void incrementalScoring_ofSeveralInputsOrOutputs_isRefused() {
    UsageException inputs = assertThrows(UsageException.class, () -> StateColumns.of(encoderDecoder(3, 3, 2, true)));
    assertEquals("layer 'decoder' starts from the states of layer 'encoder' (initial_state), not from a state of its"
        + " own, so a sequence cannot be continued from its state", inputs.getMessage());
    UsageException outputs = assertThrows(UsageException.class, () -> StateColumns.of(RandomModels.twoHeads(3)));
    assertEquals("the model has 2 outputs: incremental scoring (--emit-state, --initial-state-from) is for models of"
        + " one output", outputs.getMessage());
  }

  private static void assertClose(double[] want, double[] got, String what) {
    assertEquals(want.length, got.length, what);
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], ABS + REL * Math.abs(want[i]), what + " value " + i);
    }
  }

  private ScoreOptions options(String input, String features, int batch) {
    return new ScoreOptions(input, dir.resolve("out").toString(), features, 0, null, "prediction", null,
        ScoreOptions.WriteMode.ERROR, batch);
  }

  private String write(List<Row> rows, String first, String second) {
    StructType schema = new StructType(new StructField[] {
        new StructField("id", DataTypes.LongType, false, Metadata.empty()),
        new StructField(first, NESTED, true, Metadata.empty()),
        new StructField(second, NESTED, true, Metadata.empty())});
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
