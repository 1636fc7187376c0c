package org.rnnscore.model;

/**
 * The base of every error rnnscore raises on purpose. Subclasses name the category, and the CLI
 * maps each category to its exit code; messages name the thing, the value found and the value
 * expected. Unchecked, and serializable so that an executor's error reaches the driver intact.
 */
public abstract class RnnScoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  protected RnnScoreException(String message) {
    super(message);
  }

  protected RnnScoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
