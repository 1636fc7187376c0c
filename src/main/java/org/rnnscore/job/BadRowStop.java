package org.rnnscore.job;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;

/**
 * {@code --on-bad-row fail} without retries. A bad row is deterministic: a task that threw on it
 * would be retried {@code spark.task.maxFailures} times (and each failure logged with its stack
 * trace) before the job failed. Instead the task records the row here and ends successfully;
 * this listener, on the driver, cancels the write job at the first task that recorded one, and
 * the driver then throws the recorded error. Transient failures (a lost executor, an I/O error)
 * still fail their task and are retried as before.
 *
 * <p>The recorded error decides, not the cancellation: a bad row found by the job's last task
 * (nothing left to cancel) fails the run all the same, after the action.
 */
final class BadRowStop extends SparkListener implements AutoCloseable {
  /** For --on-bad-row quarantine: bad rows are skipped, nothing to stop. */
  static final BadRowStop NONE = new BadRowStop();

  private final SparkContext context;
  private final CollectionAccumulator<BadRowException> found;
  private final String group = "rnnscore-" + UUID.randomUUID();
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private boolean watching;

  private BadRowStop() {
    this.context = null;
    this.found = null;
  }

  BadRowStop(SparkSession spark) {
    this.context = spark.sparkContext();
    this.found = context.collectionAccumulator("rnnscore bad rows");
  }

  /** Where tasks record a bad row; null for {@link #NONE} (the scorer then skips or throws as told). */
  CollectionAccumulator<BadRowException> accumulator() {
    return found;
  }

  /** From now until {@link #close}, this thread's jobs are cancelled at the first recorded bad row. */
  void watch() {
    if (context != null && !watching) {
      watching = true;
      context.setJobGroup(group, "rnnscore score", false);
      context.addSparkListener(this);
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    // The DAGScheduler merges a task's accumulator updates before it posts the task's end.
    if (!found.value().isEmpty() && cancelled.compareAndSet(false, true)) {
      context.cancelJobGroup(group);
    }
  }

  /** The first bad row recorded, or null. */
  BadRowException recorded() {
    if (found == null) {
      return null;
    }
    List<BadRowException> rows = found.value();
    return rows.isEmpty() ? null : rows.get(0);
  }

  /** @throws BadRowException the first one recorded, if any */
  void throwIfRecorded() {
    BadRowException bad = recorded();
    if (bad != null) {
      throw bad;
    }
  }

  /** The recorded bad row, which is why a cancelled job failed; else {@code failure} itself. */
  Throwable explain(Throwable failure) {
    BadRowException bad = recorded();
    return bad != null ? bad : failure;
  }

  /** Stops watching: later jobs of this thread (the census) run outside the cancelled group. */
  @Override
  public void close() {
    if (watching) {
      watching = false;
      context.removeSparkListener(this);
      context.clearJobGroup();
    }
  }
}
