package org.rnnscore.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The footer count against Spark's own count of the same data, and every case it must leave to Spark. */
class FooterCountTest {
  @TempDir
  Path dir;

  private final SparkSession spark = SharedSpark.get();

  /** 1,237 rows in 3 files, each of several row groups (row groups of at most 1 KiB). */
  private String threeFiles() {
    String path = dir.resolve("in").toString();
    spark.sql("SELECT id, id % 7 AS day, array(array(CAST(id AS FLOAT))) AS features FROM range(0, 1237, 1, 3)")
        .write().option("parquet.block.size", 1024).parquet(path);
    return path;
  }

  @Test
  void plainScan_andItsProjections_countedFromTheFootersAsSparkCounts() {
    String path = threeFiles();
    Dataset<Row> data = spark.read().parquet(path);
    assertEquals(OptionalLong.of(1237), FooterCount.fromFooters(data));
    assertEquals(OptionalLong.of(1237), FooterCount.fromFooters(data.select(data.col("features"),
        data.col("id").as("key"))));
    assertEquals(OptionalLong.of(1237), FooterCount.fromFooters(SourceColumns.attach(data)));
    assertEquals(data.count(), FooterCount.count(data));
  }

  @Test
  void partitionedDirectories_countEveryFile() {
    String path = dir.resolve("partitioned").toString();
    spark.sql("SELECT id, id % 3 AS day FROM range(0, 100, 1, 2)").write().partitionBy("day").parquet(path);
    Dataset<Row> data = spark.read().parquet(path);
    assertEquals(OptionalLong.of(100), FooterCount.fromFooters(data));
  }

  @Test
  void filterJoinOrAggregate_leftToSpark() {
    Dataset<Row> data = spark.read().parquet(threeFiles());
    Dataset<Row> filtered = data.where("day = 3");
    assertEquals(OptionalLong.empty(), FooterCount.fromFooters(filtered));
    assertEquals(177, FooterCount.count(filtered)); // ids 3, 10, ..., 1236
    assertEquals(OptionalLong.empty(), FooterCount.fromFooters(data.groupBy("day").count()));
    assertEquals(OptionalLong.empty(), FooterCount.fromFooters(data.join(data.select("id"), "id")));
    assertEquals(OptionalLong.empty(), FooterCount.fromFooters(data.limit(5)));
  }

  @Test
  void otherFormats_leftToSpark() {
    String json = dir.resolve("json").toString();
    spark.range(10).write().json(json);
    assertEquals(OptionalLong.empty(), FooterCount.fromFooters(spark.read().json(json)));
    assertEquals(10, FooterCount.count(spark.read().json(json)));
  }

  @Test
  void moreFilesThanSparkListsOnTheDriver_leftToSpark() {
    Dataset<Row> data = spark.read().parquet(threeFiles());
    String key = "spark.sql.sources.parallelPartitionDiscovery.threshold";
    String was = spark.conf().get(key);
    spark.conf().set(key, "2");
    try {
      assertEquals(OptionalLong.empty(), FooterCount.fromFooters(data));
      assertEquals(1237, FooterCount.count(data));
    } finally {
      spark.conf().set(key, was);
    }
  }

  @Test
  void sessionSkippingCorruptFiles_leftToSpark() {
    Dataset<Row> data = spark.read().parquet(threeFiles());
    spark.conf().set("spark.sql.files.ignoreCorruptFiles", "true");
    try {
      assertEquals(OptionalLong.empty(), FooterCount.fromFooters(data));
    } finally {
      spark.conf().unset("spark.sql.files.ignoreCorruptFiles");
    }
  }

  @Test
  void unreadableFooter_leftToSparkWhoseCountFails() throws Exception {
    String path = threeFiles();
    Path part;
    try (var files = Files.list(Path.of(path))) {
      part = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    Dataset<Row> data = spark.read().parquet(path); // the schema from an intact file, before the damage
    Files.write(part, new byte[] {'P', 'A', 'R', '1', 0, 0, 0});
    Files.deleteIfExists(part.resolveSibling("." + part.getFileName() + ".crc"));
    assertEquals(OptionalLong.empty(), FooterCount.fromFooters(data));
    Exception failure = assertThrows(Exception.class, () -> FooterCount.count(data));
    assertTrue(String.valueOf(failure.getMessage()).contains(part.getFileName().toString()),
        "Spark names the file: " + failure.getMessage());
  }
}
