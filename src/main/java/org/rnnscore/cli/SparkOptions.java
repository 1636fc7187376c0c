package org.rnnscore.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** --master and --conf, shared by the commands that start Spark. */
final class SparkOptions {
  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master (default: local[*], or what spark-submit set).")
  String master;

  // No fallback value: "--conf KEY" without "=" is a usage error naming --conf, not a setting of "".
  @Option(names = "--conf", paramLabel = "KEY=VALUE",
      description = "A Spark setting, passed to Spark as is (repeatable); values of secret-looking keys are"
          + " redacted wherever rnnscore records them.")
  Map<String, String> conf = new LinkedHashMap<>();
}
