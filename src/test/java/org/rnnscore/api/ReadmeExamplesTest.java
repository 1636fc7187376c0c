package org.rnnscore.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.rnnscore.job.SharedSpark;
import org.rnnscore.ml.RnnScoreModel;

/**
 * The README's Java examples, run here on sample-data; {@link #theReadmeShowsTheseExamplesVerbatim}
 * keeps the README's copies equal to the code between the README markers below.
 */
class ReadmeExamplesTest {
  private static final Path SOURCE = Path.of("src/test/java/org/rnnscore/api/ReadmeExamplesTest.java");

  @Test
  void theDataFrameApiExample() {
    SharedSpark.get();
    // README-BEGIN
    SparkSession spark = SparkSession.active();
    Dataset<Row> customers = spark.read().parquet("sample-data/input.parquet");
    try (RnnScorer scorer = RnnScorer.load(spark, "sample-data/model.h5")
        .featuresCol("features")
        .outputs("softmax", "argmax")
        .classNames("stay", "churn")
        .onBadRow("quarantine")) {
      Dataset<Row> scored = scorer.transform(customers.where("id % 2 = 0")); // lazy: no Spark job yet
      scored.where("reason_code IS NULL")
          .select("id", "prediction_prob", "prediction_label_name")
          .write().mode("overwrite").parquet("target/readme-example/churn");   // scores here, once
      ScoreStats stats = scorer.stats(); // read after the action
      System.out.println(stats.rowsScored() + " rows scored, " + stats.rowsRejected() + " rejected");
    }
    // README-END
    Dataset<Row> written = spark.read().parquet("target/readme-example/churn");
    assertEquals(500, written.count());
    assertEquals(List.of("id", "prediction_prob", "prediction_label_name"), List.of(written.columns()));
    assertEquals(0, written.where("prediction_label_name NOT IN ('stay', 'churn')").count());
  }

  @Test
  void theSavedPipelineExample() throws Exception {
    SparkSession spark = SharedSpark.get();
    Dataset<Row> customers = spark.read().parquet("sample-data/input.parquet");
    // README-BEGIN
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        new SQLTransformer().setStatement("SELECT id, features FROM __THIS__ WHERE id < 100"),
        new RnnScoreModel().setModelPath("sample-data/model.h5").setOutputs("raw,argmax").setHandleInvalid("keep")});
    PipelineModel fitted = pipeline.fit(customers); // nothing to fit: the Keras model is trained already
    fitted.write().overwrite().save("target/readme-example/pipeline"); // embeds the model file and its sha256

    // Later, in another application (no access to sample-data/model.h5 needed):
    PipelineModel loaded = PipelineModel.load("target/readme-example/pipeline");
    Dataset<Row> predictions = loaded.transform(customers);
    // README-END
    assertEquals(100, predictions.count());
    assertEquals(List.of("id", "features", "prediction", "prediction_label", "reason_code", "reason"),
        List.of(predictions.columns()));
    assertEquals(fitted.transform(customers).orderBy("id").collectAsList(),
        predictions.orderBy("id").collectAsList());
  }

  @Test
  void theReadmeShowsTheseExamplesVerbatim() throws IOException {
    String readme = Files.readString(Path.of("README.md"));
    List<String> examples = examples(Files.readAllLines(SOURCE));
    assertEquals(2, examples.size());
    for (String example : examples) {
      assertTrue(readme.contains("```java\n" + example + "```\n"), "README.md lacks, verbatim:\n" + example);
    }
  }

  /** The code between each README-BEGIN and README-END marker, its common indentation removed. */
  static List<String> examples(List<String> lines) {
    List<String> examples = new ArrayList<>();
    List<String> current = null;
    for (String line : lines) {
      String trimmed = line.trim();
      if (trimmed.equals("// README-" + "BEGIN")) {
        current = new ArrayList<>();
      } else if (trimmed.equals("// README-" + "END")) {
        int indent = current.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
            .min().orElse(0);
        StringBuilder text = new StringBuilder();
        for (String l : current) {
          text.append(l.isBlank() ? "" : l.substring(indent)).append('\n');
        }
        examples.add(text.toString());
        current = null;
      } else if (current != null) {
        current.add(line);
      }
    }
    return examples;
  }
}
