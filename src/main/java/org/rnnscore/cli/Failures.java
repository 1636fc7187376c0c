package org.rnnscore.cli;

import org.apache.spark.SparkException;
import org.rnnscore.model.InputDataException;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.RetryableException;
import org.rnnscore.model.RnnScoreException;
import org.rnnscore.model.UsageException;

/**
 * Turns whatever ended a command into one message and an exit code. An error raised on an
 * executor reaches the driver wrapped in Spark's exceptions ("Job aborted due to stage
 * failure: ..."): the cause chain is searched for rnnscore's own error so that the user sees its
 * message and its category's code, not Spark's wrapping.
 */
final class Failures {
  private Failures() {}

  record Outcome(ExitCode code, String message, boolean showTrace) {}

  static Outcome classify(Throwable failure) {
    RnnScoreException own = find(failure, RnnScoreException.class);
    if (own != null) {
      return new Outcome(codeOf(own), own.getMessage(), false);
    }
    SparkException spark = find(failure, SparkException.class);
    if (spark != null) {
      return new Outcome(ExitCode.SPARK_JOB, "Spark job failed: " + firstLine(spark.getMessage()), true);
    }
    OutOfMemoryError oom = find(failure, OutOfMemoryError.class);
    if (oom != null) {
      return new Outcome(ExitCode.SPARK_JOB, "out of memory (" + oom.getMessage()
          + "); give the JVM more with RNNSCORE_JAVA_OPTS=-Xmx..., or lower --batch-size", true);
    }
    return new Outcome(ExitCode.INTERNAL, "internal error: " + failure, true);
  }

  static ExitCode codeOf(RnnScoreException e) {
    if (e instanceof UsageException) {
      return ExitCode.USAGE;
    }
    if (e instanceof ModelFormatException) {
      return ExitCode.MODEL;
    }
    if (e instanceof InputDataException) {
      return ExitCode.INPUT_DATA;
    }
    if (e instanceof RetryableException) {
      return ExitCode.SPARK_JOB;
    }
    return ExitCode.INTERNAL;
  }

  private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
    Throwable current = failure;
    for (int depth = 0; current != null && depth < 64; depth++) {
      if (type.isInstance(current)) {
        return type.cast(current);
      }
      if (current.getCause() == current) {
        break;
      }
      current = current.getCause();
    }
    return null;
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "(no message)";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
