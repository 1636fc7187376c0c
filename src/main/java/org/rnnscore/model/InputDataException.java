package org.rnnscore.model;

/** Input data that does not fit the model: a wrong schema, or a bad row (null, wrong shape, NaN). */
public class InputDataException extends RnnScoreException {
  private static final long serialVersionUID = 1L;

  public InputDataException(String message) {
    super(message);
  }

  public InputDataException(String message, Throwable cause) {
    super(message, cause);
  }
}
