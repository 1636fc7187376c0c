package org.rnnscore.job;

import org.rnnscore.model.InputDataException;

/** A row that cannot be scored, with its stable code and the row's key for the message. */
public final class BadRowException extends InputDataException {
  private static final long serialVersionUID = 1L;

  private final BadRowCode code;

  public BadRowException(String message, BadRowCode code) {
    super(message);
    this.code = code;
  }

  public BadRowCode code() {
    return code;
  }
}
