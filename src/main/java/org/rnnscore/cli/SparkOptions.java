package org.rnnscore.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** --master and --conf, shared by the commands that start Spark. */
final class SparkOptions {
  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master (default: local[*], or what spark-submit set).")
  String master;

  @Option(names = "--conf", paramLabel = "KEY=VALUE", mapFallbackValue = "",
      description = "A Spark setting, passed to Spark as is (repeatable).")
  Map<String, String> conf = new LinkedHashMap<>();
}
