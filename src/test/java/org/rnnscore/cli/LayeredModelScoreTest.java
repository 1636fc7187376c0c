package org.rnnscore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rnnscore.job.SharedSpark;
import org.rnnscore.kernel.ModelSpec;
import org.rnnscore.kernel.ReferenceForwardPass;
import org.rnnscore.model.RnnModel;
import org.rnnscore.testing.KerasFileWriter;

/**
 * Issue-3 models end to end: written in Keras' own layouts (.h5, .keras, JSON + weights), read
 * back by {@code score} on Spark, and compared row by row with the double reference.
 */
class LayeredModelScoreTest {
  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0} as {1}")
  @CsvSource(delimiter = '|', value = {
      "masking(0) > bi(lstm,4,concat,rs) > gru(3) > dense(2,softmax) | h5",
      "masking(0) > bi(lstm,4,concat,rs) > gru(3) > dense(2,softmax) | keras",
      "lstm(5,rs,back) > simple(3,rs) > dense(2) | json",
      "gru(4,rs,reset_before) > dense(3) | keras"})
  void score_modelFileOfEachForm_matchesReferenceByKey(String spec, String form) throws Exception {
    RnnModel model = ModelSpec.build(spec, 17, 3, 0);
    List<String> args = new ArrayList<>(List.of("score", "--input", input(), "--output", dir.resolve("out").toString(),
        "--batch-size", "7"));
    switch (form) {
      case "h5":
        KerasFileWriter.writeLegacyH5(dir.resolve("m.h5"), model);
        args.addAll(List.of("--model", dir.resolve("m.h5").toString()));
        break;
      case "keras":
        KerasFileWriter.writeKerasV3(dir.resolve("m.keras"), model);
        args.addAll(List.of("--model", dir.resolve("m.keras").toString()));
        break;
      default:
        KerasFileWriter.writeJsonAndWeights(dir.resolve("m.json"), dir.resolve("w.h5"), model);
        args.addAll(List.of("--model", dir.resolve("m.json").toString(), "--weights", dir.resolve("w.h5").toString()));
    }
    StringWriter err = new StringWriter();
    int code = RnnScoreCli.run(args.toArray(new String[0]), new PrintWriter(new StringWriter()), new PrintWriter(err));
    assertEquals(0, code, err.toString());

    List<Row> rows = SharedSpark.get().read().parquet(dir.resolve("out").toString()).collectAsList();
    assertEquals(40, rows.size());
    for (Row row : rows) {
      long id = row.getLong(0);
      double[] want = ReferenceForwardPass.forwardRow(model, sequence(id), null);
      List<Object> prediction = row.getList(1);
      List<Double> got = new ArrayList<>();
      for (Object item : prediction) {
        if (item instanceof Number) {
          got.add(((Number) item).doubleValue());
        } else {
          for (Object v : scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<?>) item)) {
            got.add(((Number) v).doubleValue());
          }
        }
      }
      assertEquals(want.length, got.size(), "id=" + id);
      for (int i = 0; i < want.length; i++) {
        assertEquals(want[i], got.get(i), 1e-5 + 1e-4 * Math.abs(want[i]), spec + " id=" + id + " value " + i);
      }
    }
  }

  /** Row id's sequence: 1–9 steps of 3 features, some steps all zero (masked where Masking(0) is). */
  private static double[][] sequence(long id) {
    Random random = new Random(id);
    double[][] x = new double[1 + random.nextInt(9)][3];
    for (int t = 0; t < x.length; t++) {
      boolean zero = random.nextInt(5) == 0;
      for (int d = 0; d < 3; d++) {
        x[t][d] = zero ? 0 : (float) random.nextGaussian();
      }
    }
    return x;
  }

  private String input() {
    StringBuilder values = new StringBuilder();
    for (long id = 0; id < 40; id++) {
      if (id > 0) {
        values.append(", ");
      }
      StringBuilder steps = new StringBuilder();
      for (double[] step : sequence(id)) {
        if (steps.length() > 0) {
          steps.append(", ");
        }
        steps.append(String.format(java.util.Locale.ROOT, "array(float(%s), float(%s), float(%s))",
            Float.toString((float) step[0]), Float.toString((float) step[1]), Float.toString((float) step[2])));
      }
      values.append("(").append(id).append("L, array(").append(steps).append("))");
    }
    String path = dir.resolve("in").toString();
    SharedSpark.get().sql("SELECT * FROM VALUES " + values + " AS t(id, features)").repartition(2).write()
        .parquet(path);
    return path;
  }
}
