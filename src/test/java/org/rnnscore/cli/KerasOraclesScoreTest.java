package org.rnnscore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jhdf.HdfFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.rnnscore.job.SharedSpark;
import org.rnnscore.testing.SharedData;

/**
 * The dl4j Keras files from ../shared/keras-conformance scored through the {@code score}
 * command on Spark, compared by id with the predictions Keras itself computed (never the
 * training targets under {@code outputs/}). Skipped with the reason when ../shared is absent.
 */
class KerasOraclesScoreTest {
  private static final String DL4J = "keras-conformance/dl4j-test-resources/src/main/resources/modelimport/keras/";
  /** The bar: within 1e-5 of Keras' own outputs. */
  private static final double TOLERANCE = 1e-5;

  @TempDir
  Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "simple_rnn, simple_rnn_tf_keras_2, simple_rnn_1_input",
      "simple_flatten_rnn, simple_flatten_rnn_tf_keras_2, simple_rnn_1_input",
      "simple_flatten_lstm, simple_flatten_lstm_tf_keras_2, lstm_1_input"})
  void score_dl4jFullModelH5_matchesKerasPredictions(String folder, String prefix, String inputName)
      throws Exception {
    Path model = SharedData.require(DL4J + "examples/" + folder + "/" + prefix + "_model.h5");
    Path data = SharedData.require(DL4J + "examples/" + folder + "/" + prefix + "_inputs_and_outputs.h5");
    float[][][] inputs;
    float[][] expected;
    try (HdfFile h5 = new HdfFile(data)) {
      inputs = toFloat3(h5.getDatasetByPath("inputs/" + inputName).getData());
      expected = toFloat2(h5.getDatasetByPath("predictions/dense_1").getData());
    }
    List<float[][]> rows = new ArrayList<>(List.of(inputs));
    double[][] want = new double[expected.length][];
    for (int i = 0; i < expected.length; i++) {
      want[i] = new double[expected[i].length];
      for (int k = 0; k < expected[i].length; k++) {
        want[i][k] = expected[i][k];
      }
    }
    String input = writeInput(rows);
    String output = dir.resolve("out").toString();
    assertScored(run("score", "--model", model.toString(), "--input", input, "--output", output));
    assertMatches(output, want);
  }

  @Test
  void score_dl4jStackedLstmJsonPlusWeights_all283MatchKerasPredictions() throws Exception {
    Path config = SharedData.require(DL4J + "fullconfigs/lstm/lstm_th_keras_2_config.json");
    Path weights = SharedData.require(DL4J + "fullconfigs/lstm/lstm_th_keras_2_weights.h5");
    Path predictions = SharedData.require(DL4J + "fullconfigs/lstm/predictions.npy");
    float[] keras = readNpyFloat32(predictions);
    assertEquals(283, keras.length);
    List<float[][]> rows = new ArrayList<>();
    for (int i = 0; i < keras.length; i++) {
      List<String> lines = Files.readAllLines(config.getParent().resolve("data/sequences/" + i + ".csv"));
      float[][] steps = new float[lines.size()][12];
      for (int t = 0; t < lines.size(); t++) {
        String[] cells = lines.get(t).split(";");
        for (int d = 0; d < 12; d++) { // the first 12 of 13 columns are the features
          steps[t][d] = Float.parseFloat(cells[d]);
        }
      }
      rows.add(steps);
    }
    double[][] want = new double[keras.length][];
    for (int i = 0; i < keras.length; i++) {
      want[i] = new double[] {keras[i]};
    }
    String input = writeInput(rows);
    String output = dir.resolve("out").toString();
    assertScored(run("score", "--model", config.toString(), "--weights", weights.toString(), "--input", input,
        "--output", output));
    assertMatches(output, want);
  }

  private String err;

  private int run(String... args) {
    StringWriter stderr = new StringWriter();
    int code = RnnScoreCli.run(args, new PrintWriter(new StringWriter()), new PrintWriter(stderr));
    err = stderr.toString();
    return code;
  }

  private void assertScored(int code) {
    assertEquals(0, code, err);
  }

  private String writeInput(List<float[][]> rows) {
    List<Row> data = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      List<List<Float>> steps = new ArrayList<>();
      for (float[] step : rows.get(i)) {
        List<Float> values = new ArrayList<>();
        for (float v : step) {
          values.add(v);
        }
        steps.add(values);
      }
      data.add(RowFactory.create((long) i, steps));
    }
    StructType schema = new StructType(new StructField[] {
        new StructField("id", DataTypes.LongType, false, Metadata.empty()),
        new StructField("features", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType)), false,
            Metadata.empty())});
    String path = dir.resolve("in").toString();
    SharedSpark.get().createDataFrame(data, schema).repartition(3).write().parquet(path);
    return path;
  }

  private void assertMatches(String output, double[][] want) {
    List<Row> rows = SharedSpark.get().read().parquet(output).select("id", "prediction").collectAsList();
    assertEquals(want.length, rows.size());
    for (Row row : rows) {
      int id = (int) row.getLong(0);
      List<Object> got = row.getList(1);
      assertEquals(want[id].length, got.size());
      for (int k = 0; k < want[id].length; k++) {
        double value = ((Number) got.get(k)).doubleValue();
        assertEquals(want[id][k], value, TOLERANCE, "id=" + id + " output " + k);
        // The stacked LSTM's sigmoid outputs are ~1e-5: hold them to float32 relative precision too.
        assertEquals(want[id][k], value, 1e-3 * Math.abs(want[id][k]) + 1e-9, "id=" + id + " output " + k + " (relative)");
      }
    }
  }

  /** numpy's .npy of a 1-D little-endian float32 array. */
  private static float[] readNpyFloat32(Path path) throws IOException {
    byte[] bytes = Files.readAllBytes(path);
    int headerLength = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
    String header = new String(bytes, 10, headerLength, StandardCharsets.ISO_8859_1);
    assertEquals(true, header.contains("'descr': '<f4'"), header);
    ByteBuffer data = ByteBuffer.wrap(bytes, 10 + headerLength, bytes.length - 10 - headerLength)
        .order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[data.remaining() / 4];
    data.asFloatBuffer().get(out);
    return out;
  }

  private static float[][][] toFloat3(Object data) {
    Object[] outer = (Object[]) data;
    float[][][] out = new float[outer.length][][];
    for (int i = 0; i < outer.length; i++) {
      out[i] = toFloat2(outer[i]);
    }
    return out;
  }

  private static float[][] toFloat2(Object data) {
    Object[] outer = (Object[]) data;
    float[][] out = new float[outer.length][];
    for (int i = 0; i < outer.length; i++) {
      Object inner = outer[i];
      if (inner instanceof float[]) {
        out[i] = (float[]) inner;
      } else {
        double[] d = (double[]) inner;
        out[i] = new float[d.length];
        for (int j = 0; j < d.length; j++) {
          out[i][j] = (float) d[j];
        }
      }
    }
    return out;
  }
}
