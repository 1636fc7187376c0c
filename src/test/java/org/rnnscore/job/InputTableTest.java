package org.rnnscore.job;

import static org.apache.spark.sql.functions.expr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnscore.model.InputDataException;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.UsageException;

/** --input-table and --where: rows from the catalog, the predicate at the scan, messages and guards naming the table. */
class InputTableTest {
  static final Path SAMPLE = Path.of(System.getProperty("rnnscore.sample.dir", "sample-data"));
  static final String TABLE = "rnnscore_input_table_test";

  @TempDir
  Path dir;

  private final SparkSession spark = SharedSpark.get();
  private final RnnModel model = ModelLoader.load(SAMPLE.resolve("model.h5").toString(),
      new org.apache.hadoop.conf.Configuration());
  private String location;

  @BeforeEach
  void table() {
    spark.sql("DROP TABLE IF EXISTS " + TABLE);
    spark.read().parquet(SAMPLE.resolve("input.parquet").toString())
        .withColumn("features", expr("if(id = 3, null, features)")).write().saveAsTable(TABLE);
    location = InputSource.location(spark, TABLE);
  }

  @AfterEach
  void drop() {
    spark.sql("DROP TABLE IF EXISTS " + TABLE);
  }

  private ScoreOptions options(String output, InputSource source) {
    return new ScoreOptions("ignored", output, "features", 0, null, "prediction", null, ScoreOptions.WriteMode.ERROR,
        64).withSource(source);
  }

  @Test
  void aTableWithWhere_scoresTheRowsKept_asTheFilesWould() {
    String out = dir.resolve("out").toString();
    ScoreJob.Result result = ScoreJob.run(spark, model, options(out, new InputSource(TABLE, "id >= 10 AND id < 500")));
    assertEquals(490, result.rowsScored());
    Map<Long, List<Float>> fromTable = byId(spark.read().parquet(out));
    String direct = dir.resolve("direct").toString();
    ScoreJob.run(spark, model, new ScoreOptions(SAMPLE.resolve("input.parquet").toString(), direct, "features", 0,
        null, "prediction", null, ScoreOptions.WriteMode.ERROR, 64));
    Map<Long, List<Float>> fromFiles = byId(spark.read().parquet(direct).where("id >= 10 AND id < 500"));
    assertEquals(fromFiles, fromTable);
  }

  @Test
  void thePredicate_isPushedToTheScan() {
    Dataset<Row> read = InputSource.read(spark, new InputSource(TABLE, "id < 100"), null,
        spark.sparkContext().hadoopConfiguration(), true);
    String plan = read.queryExecution().executedPlan().toString();
    assertTrue(plan.contains("PushedFilters: [IsNotNull(id), LessThan(id,100)]"), plan);
    assertTrue(List.of(read.columns()).contains(SourceColumns.FILE), "rows keep their file and index after --where");
  }

  @Test
  void aBadRow_isNamedByTheTableAndItsFile() {
    InputDataException e = assertThrows(InputDataException.class, () -> ScoreJob.run(spark, model,
        options(dir.resolve("bad").toString(), new InputSource(TABLE, "id < 10"))));
    assertTrue(e.getMessage().startsWith("table " + TABLE + ", file:" + location.replaceFirst("^file:", "")),
        e.getMessage());
    assertTrue(e.getMessage().contains(": row 3 (id=3): the sequence is null (null_sequence)"), e.getMessage());
  }

  @Test
  void anOutputInsideTheTablesLocation_isRefused_andAMissingTableNamed() {
    String inside = location + "/scores";
    UsageException e = assertThrows(UsageException.class, () -> ScoreJob.run(spark, model,
        options(inside, new InputSource(TABLE, null))));
    assertTrue(e.getMessage().startsWith("--output "), e.getMessage());
    assertTrue(e.getMessage().contains("lies inside --input-table " + TABLE + "'s location "), e.getMessage());
    assertTrue(e.getMessage().endsWith("replacing the output would delete the input: write it outside the input"),
        e.getMessage());

    UsageException missing = assertThrows(UsageException.class, () -> ScoreJob.run(spark, model,
        options(dir.resolve("never").toString(), new InputSource("no_such_table", null))));
    assertTrue(missing.getMessage().startsWith("--input-table no_such_table: [TABLE_OR_VIEW_NOT_FOUND]"),
        missing.getMessage());

    UsageException where = assertThrows(UsageException.class, () -> ScoreJob.run(spark, model,
        options(dir.resolve("never").toString(), new InputSource(TABLE, "day = 1"))));
    assertTrue(where.getMessage().startsWith("--where \"day = 1\" is not a predicate over table " + TABLE
        + "'s columns [id, features]: "), where.getMessage());
  }

  @Test
  void validate_readsTheTableWithWhere() {
    ValidateJob.Report report = ValidateJob.run(spark, model, InputSource.label(TABLE), "features", 0, null, null,
        null, new InputSource(TABLE, "id < 20"), null, null);
    assertEquals(20, report.rows());
    assertEquals(Map.of("null_sequence", 1L), report.badRowsByCode());
  }

  private static Map<Long, List<Float>> byId(Dataset<Row> rows) {
    Map<Long, List<Float>> out = new java.util.HashMap<>();
    for (Row row : rows.select("id", "prediction").collectAsList()) {
      out.put(row.getLong(0), row.getList(1));
    }
    return out;
  }
}
