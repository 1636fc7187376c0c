package org.rnnscore.model;

/** A model file or model definition that cannot be scored: unreadable, inconsistent or unsupported. */
public class ModelFormatException extends RnnScoreException {
  private static final long serialVersionUID = 1L;

  public ModelFormatException(String message) {
    super(message);
  }

  public ModelFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
