package org.rnnscore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;
import org.rnnscore.job.BadRowCode;
import org.rnnscore.job.BadRowException;
import org.rnnscore.model.InputDataException;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.UsageException;

/** Every exit code, from the failure that ends a command (executor errors come wrapped by Spark). */
class FailuresTest {
  @Test
  void classify_eachCategory_itsExitCodeAndOwnMessage() {
    assertEquals(new Failures.Outcome(ExitCode.USAGE, "bad option", false),
        Failures.classify(new UsageException("bad option")));
    assertEquals(new Failures.Outcome(ExitCode.MODEL, "m.h5: corrupt", false),
        Failures.classify(new ModelFormatException("m.h5: corrupt")));
    assertEquals(new Failures.Outcome(ExitCode.INPUT_DATA, "schema", false),
        Failures.classify(new InputDataException("schema")));
  }

  @Test
  void classify_badRowWrappedBySpark_unwrappedToItsMessageAndCode4() {
    SparkException spark = new SparkException("Job aborted due to stage failure: ...",
        new RuntimeException("task", new BadRowException("f: row id=1: x (wrong_width)", BadRowCode.WRONG_WIDTH, "x")));
    assertEquals(new Failures.Outcome(ExitCode.INPUT_DATA, "f: row id=1: x (wrong_width)", false),
        Failures.classify(new IllegalStateException("wrapped", spark)));
  }

  @Test
  void classify_sparkFailureOfItsOwn_code5WithFirstLineAndAdvice() {
    Failures.Outcome outcome = Failures.classify(new SparkException("Job aborted: executor lost\nmore lines"));
    assertEquals(ExitCode.SPARK_JOB, outcome.code());
    assertEquals("Spark job failed: Job aborted: executor lost (a retry may succeed; --verbose shows Spark's log)",
        outcome.message());
    assertEquals(false, outcome.showTrace());
  }

  @Test
  void classify_lostExecutorOrIoError_code5() {
    assertEquals(ExitCode.SPARK_JOB, Failures.classify(new SparkException("Job aborted due to stage failure: Task 3"
        + " in stage 2.0 failed 4 times, most recent failure: Lost task 3.3: ExecutorLostFailure (executor 7 exited"
        + " caused by one of the running tasks) Reason: Container killed")).code());
    assertEquals(ExitCode.SPARK_JOB, Failures.classify(new SparkException("Job aborted due to stage failure: x",
        new java.io.IOException("No space left on device"))).code());
    assertEquals("I/O error: java.io.IOException: connection reset (a retry may succeed; --verbose shows Spark's"
        + " log)", Failures.classify(new java.io.UncheckedIOException(new java.io.IOException("connection reset")))
        .message());
  }

  @Test
  void classify_taskThatThrewABug_internalCode1NotRetryable() {
    Failures.Outcome outcome = Failures.classify(new SparkException("Job aborted due to stage failure: Task 0 in"
        + " stage 1.0 failed 4 times, most recent failure: java.lang.NullPointerException", new NullPointerException()));
    assertEquals(ExitCode.INTERNAL, outcome.code());
    assertEquals("internal error: Spark job failed: Job aborted due to stage failure: Task 0 in stage 1.0 failed 4"
        + " times, most recent failure: java.lang.NullPointerException", outcome.message());
    assertEquals(true, outcome.showTrace());
  }

  @Test
  void classify_outOfMemory_code5WithAdvice() {
    Failures.Outcome outcome = Failures.classify(new RuntimeException(new OutOfMemoryError("Java heap space")));
    assertEquals(ExitCode.SPARK_JOB, outcome.code());
    assertEquals("out of memory (Java heap space); give the JVM more with RNNSCORE_JAVA_OPTS=-Xmx..., or lower"
        + " --batch-size", outcome.message());
  }

  @Test
  void classify_anythingElse_internalErrorCode1WithTrace() {
    Failures.Outcome outcome = Failures.classify(new NullPointerException("x"));
    assertEquals(new Failures.Outcome(ExitCode.INTERNAL, "internal error: java.lang.NullPointerException: x", true),
        outcome);
  }
}
