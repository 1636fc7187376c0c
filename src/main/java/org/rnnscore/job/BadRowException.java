package org.rnnscore.job;

import org.rnnscore.model.InputDataException;

/** A row that cannot be scored, with its stable code and the row's key for the message. */
public final class BadRowException extends InputDataException {
  private static final long serialVersionUID = 1L;

  private final BadRowCode code;
  private final String reason;

  /**
   * @param message where and why, for the error: file, column, row key, reason and code
   * @param reason why alone ("timestep 3 has 4 features, model expects 3"), for the rejects' reason column
   */
  public BadRowException(String message, BadRowCode code, String reason) {
    super(message);
    this.code = code;
    this.reason = reason;
  }

  public BadRowCode code() {
    return code;
  }

  public String reason() {
    return reason;
  }
}
