package org.rnnscore.model;

/** A caller's mistake: an option that is missing, malformed, or contradicts another. */
public class UsageException extends RnnScoreException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }

  public UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
