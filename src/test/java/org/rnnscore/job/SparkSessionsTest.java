package org.rnnscore.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.rnnscore.kernel.Nd4jRuntime;

/** The settings a session starts with: rnnscore's defaults for the embedded local mode, and the user's --conf over them. */
class SparkSessionsTest {
  private static SparkConf conf(String master, Map<String, String> pairs) {
    return SparkSessions.conf("test", master, pairs, Nd4jRuntime.Backend.AUTO);
  }

  @Test
  void localMode_resultsUpTo64MiBComeBackDirectly_andNoUi() {
    SparkConf conf = conf("local[2]", Map.of());
    assertEquals("64m", conf.get("spark.task.maxDirectResultSize"));
    assertEquals("false", conf.get("spark.ui.enabled"));
  }

  @Test
  void localMode_theUsersConfWins() {
    SparkConf conf = conf("local[2]", Map.of("spark.task.maxDirectResultSize", "1m"));
    assertEquals("1m", conf.get("spark.task.maxDirectResultSize"));
  }

  @Test
  void cluster_keepsSparksDefaults() {
    SparkConf conf = conf("spark://127.0.0.1:7077", Map.of());
    assertFalse(conf.contains("spark.task.maxDirectResultSize"), "results cross the network: Spark's 1 MiB");
    assertFalse(conf.contains("spark.ui.enabled"));
  }
}
