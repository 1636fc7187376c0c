package org.rnnscore.api;

import java.util.Map;

/**
 * What the tasks of a scorer's actions have counted so far, read from Spark accumulators on the
 * driver after an action. Accumulators count a retried task's rows again and every action on a
 * transformed Dataset anew (a {@code count()} then a {@code write()} scores, and counts, twice):
 * for figures to check a commit against, count what was written, as the CLI does.
 *
 * @param rowsScored rows the model scored
 * @param rejectsByCode rows that could not be scored, by reason code ({@code null_sequence},
 *     {@code wrong_width}, ...), with onBadRow quarantine or skip; empty otherwise
 * @param batches forward passes run
 */
public record ScoreStats(long rowsScored, Map<String, Long> rejectsByCode, long batches) {
  public ScoreStats {
    rejectsByCode = Map.copyOf(rejectsByCode);
  }

  /** All rows rejected, whatever the code. */
  public long rowsRejected() {
    return rejectsByCode.values().stream().mapToLong(Long::longValue).sum();
  }
}
