package org.rnnscore.job;

/** What the scoring tasks do with a row that cannot be scored. */
public enum BadRowHandling {
  /** Fail the action with the row's message (the CLI records it and ends the partition: {@link BadRowStop}). */
  FAIL,
  /** Leave it out, counted by code (the CLI's quarantine writes it as a reject by a census pass; Spark ML's skip). */
  SKIP,
  /**
   * Yield it, with null prediction columns and two more columns, {@code reason_code} and {@code
   * reason} (null for good rows): one Dataset of good and bad rows, for a library caller.
   */
  KEEP
}
