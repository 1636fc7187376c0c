package org.rnnscore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnscore.job.SharedSpark;

/** score --outputs on sample-data: the columns in list order, per model with --named-model, and the exit-2 refusals. */
class ClassOutputsCliTest {
  static final Path SAMPLE = Path.of(System.getProperty("rnnscore.sample.dir", "sample-data"));
  static final String INPUT = SAMPLE.resolve("input.parquet").toString();
  static final String H5 = SAMPLE.resolve("model.h5").toString();

  @TempDir
  Path dir;

  @Test
  void perModelOutputs_withNamedModels_andTheRawColumnsEqualASingleRun() {
    String out = dir.resolve("two").toString();
    CliRun run = CliRun.of("score", "--named-model", "a=" + H5, "--named-model", "b=" + SAMPLE.resolve("model.npz"),
        "--outputs", "a=argmax,raw", "--class-names", "a=no,yes", "--outputs", "threshold=0.5", "--positive-class",
        "0", "--input", INPUT, "--output", out, "--quiet", "--master", "local[2]");
    assertEquals(0, run.code(), run.err());
    Dataset<Row> two = SharedSpark.get().read().parquet(out);
    assertEquals(List.of("id", "a_prediction_label", "a_prediction_label_name", "a_prediction", "b_prediction_positive"),
        List.of(two.columns()));
    String single = dir.resolve("one").toString();
    CliRun one = CliRun.of("score", "--model", H5, "--input", INPUT, "--output", single, "--quiet", "--master",
        "local[2]");
    assertEquals(0, one.code(), one.err());
    Map<Long, List<Float>> raw = NamedModelsCliTest.byId(SharedSpark.get().read().parquet(single), "prediction");
    two = SharedSpark.get().read().parquet(out);
    for (Row row : two.collectAsList()) {
      List<Float> values = raw.get(row.getLong(0));
      int label = values.get(1) > values.get(0) ? 1 : 0;
      assertEquals(label, row.getInt(1));
      assertEquals(label == 1 ? "yes" : "no", row.getString(2));
      assertEquals(values, row.getList(3));
      assertEquals(values.get(0) >= 0.5f, row.getBoolean(4), "the b model's raw[0] (same weights as a)");
    }
  }

  @Test
  void outputsTheModelCannotGive_areExit2BeforeSparkStarts() {
    Map<List<String>, String> cases = new LinkedHashMap<>();
    cases.put(List.of("--outputs", "softmax,sigmoid"), "--outputs 'softmax,sigmoid' asks for both softmax and sigmoid");
    cases.put(List.of("--outputs", "argmax", "--class-names", "a,b,c"),
        "class names [a, b, c] are 3, but the model gives K = 2 values a prediction; give exactly 2");
    cases.put(List.of("--outputs", "top-k=3"), "outputs top-k=3 asks for more than the model's K = 2 classes");
    cases.put(List.of("--outputs", "raw", "--outputs", "argmax"), "--outputs is given twice for every model");
    cases.forEach((args, message) -> {
      List<String> all = new java.util.ArrayList<>(List.of("score", "--model", H5, "--input", INPUT, "--output",
          dir.resolve("never").toString(), "--quiet"));
      all.addAll(args);
      CliRun run = CliRun.of(all.toArray(new String[0]));
      assertEquals(2, run.code(), run.err());
      assertTrue(run.err().startsWith("rnnscore: " + message), run.err());
    });
  }
}
