package org.rnnscore.job;

/**
 * An {@link OutOfMemoryError} while scoring a batch, rethrown as an ordinary exception. Spark
 * treats an Error anywhere in a task's cause chain as fatal and ends the executor's JVM (exit 52:
 * the whole process in local mode) with no message; this one fails only the task, so that the run
 * ends with rnnscore's message, exit 5 and its metrics. It carries the error's text, not the error.
 */
public final class ScoringOutOfMemoryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ScoringOutOfMemoryException(String message) {
    super(message);
  }
}
