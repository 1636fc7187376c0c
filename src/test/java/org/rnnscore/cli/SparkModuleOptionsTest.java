package org.rnnscore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;

/** The pom's copy of Spark's JVM options (launcher, Surefire, Failsafe) must be Spark's own list. */
class SparkModuleOptionsTest {
  @Test
  void pomProperty_equalsSparkDefaultModuleOptions() {
    String fromPom = System.getProperty("rnnscore.spark.module.options");
    assertEquals(JavaModuleOptions.defaultModuleOptions(), fromPom,
        "update <spark.module.options> in pom.xml to Spark's JavaModuleOptions.defaultModuleOptions()");
  }
}
