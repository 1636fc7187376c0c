package org.rnnscore.cli;

/** The process exit codes, one per error category (listed in the README). */
public enum ExitCode {
  OK(0),
  INTERNAL(1),
  USAGE(2),
  MODEL(3),
  INPUT_DATA(4),
  SPARK_JOB(5);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
