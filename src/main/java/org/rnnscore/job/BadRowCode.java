package org.rnnscore.job;

/** Why a row cannot be scored. The codes are stable: pipelines match on them. */
public enum BadRowCode {
  NULL_SEQUENCE("null_sequence"),
  EMPTY_SEQUENCE("empty_sequence"),
  WRONG_WIDTH("wrong_width"),
  WRONG_LENGTH("wrong_length"),
  /** A step's image frame is not the H×W×C the model reads (a per-step image model). */
  WRONG_SHAPE("wrong_shape"),
  NON_FINITE("non_finite"),
  NULL_VALUE("null_value"),
  TOKEN_OUT_OF_RANGE("token_out_of_range"),
  WRONG_STATE_WIDTH("wrong_state_width"),
  /** Shorter than a Conv1D's or pooling's window (valid padding): the layer would give no steps. */
  TOO_SHORT("too_short");

  private final String code;

  BadRowCode(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
