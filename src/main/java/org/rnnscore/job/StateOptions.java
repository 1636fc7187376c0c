package org.rnnscore.job;

/**
 * Incremental scoring.
 *
 * @param emit write every recurrent layer's final state after the prediction ({@link StateColumns})
 * @param initialFrom a previous run's output whose state columns start each row (joined on the
 *     key; a row without a match starts from zeros), or null
 * @param force accept states made by another model (sha256)
 * @param broadcastMax the states are broadcast to the input's tasks (no shuffle of the input) when
 *     Spark estimates their key and state columns at no more than this many bytes; else both
 *     sides are sort-merge joined (--state-broadcast-max)
 */
public record StateOptions(boolean emit, String initialFrom, boolean force, long broadcastMax) {
  public static final long DEFAULT_BROADCAST_MAX = 512L << 20;
  public static final StateOptions NONE = new StateOptions(false, null, false);

  public StateOptions {
    if (broadcastMax < 0) {
      throw new org.rnnscore.model.UsageException("--state-broadcast-max must be at least 0 bytes, got " + broadcastMax);
    }
  }

  /** With the default --state-broadcast-max (512 MiB). */
  public StateOptions(boolean emit, String initialFrom, boolean force) {
    this(emit, initialFrom, force, DEFAULT_BROADCAST_MAX);
  }

  boolean active() {
    return emit || initialFrom != null;
  }
}
