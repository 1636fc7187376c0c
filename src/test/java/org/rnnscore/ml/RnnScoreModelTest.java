package org.rnnscore.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnscore.api.RnnScorer;
import org.rnnscore.cli.ExpectedPredictions;
import org.rnnscore.job.SharedSpark;
import org.rnnscore.model.InputDataException;
import org.rnnscore.model.ModelFormatException;

class RnnScoreModelTest {
  static final Path SAMPLE = Path.of(System.getProperty("rnnscore.sample.dir", "sample-data"));
  static final String MODEL = SAMPLE.resolve("model.keras").toString();
  static final String INPUT = SAMPLE.resolve("input.parquet").toString();
  static final List<String> MODULE_OPTIONS = List.of(
      System.getProperty("rnnscore.spark.module.options", "").trim().split("\\s+"));

  @TempDir
  Path dir;

  static Map<Long, List<Float>> byId(Dataset<Row> rows) {
    Map<Long, List<Float>> out = new HashMap<>();
    for (Row row : rows.select("id", "prediction").collectAsList()) {
      out.put(row.getLong(0), row.isNullAt(1) ? null : row.getList(1));
    }
    return out;
  }

  @Test
  void transform_sampleData_matchesTheExpectedPredictionsAndTheApi() throws Exception {
    SparkSession spark = SharedSpark.get();
    Dataset<Row> input = spark.read().parquet(INPUT);
    Map<Long, List<Float>> stage = byId(new RnnScoreModel().setModelPath(MODEL).transform(input));
    Map<Long, double[]> expected = ExpectedPredictions.read(SAMPLE.resolve("expected-predictions.csv"));
    assertEquals(expected.size(), stage.size());
    expected.forEach((id, want) -> {
      for (int k = 0; k < want.length; k++) {
        assertEquals(want[k], stage.get(id).get(k), ExpectedPredictions.TOLERANCE, "id " + id);
      }
    });
    try (RnnScorer scorer = RnnScorer.load(spark, MODEL)) {
      assertEquals(byId(scorer.transform(input)), stage);
    }
  }

  @Test
  void params_haveDefaultsAndDocs_andCopyKeepsThem() {
    RnnScoreModel stage = new RnnScoreModel().setModelPath(MODEL).setBatchSize(7).setHandleInvalid("keep");
    String explained = stage.explainParams();
    for (String name : List.of("modelPath", "featuresCol", "predictionCol", "keyCol", "timesteps", "batchSize",
        "outputs", "classNames", "handleInvalid")) {
      assertTrue(explained.contains(name + ": "), name + " in " + explained);
    }
    assertEquals("features", stage.getOrDefault(stage.featuresCol()));
    RnnScoreModel fresh = new RnnScoreModel();
    assertEquals("error", fresh.getOrDefault(fresh.handleInvalid()));
    RnnScoreModel copy = stage.copy(new org.apache.spark.ml.param.ParamMap());
    assertEquals(stage.uid(), copy.uid());
    assertEquals(7, copy.getOrDefault(copy.batchSize()));
    assertEquals("keep", copy.getOrDefault(copy.handleInvalid()));
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> stage.setHandleInvalid("drop"));
    assertTrue(bad.getMessage().contains("handleInvalid"), bad.getMessage());
  }

  @Test
  void transformSchema_addsThePrediction_andFailsOnAWrongTypeBeforeAnyJob() {
    SparkSession spark = SharedSpark.get();
    Dataset<Row> input = spark.read().parquet(INPUT);
    RnnScoreModel stage = new RnnScoreModel().setModelPath(MODEL).setPredictionCol("score");
    assertEquals(List.of("id", "features", "score"), List.of(stage.transformSchema(input.schema()).fieldNames()));
    Dataset<Row> wrong = input.select(col("id"), col("features").cast("string").as("features"));
    InputDataException e = assertThrows(InputDataException.class, () -> stage.transformSchema(wrong.schema()));
    assertTrue(e.getMessage().startsWith("the DataFrame: column 'features' has type string, expected"), e.getMessage());
  }

  @Test
  void outputsAndClassNames_addTheClassColumns_asTheApiGivesThem() {
    SparkSession spark = SharedSpark.get();
    Dataset<Row> input = spark.read().parquet(INPUT).where("id < 50");
    RnnScoreModel stage = new RnnScoreModel().setModelPath(MODEL).setOutputs("raw,argmax")
        .setClassNames(new String[] {"stay", "churn"});
    List<String> columns = List.of("id", "features", "prediction", "prediction_label", "prediction_label_name");
    assertEquals(columns, List.of(stage.transformSchema(input.schema()).fieldNames()));
    Dataset<Row> staged = stage.transform(input);
    assertEquals(columns, List.of(staged.columns()));
    try (RnnScorer scorer = RnnScorer.load(spark, MODEL).outputs("raw", "argmax").classNames("stay", "churn")) {
      assertEquals(scorer.transform(input).orderBy("id").collectAsList(), staged.orderBy("id").collectAsList());
    }
    org.rnnscore.model.UsageException e = assertThrows(org.rnnscore.model.UsageException.class,
        () -> stage.setOutputs("softmax,sigmoid").transformSchema(input.schema()));
    assertTrue(e.getMessage().startsWith("outputs 'softmax,sigmoid' asks for both softmax and sigmoid"), e.getMessage());
  }

  @Test
  void handleInvalid_skipDropsAndKeepExplains() {
    SparkSession spark = SharedSpark.get();
    Dataset<Row> input = spark.read().parquet(INPUT).where("id < 20")
        .withColumn("features", expr("if(id = 5, null, features)"));
    RnnScoreModel stage = new RnnScoreModel().setModelPath(MODEL);
    assertEquals(19, stage.setHandleInvalid("skip").transform(input).count());
    Dataset<Row> kept = stage.setHandleInvalid("keep").transform(input);
    assertEquals(20, kept.count());
    Row bad = kept.where("id = 5").first();
    assertEquals("null_sequence", bad.getString(bad.fieldIndex("reason_code")));
    Exception e = assertThrows(Exception.class, () -> stage.setHandleInvalid("error").transform(input).collect());
    StringBuilder chain = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      chain.append(t.getMessage());
    }
    assertTrue(chain.toString().contains("(id=5): the sequence is null (null_sequence)"), chain.toString());
  }

  @Test
  void aSavedPipeline_loadsInANewJvm_andPredictsTheSame() throws Exception {
    SparkSession spark = SharedSpark.get();
    Path copy = dir.resolve("model.keras");
    Files.copy(Path.of(MODEL), copy);
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        new SQLTransformer().setStatement("SELECT id, features FROM __THIS__ WHERE id % 3 = 0"),
        new RnnScoreModel().setModelPath(copy.toString()).setBatchSize(50)});
    Dataset<Row> input = spark.read().parquet(INPUT);
    PipelineModel fitted = pipeline.fit(input);
    Map<Long, List<Float>> here = byId(fitted.transform(input));
    String saved = dir.resolve("pipeline").toString();
    fitted.save(saved);
    Files.delete(copy); // the saved stage must not need the original file

    String output = dir.resolve("loaded").toString();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(MODULE_OPTIONS);
    // The same FMA setting as this JVM (the suite runs some tests again with -XX:-UseFMA): a fused
    // multiply-add rounds once, a multiply and an add twice, and identical floats are asserted.
    command.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(arg -> arg.equals("-XX:-UseFMA")).toList());
    command.addAll(List.of("-Xmx1g", "-XX:TieredStopAtLevel=1", "-Dlog4j2.configurationFile=rnnscore-log4j2.properties",
        "-cp", System.getProperty("java.class.path"), PipelineLoadMain.class.getName(), saved, INPUT, output));
    Path log = dir.resolve("load.log");
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertTrue(process.waitFor(180, TimeUnit.SECONDS), "the loading JVM finished");
    assertEquals(0, process.exitValue(), Files.readString(log));
    Map<Long, List<Float>> there = byId(spark.read().parquet(output));
    assertEquals(334, there.size());
    assertEquals(here, there);
  }

  @Test
  void load_refusesAnEmbeddedModelWhoseBytesChanged() throws Exception {
    String saved = dir.resolve("stage").toString();
    new RnnScoreModel().setModelPath(MODEL).save(saved);
    Path embedded = Path.of(saved, "data", "model-model.keras");
    byte[] bytes = Files.readAllBytes(embedded);
    bytes[bytes.length / 2] ^= 1;
    Files.write(embedded, bytes);
    // On the local filesystem Hadoop's own checksum (.crc beside the file) notices first.
    ModelFormatException crc = assertThrows(ModelFormatException.class, () -> RnnScoreModel.load(saved));
    assertTrue(crc.getMessage().contains("no longer match the checksum"), crc.getMessage());
    // Where there is none (object stores, a copy made without it), the sha256 recorded at save does.
    Files.delete(Path.of(saved, "data", ".model-model.keras.crc"));
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> RnnScoreModel.load(saved));
    assertTrue(e.getMessage().contains("model-model.keras: sha256 "), e.getMessage());
    assertTrue(e.getMessage().contains("recorded when the stage was saved (from " + MODEL + ")"), e.getMessage());
    RnnScoreModel fine = new RnnScoreModel().setModelPath(MODEL).setTimesteps(0);
    String again = dir.resolve("stage2").toString();
    fine.save(again);
    RnnScoreModel loaded = RnnScoreModel.load(again);
    assertEquals(Path.of(again, "data", "model-model.keras").toUri().getPath(),
        new org.apache.hadoop.fs.Path(loaded.getOrDefault(loaded.modelPath())).toUri().getPath());
    assertArrayEquals(Files.readAllBytes(Path.of(MODEL)), Files.readAllBytes(Path.of(again, "data", "model-model.keras")));
  }
}
