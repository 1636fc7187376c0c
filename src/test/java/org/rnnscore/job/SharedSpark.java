package org.rnnscore.job;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * One local Spark session for all tests of a JVM: starting one costs seconds. local[2,3]: two
 * cores, as CI has, and a failed task is retried (plain local[N] never retries).
 */
public final class SharedSpark {
  private static SparkSession session;

  private SharedSpark() {}

  private static String warehouse() {
    try {
      java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("rnnscore-warehouse");
      dir.toFile().deleteOnExit();
      return dir.toString();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static synchronized SparkSession get() {
    if (session == null || session.sparkContext().isStopped()) {
      session = SparkSessions.start("rnnscore-tests", "local[2,3]", Map.of(
          "spark.sql.shuffle.partitions", "4",
          "spark.default.parallelism", "2",
          // Tables written by tests go to a temporary warehouse, not the working directory.
          "spark.sql.warehouse.dir", warehouse()));
    }
    return session;
  }
}
