package org.rnnscore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** sample-data/expected-predictions.csv, and a check of a score output against it by id. */
public final class ExpectedPredictions {
  /** The CSV holds the double reference; float32 scoring of T=10 steps stays well within this. */
  public static final double TOLERANCE = 1e-5;

  private ExpectedPredictions() {}

  public static Map<Long, double[]> read(Path csv) throws IOException {
    Map<Long, double[]> expected = new HashMap<>();
    List<String> lines = Files.readAllLines(csv);
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",");
      double[] values = new double[cells.length - 1];
      for (int i = 1; i < cells.length; i++) {
        values[i - 1] = Double.parseDouble(cells[i]);
      }
      expected.put(Long.parseLong(cells[0]), values);
    }
    return expected;
  }

  /** Asserts that the Parquet output at {@code output} has one row per expected id, each within tolerance. */
  public static void assertOutputMatches(SparkSession spark, String output, Path csv) throws IOException {
    Map<Long, double[]> expected = read(csv);
    List<Row> rows = spark.read().parquet(output).select("id", "prediction").collectAsList();
    assertEquals(expected.size(), rows.size(), "rows in " + output);
    for (Row row : rows) {
      long id = row.getLong(0);
      double[] want = expected.get(id);
      assertNotNull(want, "unexpected id " + id);
      List<Object> got = row.getList(1);
      assertEquals(want.length, got.size(), "id=" + id);
      for (int k = 0; k < want.length; k++) {
        assertEquals(want[k], ((Number) got.get(k)).doubleValue(), TOLERANCE, "id=" + id + " output " + k);
      }
    }
  }
}
