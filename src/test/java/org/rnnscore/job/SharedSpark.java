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

  public static synchronized SparkSession get() {
    if (session == null || session.sparkContext().isStopped()) {
      session = SparkSessions.start("rnnscore-tests", "local[2,3]", Map.of(
          "spark.sql.shuffle.partitions", "4",
          "spark.default.parallelism", "2"));
    }
    return session;
  }
}
