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
  void classify_sparkFailureOfItsOwn_code5WithFirstLine() {
    Failures.Outcome outcome = Failures.classify(new SparkException("Job aborted: executor lost\nmore lines"));
    assertEquals(ExitCode.SPARK_JOB, outcome.code());
    assertEquals("Spark job failed: Job aborted: executor lost", outcome.message());
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
