package org.rnnscore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnscore.io.ModelReader;
import org.rnnscore.job.SharedSpark;
import org.rnnscore.kernel.ReferenceForwardPass;
import org.rnnscore.model.RnnModel;
import org.rnnscore.testing.SharedData;

/**
 * The real two-input seq2seq file of ../shared/keras-real (kamal_seq2seq_2in_k224: inputs
 * encoder_input D=150 and decoder_input D=50, Dense(50, softmax) per decoder step) scored
 * through the {@code score} command from a two-column Parquet, each column ragged on its own,
 * against the double-precision reference (no oracle runs multi-input models).
 */
class SeveralInputsCliTest {
  private static final DataType NESTED = DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType));

  @TempDir
  Path dir;

  @Test
  void score_kamalSeq2seq_fromTwoColumns_matchesTheReference() throws Exception {
    Path file = SharedData.require("keras-real/kamal_seq2seq_2in_k224/model.h5");
    RnnModel model = ModelReader.read("model.h5", Files.readAllBytes(file));
    Random random = new Random(2024);
    Map<Long, double[][][]> rows = new HashMap<>();
    List<Row> data = new ArrayList<>();
    for (long id = 0; id < 16; id++) {
      double[][] enc = oneHot(random, 1 + random.nextInt(9), 150);
      double[][] dec = oneHot(random, 1 + random.nextInt(7), 50);
      rows.put(id, new double[][][] {enc, dec});
      data.add(RowFactory.create(id, nested(enc), nested(dec)));
    }
    StructType schema = new StructType(new StructField[] {
        new StructField("id", DataTypes.LongType, false, Metadata.empty()),
        new StructField("enc", NESTED, false, Metadata.empty()),
        new StructField("dec", NESTED, false, Metadata.empty())});
    String input = dir.resolve("in").toString();
    SharedSpark.get().createDataFrame(data, schema).repartition(2).write().parquet(input);
    String output = dir.resolve("out").toString();

    CliRun refused = CliRun.of("score", "--model", file.toString(), "--input", input, "--output", output);
    assertEquals(2, refused.code(), refused.err());
    assertTrue(refused.err().contains("the model has 2 inputs ('encoder_input', 'decoder_input'); give one column per"
        + " input: --features-col encoder_input=COL,decoder_input=COL"), refused.err());

    CliRun validated = CliRun.of("validate", "--model", file.toString(), "--input", input, "--features-col",
        "encoder_input=enc,decoder_input=dec");
    assertEquals(0, validated.code(), validated.err());

    CliRun run = CliRun.of("score", "--model", file.toString(), "--input", input, "--output", output,
        "--features-col", "encoder_input=enc,decoder_input=dec", "--batch-size", "5");
    assertEquals(0, run.code(), run.err());
    List<Row> got = SharedSpark.get().read().parquet(output).select("id", "prediction").collectAsList();
    assertEquals(16, got.size());
    for (Row row : got) {
      long id = row.getLong(0);
      double[][][] x = rows.get(id);
      double[] want = ReferenceForwardPass.forwardRow(model, List.of(x[0], x[1]), null);
      List<Object> steps = row.getList(1);
      assertEquals(x[1].length, steps.size(), "one 50-vector per decoder step, id=" + id);
      int i = 0;
      for (Object step : steps) {
        for (Object v : scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<?>) step)) {
          double value = ((Number) v).doubleValue();
          assertEquals(want[i], value, 1e-5 + 1e-4 * Math.abs(want[i]), "id=" + id + " value " + i);
          i++;
        }
      }
      assertEquals(want.length, i, "id=" + id);
    }
  }

  /** One-hot characters, as the model was trained on. */
  private static double[][] oneHot(Random random, int t, int d) {
    double[][] x = new double[t][d];
    for (int s = 0; s < t; s++) {
      x[s][random.nextInt(d)] = 1;
    }
    return x;
  }

  private static List<List<Float>> nested(double[][] x) {
    List<List<Float>> steps = new ArrayList<>();
    for (double[] step : x) {
      List<Float> values = new ArrayList<>();
      for (double v : step) {
        values.add((float) v);
      }
      steps.add(values);
    }
    return steps;
  }
}
