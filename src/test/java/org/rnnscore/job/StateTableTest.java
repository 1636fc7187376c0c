package org.rnnscore.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;
import org.rnnscore.model.InputDataException;

/** The broadcast states: what a key finds, what is left out, and a repeated key's message. */
class StateTableTest {
  private final SparkSession spark = SharedSpark.get();

  @Test
  void read_longKeys_foundByIntOrLongRows_nullKeyLeftOut_nullStateKept() {
    StateTable table = StateTable.read(spark.sql("SELECT * FROM VALUES"
        + " (1L, array(1f, 2f), array(5f)), (CAST(NULL AS BIGINT), array(9f, 9f), array(9f)),"
        + " (-3L, CAST(NULL AS ARRAY<FLOAT>), array(6f)), (4000000000L, array(3f), array(7f)) AS t(id, h, c)")
        .repartition(3), "night1", "id");

    assertEquals(3, table.size(), "the null key continues nothing");
    int one = table.find(new GenericInternalRow(new Object[] {1}), 0, DataTypes.IntegerType);
    assertArrayEquals(new float[] {1, 2}, table.state(one, 0));
    assertArrayEquals(new float[] {5}, table.state(one, 1));
    int minusThree = table.find(new GenericInternalRow(new Object[] {-3L}), 0, DataTypes.LongType);
    assertEquals(-1, table.length(minusThree, 0), "a null state");
    assertArrayEquals(new float[] {6}, table.state(minusThree, 1));
    int big = table.find(new GenericInternalRow(new Object[] {4_000_000_000L}), 0, DataTypes.LongType);
    assertEquals(1, table.length(big, 0), "a state of the wrong width is kept for the scorer to reject");
    assertEquals(-1, table.find(new GenericInternalRow(new Object[] {2}), 0, DataTypes.IntegerType));
    assertEquals(-1, table.find(new GenericInternalRow(new Object[] {(int) 4_000_000_000L}), 0,
        DataTypes.IntegerType), "a truncated key is another key");
  }

  /** From Parquet, read off the scan's column batches: values in bulk, a null element as NaN (rejected later). */
  @Test
  void read_parquetStates_nullElementReadsAsNaN_nullStateAsNull(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    String path = dir.resolve("states").toString();
    spark.sql("SELECT * FROM VALUES (1L, array(1f, 2f, 3f)), (2L, array(4f, CAST(NULL AS FLOAT), 6f)),"
        + " (3L, CAST(NULL AS ARRAY<FLOAT>)) AS t(id, h)").coalesce(1).write().parquet(path);
    // As ScoreJob selects them: the state column cast to array<float>, a no-op Spark removes.
    org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> read = spark.read().parquet(path);
    org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> states = read.select(read.col("id"),
        read.col("h").cast(DataTypes.createArrayType(DataTypes.FloatType)));
    assertTrue(ColumnarScan.rows(states) != null, "a plain scan: the column-batch path");

    StateTable table = StateTable.read(states, path, "id");

    assertArrayEquals(new float[] {1, 2, 3}, table.state(find(table, 1), 0));
    assertArrayEquals(new float[] {4, Float.NaN, 6}, table.state(find(table, 2), 0));
    assertEquals(-1, table.length(find(table, 3), 0));
  }

  private static int find(StateTable table, long key) {
    return table.find(new GenericInternalRow(new Object[] {key}), 0, DataTypes.LongType);
  }

  @Test
  void read_stringKeys_foundByTheirBytes() {
    StateTable table = StateTable.read(spark.sql("SELECT CONCAT('k', CAST(id AS STRING)) AS id,"
        + " array(CAST(id AS FLOAT)) AS h FROM range(1000)"), "night1", "id");
    assertEquals(1000, table.size());
    for (String key : new String[] {"k0", "k999", "k500"}) {
      int entry = table.find(new GenericInternalRow(new Object[] {UTF8String.fromString(key)}), 0,
          DataTypes.StringType);
      assertEquals(Float.parseFloat(key.substring(1)), table.state(entry, 0)[0]);
    }
    assertEquals(-1, table.find(new GenericInternalRow(new Object[] {UTF8String.fromString("k1000")}), 0,
        DataTypes.StringType));
    assertEquals(-1, table.find(new GenericInternalRow(new Object[] {UTF8String.fromString("")}), 0,
        DataTypes.StringType));
  }

  @Test
  void read_repeatedKey_namesItAndHowOften() {
    InputDataException e = assertThrows(InputDataException.class, () -> StateTable.read(spark.sql(
        "SELECT id % 4 AS id, array(1f) AS h FROM range(10)"), "night1", "customer"));
    assertTrue(e.getMessage().matches("night1: key 'customer' value [0-3] appears [23] times; incremental scoring"
        + " joins rows on a unique key"), e.getMessage());
  }

  @Test
  void collectable_withinTwoThirdsOfTheDriversResultLimit_orNoLimit() {
    long gib = 1L << 30;
    assertTrue(StateTable.collectable(512L << 20, gib), "the default bound under the default limit");
    assertTrue(StateTable.collectable(gib / 3 * 2, gib));
    assertFalse(StateTable.collectable(gib / 3 * 2 + 1, gib));
    assertTrue(StateTable.collectable(Long.MAX_VALUE, 0), "0: no limit");
  }

  @Test
  void supports_integralPairsAndBinaryStrings_notMixedOrOtherTypes() {
    assertTrue(StateTable.supports(DataTypes.IntegerType, DataTypes.LongType));
    assertTrue(StateTable.supports(DataTypes.ByteType, DataTypes.ShortType));
    assertTrue(StateTable.supports(DataTypes.StringType, DataTypes.StringType));
    assertFalse(StateTable.supports(DataTypes.StringType, DataTypes.LongType));
    assertFalse(StateTable.supports(DataTypes.DateType, DataTypes.DateType));
    assertFalse(StateTable.supports(DataTypes.createDecimalType(10, 0), DataTypes.LongType));
    assertFalse(StateTable.supports(DataTypes.StringType, org.apache.spark.sql.types.StringType.apply("UTF8_LCASE")));
  }
}
