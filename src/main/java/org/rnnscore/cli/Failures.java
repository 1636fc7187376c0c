package org.rnnscore.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Pattern;
import org.apache.spark.SparkException;
import org.rnnscore.job.ScoringOutOfMemoryException;
import org.rnnscore.model.InputDataException;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.RetryableException;
import org.rnnscore.model.RnnScoreException;
import org.rnnscore.model.UsageException;
import picocli.CommandLine;

/**
 * Turns whatever ended a command into one message and an exit code. An error raised on an
 * executor reaches the driver wrapped in Spark's exceptions ("Job aborted due to stage
 * failure: ..."): the cause chain is searched for rnnscore's own error so that the user sees its
 * message and its category's code, not Spark's wrapping.
 *
 * <p>Exit 5 means "a retry can fix it": memory, I/O errors, lost executors and other faults of
 * the cluster. A Spark failure that is none of these (a task that threw a NullPointerException,
 * say) is a bug, exit 1 with the trace: retrying it would fail the same way.
 */
final class Failures {
  private Failures() {}

  record Outcome(ExitCode code, String message, boolean showTrace) {}

  /** What Spark says when the cluster, not the job, failed: executors lost, shuffle data gone, time-outs. */
  private static final Pattern CLUSTER_FAULT = Pattern.compile("(?i)executor\\W+(\\w+\\W+){0,3}lost|lost executor"
      + "|ExecutorLostFailure|FetchFailed|heartbeat|timed? ?out|Connection (reset|refused)|Broken pipe"
      + "|No space left|SparkContext (was )?shut down|decommission");
  static final String RETRY_ADVICE = " (a retry may succeed; --verbose shows Spark's log)";

  static Outcome classify(Throwable failure) {
    if (failure instanceof CommandLine.ParameterException) {
      // picocli says "Value for option option '--conf'" of a map option.
      return new Outcome(ExitCode.USAGE, failure.getMessage().replace("option option ", "option "), false);
    }
    RnnScoreException own = find(failure, RnnScoreException.class);
    if (own != null) {
      return new Outcome(codeOf(own), own.getMessage(), false);
    }
    ScoringOutOfMemoryException scoringOom = find(failure, ScoringOutOfMemoryException.class);
    if (scoringOom != null) {
      return new Outcome(ExitCode.SPARK_JOB, scoringOom.getMessage(), false);
    }
    OutOfMemoryError oom = find(failure, OutOfMemoryError.class);
    if (oom != null) {
      return new Outcome(ExitCode.SPARK_JOB, "out of memory (" + oom.getMessage()
          + "); give the JVM more with RNNSCORE_JAVA_OPTS=-Xmx..., or lower --batch-size", false);
    }
    SparkException spark = find(failure, SparkException.class);
    IOException io = find(failure, IOException.class);
    if (io != null) {
      return new Outcome(ExitCode.SPARK_JOB, (spark != null ? "Spark job failed: " + firstLine(spark.getMessage())
          : "I/O error: " + io) + RETRY_ADVICE, false);
    }
    if (spark != null) {
      String message = "Spark job failed: " + firstLine(spark.getMessage());
      if (CLUSTER_FAULT.matcher(String.valueOf(spark.getMessage())).find()) {
        return new Outcome(ExitCode.SPARK_JOB, message + RETRY_ADVICE, false);
      }
      return new Outcome(ExitCode.INTERNAL, "internal error: " + message, true);
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

  /** The failure's stack trace, causes included: --verbose prints it, --metrics has it as error_detail. */
  static String stackTrace(Throwable failure) {
    StringWriter trace = new StringWriter();
    failure.printStackTrace(new PrintWriter(trace));
    return trace.toString();
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
