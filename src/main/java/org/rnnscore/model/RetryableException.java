package org.rnnscore.model;

/**
 * A failure that a later retry of the same command can fix: another run holds the output, or the
 * filesystem failed while the output was being moved into place (and nothing was changed).
 */
public class RetryableException extends RnnScoreException {
  private static final long serialVersionUID = 1L;

  public RetryableException(String message) {
    super(message);
  }

  public RetryableException(String message, Throwable cause) {
    super(message, cause);
  }
}
