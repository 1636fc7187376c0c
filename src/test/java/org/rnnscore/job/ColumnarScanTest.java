package org.rnnscore.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
import org.rnnscore.model.RnnModel;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.size;

/** The column-batch read of a plain scan against Spark's own rows: the same output, the same rejects. */
class ColumnarScanTest {
  private static final DataType NESTED_FLOAT = DataTypes.createArrayType(DataTypes.createArrayType(
      DataTypes.FloatType, true), true);

  @TempDir
  Path dir;

  private final SparkSession spark = SharedSpark.get();

  @Test
  void rows_scanUnderRenamesReordersAndMetadataFields_readOffTheBatches_elseNull() {
    String input = input(20, 2);
    Dataset<Row> scan = spark.read().parquet(input);
    assertNotNull(ColumnarScan.rows(scan.select(col("features").as("f"), col("id"), col("_metadata.file_path"),
        col("_metadata.row_index"))));
    assertNotNull(ColumnarScan.rows(scan));
    assertNull(ColumnarScan.rows(scan.select(col("id").plus(1))), "a computed column");
    assertNull(ColumnarScan.rows(scan.where(size(col("features")).gt(1))), "a filter above the scan");
    assertNull(ColumnarScan.rows(scan.join(scan.select(col("id")), "id")), "a join");
    // A union of scans is read as batches too (Spark unions columnar children as columnar): all rows of both.
    assertEquals(40, ColumnarScan.rows(scan.union(scan)).count());
  }

  @Test
  void rows_sameRowsAsSparksOwn_columnForColumn() {
    String input = input(300, 3);
    Dataset<Row> selected = spark.read().parquet(input).select(col("name"), col("features"), col("id"),
        col("_metadata.row_index"));
    List<String> columnar = new ArrayList<>();
    for (Object row : ColumnarScan.rows(selected).toJavaRDD()
        .map(r -> r.getUTF8String(0) + "|" + (r.isNullAt(1) ? "null" : String.valueOf(r.getArray(1).numElements()))
            + "|" + r.getLong(2) + "|" + r.getLong(3))
        .collect()) {
      columnar.add((String) row);
    }
    List<String> expected = new ArrayList<>();
    for (Row row : selected.collectAsList()) {
      expected.add(row.getString(0) + "|" + (row.isNullAt(1) ? "null" : String.valueOf(row.getList(1).size())) + "|"
          + row.getLong(2) + "|" + row.getLong(3));
    }
    columnar.sort(null);
    expected.sort(null);
    assertEquals(expected, columnar);
  }

  @Test
  void score_quarantineWithEveryKindOfBadRow_sameOutputAndRejectsOnBothPaths() {
    String input = input(400, 4);
    RnnModel model = TestModels.random(7, 3, 5, 2);
    List<String> columnar = scoreAll(model, input, "true");
    List<String> rows = scoreAll(model, input, "false");
    assertEquals(rows, columnar);
    assertEquals(true, rows.stream().anyMatch(r -> r.contains("wrong_width")), rows.toString());
  }

  /**
   * Input without nulls (the common case; the test above has nulls in every batch): the same
   * output, and a step of the wrong width named the same as on Spark's rows.
   */
  @Test
  void score_batchesWithoutNulls_vectorCopyMatchesSparksRows_badStepNamedTheSame() {
    String input = input(300, 3, false);
    RnnModel model = TestModels.random(8, 3, 4, 2);
    List<String> columnar = scoreAll(model, input, "true");
    List<String> rows = scoreAll(model, input, "false");
    assertEquals(rows, columnar);
    assertEquals(true, rows.stream().anyMatch(r -> r.contains("has 2 features, model expects 3")), rows.toString());
  }

  /** Output rows then rejects (reason, source file and row) as sorted strings, read from one run. */
  private List<String> scoreAll(RnnModel model, String input, String columnar) {
    String previous = System.getProperty("rnnscore.columnarScan");
    System.setProperty("rnnscore.columnarScan", columnar);
    try {
      Path run = dir.resolve("run-" + columnar);
      ScoreOptions options = new ScoreOptions(input, run.resolve("out").toString(), "features", 0, null, "prediction",
          null, ScoreOptions.WriteMode.ERROR, 16);
      ScoreJob.run(spark, model, options, BadRowPolicy.parse("quarantine", run.resolve("rejects").toString(), null));
      List<String> all = new ArrayList<>();
      for (Row row : spark.read().parquet(run.resolve("out").toString()).collectAsList()) {
        all.add("out " + row.mkString("|"));
      }
      for (Row row : spark.read().parquet(run.resolve("rejects").toString()).collectAsList()) {
        all.add("reject " + row.mkString("|"));
      }
      all.sort(null);
      return all;
    } finally {
      if (previous == null) {
        System.clearProperty("rnnscore.columnarScan");
      } else {
        System.setProperty("rnnscore.columnarScan", previous);
      }
    }
  }

  /**
   * n rows (id, name, features T×3) in `files` files; every 7th row is bad in one of the ways a
   * sequence can be: null, a null step, a step of 2 features, a null feature, NaN, no steps.
   */
  private String input(int n, int files) {
    return input(n, files, true);
  }

  /** As above; without nulls, only the bad rows of the other kinds (a short step, NaN, no steps). */
  private String input(int n, int files, boolean nulls) {
    Random random = new Random(n);
    List<Row> rows = new ArrayList<>();
    for (long id = 0; id < n; id++) {
      int t = 1 + random.nextInt(6);
      List<List<Float>> steps = new ArrayList<>();
      for (int s = 0; s < t; s++) {
        steps.add(new ArrayList<>(Arrays.asList((float) random.nextGaussian(), (float) random.nextGaussian(),
            (float) random.nextGaussian())));
      }
      int kind = id % 7 == 0 ? (int) (id / 7 % 6) : -1;
      if (!nulls && (kind == 0 || kind == 1 || kind == 3)) {
        kind = 2;
      }
      switch (kind) {
        case 0 -> steps = null;
        case 1 -> steps.set(0, null);
        case 2 -> steps.get(t - 1).remove(2);
        case 3 -> steps.get(0).set(1, null);
        case 4 -> steps.get(t - 1).set(0, Float.NaN);
        case 5 -> steps.clear();
        default -> { }
      }
      rows.add(RowFactory.create(id, "row-" + id, steps));
    }
    StructType schema = new StructType(new StructField[] {
        new StructField("id", DataTypes.LongType, true, Metadata.empty()),
        new StructField("name", DataTypes.StringType, true, Metadata.empty()),
        new StructField("features", NESTED_FLOAT, true, Metadata.empty())});
    String path = dir.resolve("in-" + n + (nulls ? "" : "-no-nulls")).toString();
    spark.createDataFrame(rows, schema).repartition(files).write().parquet(path);
    return path;
  }
}
