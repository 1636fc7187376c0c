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
import org.rnnscore.kernel.Nd4jRuntime;
import org.rnnscore.kernel.ReferenceForwardPass;
import org.rnnscore.model.Frame;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.RnnScoreException;
import org.rnnscore.model.UsageException;
import org.rnnscore.testing.FrameModels;

/**
 * The Spark job with a per-step image model (TimeDistributed Conv2D > MaxPooling2D > Flatten >
 * LSTM > Dense): a nested T×H×W×C column, a flat one with --timesteps and --frame-shape, frames
 * of the wrong shape as bad rows, and batches capped by --batch-bytes.
 */
class ScoreJobFramesTest {
  private static final double ABS = 1e-5;
  private static final double REL = 1e-4;
  private static final Frame FRAME = new Frame(5, 5, 2);

  @TempDir
  Path dir;

  private final SparkSession spark = SharedSpark.get();

  private static RnnModel model() {
    return FrameModels.model(21, 0, FRAME, "LSTM", 4, 2, "conv:3:3,3:1,1:1,1:same:relu", "max:2,2:2,2:valid");
  }

  @Test
  void run_nestedFramesColumn_raggedRows_eachRowEqualsReference_underASmallByteCap() {
    RnnModel model = model();
    int[] lengths = new int[24];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = 1 + i % 4;
    }
    double[][][] x = FrameModels.rows(5, lengths, FRAME);
    List<Row> data = new ArrayList<>();
    for (int id = 0; id < x.length; id++) {
      data.add(RowFactory.create((long) id, nestedFrames(x[id], FRAME)));
    }
    String input = write(data, nestedType(4));
    // 2 frames' worth of bytes per batch: batches of one or two rows, and the 3- and 4-frame rows alone.
    ScoreJob.run(spark, model, options(input, 0, null, 2L * FRAME.size() * 4));
    assertMatchesReference(model, x);
  }

  @Test
  void run_flatColumnWithFrameShape_matchesReference() {
    RnnModel model = model();
    int[] lengths = {3, 3, 3, 3, 3, 3, 3};
    double[][][] x = FrameModels.rows(6, lengths, FRAME);
    List<Row> data = new ArrayList<>();
    for (int id = 0; id < x.length; id++) {
      List<Float> flat = new ArrayList<>();
      for (double[] step : x[id]) {
        for (double v : step) {
          flat.add((float) v);
        }
      }
      data.add(RowFactory.create((long) id, flat));
    }
    String input = write(data, nestedType(1));
    ScoreJob.run(spark, model, options(input, 3, FRAME, ScoreOptions.DEFAULT_BATCH_BYTES));
    assertMatchesReference(model, x);
  }

  @Test
  void run_flatColumnWithoutOrWithAnotherFrameShape_usageErrors() {
    RnnModel model = model();
    String input = write(List.of(RowFactory.create(1L, new ArrayList<>(List.of(1f, 2f)))), nestedType(1));
    UsageException missing = assertThrows(UsageException.class,
        () -> ScoreJob.run(spark, model, options(input, 3, null, ScoreOptions.DEFAULT_BATCH_BYTES)));
    assertTrue(missing.getMessage().endsWith("column 'features' is a flat array<float>; the model reads T frames of"
        + " 5×5×2 (H×W×C): give --timesteps T --frame-shape 5,5,2 (or a nested array<array<array<array<float>>>>"
        + " column)"), missing.getMessage());
    UsageException other = assertThrows(UsageException.class,
        () -> ScoreJob.run(spark, model, options(input, 3, new Frame(5, 2, 5), ScoreOptions.DEFAULT_BATCH_BYTES)));
    assertEquals("--frame-shape 5,2,5 contradicts the model, whose input frames are 5,5,2 (H,W,C)",
        other.getMessage());
  }

  @Test
  void run_frameOfAnotherShape_isAWrongShapeBadRowNamingTheRowAndBothShapes() {
    RnnModel model = model();
    double[][][] x = FrameModels.rows(7, new int[] {2, 2}, FRAME);
    List<Row> data = new ArrayList<>();
    data.add(RowFactory.create(1L, nestedFrames(x[0], FRAME)));
    List<Object> frames = nestedFrames(x[1], FRAME);
    frames.set(1, nestedFrames(new double[][] {new double[4 * 5 * 2]}, new Frame(4, 5, 2)).get(0));
    data.add(RowFactory.create(2L, frames));
    String message = badRowMessage(model, options(write(data, nestedType(4)), 0, null,
        ScoreOptions.DEFAULT_BATCH_BYTES));
    assertTrue(message.endsWith("(id=2): frame 1 has shape (4, 5, 2), expected (5, 5, 2) (H, W, C) (wrong_shape)"),
        message);
  }

  @Test
  void validate_countsWrongShapeFrames_andReadsAFlatColumnWithFrameShape() {
    RnnModel model = model();
    double[][][] x = FrameModels.rows(8, new int[] {2, 2, 1}, FRAME);
    List<Row> nested = new ArrayList<>();
    nested.add(RowFactory.create(1L, nestedFrames(x[0], FRAME)));
    nested.add(RowFactory.create(2L, nestedFrames(new double[][] {new double[5 * 4 * 2]}, new Frame(5, 4, 2))));
    nested.add(RowFactory.create(3L, nestedFrames(x[2], FRAME)));
    ValidateJob.Report report = ValidateJob.run(spark, model, write(nested, nestedType(4)), "features", 0, null);
    assertEquals(3, report.rows());
    assertEquals(Map.of("wrong_shape", 1L), report.badRowsByCode());

    List<Row> flat = new ArrayList<>();
    flat.add(RowFactory.create(1L, new ArrayList<>(java.util.Collections.nCopies(2 * FRAME.size(), 0.5f))));
    flat.add(RowFactory.create(2L, new ArrayList<>(java.util.Collections.nCopies(FRAME.size(), 0.5f))));
    String input = dir.resolve("flat").toString();
    spark.createDataFrame(flat, new StructType(new StructField[] {
        new StructField("id", DataTypes.LongType, false, Metadata.empty()),
        new StructField("features", nestedType(1), true, Metadata.empty())})).write().parquet(input);
    ValidateJob.Report flatReport = ValidateJob.run(spark, model, input, "features", 2, null, null, FRAME);
    assertEquals(Map.of("wrong_length", 1L), flatReport.badRowsByCode());
  }

  private void assertMatchesReference(RnnModel model, double[][][] x) {
    List<Row> out = spark.read().parquet(dir.resolve("out").toString()).collectAsList();
    assertEquals(x.length, out.size());
    Map<Long, Row> byId = new HashMap<>();
    out.forEach(row -> byId.put(row.getLong(0), row));
    for (int id = 0; id < x.length; id++) {
      double[] want = ReferenceForwardPass.forwardRow(model, x[id], null);
      List<Float> got = byId.get((long) id).getList(1);
      assertEquals(want.length, got.size(), "id=" + id);
      for (int i = 0; i < want.length; i++) {
        assertEquals(want[i], got.get(i), ABS + REL * Math.abs(want[i]), "id=" + id + " value " + i);
      }
    }
  }

  /** T frames as T lists of H lists of W lists of C floats. */
  private static List<Object> nestedFrames(double[][] steps, Frame frame) {
    List<Object> out = new ArrayList<>();
    for (double[] step : steps) {
      List<Object> rows = new ArrayList<>();
      for (int i = 0; i < frame.height(); i++) {
        List<Object> pixels = new ArrayList<>();
        for (int j = 0; j < frame.width(); j++) {
          List<Float> channels = new ArrayList<>();
          for (int c = 0; c < frame.channels(); c++) {
            channels.add((float) step[(i * frame.width() + j) * frame.channels() + c]);
          }
          pixels.add(channels);
        }
        rows.add(pixels);
      }
      out.add(rows);
    }
    return out;
  }

  private static DataType nestedType(int depth) {
    DataType type = DataTypes.FloatType;
    for (int i = 0; i < depth; i++) {
      type = DataTypes.createArrayType(type);
    }
    return type;
  }

  private ScoreOptions options(String input, int timesteps, Frame frameShape, long batchBytes) {
    return new ScoreOptions(input, dir.resolve("out").toString(), "features", timesteps, null, "prediction", null,
        ScoreOptions.WriteMode.ERROR, 8, 0, null, Nd4jRuntime.Backend.AUTO, null, frameShape, batchBytes);
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
    return census > 0 ? message.substring(0, census) : message;
  }

  private String write(List<Row> rows, DataType featuresType) {
    StructType schema = new StructType(new StructField[] {
        new StructField("id", DataTypes.LongType, false, Metadata.empty()),
        new StructField("features", featuresType, true, Metadata.empty())});
    String path = dir.resolve("in").toString();
    spark.createDataFrame(rows, schema).repartition(2).write().parquet(path);
    return path;
  }
}
