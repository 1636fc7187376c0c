package org.rnnscore.job;

import org.apache.spark.SparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * What the scoring tasks report back to the driver, as accumulators: rows scored and batches (for
 * the progress line and a library caller's stats), bad rows by code (when they are skipped or
 * kept rather than failing the run), the ND4J backend and recurrent kernel path each task used.
 * Accumulators count a retried task twice; what the CLI commits is checked against the written
 * files instead.
 */
public final class ScoringCounters implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  final LongAccumulator rowsScored;
  final LongAccumulator batches;
  final RejectCounts rejects;
  final CollectionAccumulator<String> backends;
  final CollectionAccumulator<String> kernelPaths;

  private ScoringCounters(LongAccumulator rowsScored, LongAccumulator batches, RejectCounts rejects,
      CollectionAccumulator<String> backends, CollectionAccumulator<String> kernelPaths) {
    this.rowsScored = rowsScored;
    this.batches = batches;
    this.rejects = rejects;
    this.backends = backends;
    this.kernelPaths = kernelPaths;
  }

  /** Fresh accumulators, registered with {@code sc}. */
  public static ScoringCounters register(SparkContext sc) {
    RejectCounts rejects = new RejectCounts();
    sc.register(rejects, "rnnscore rows rejected by code");
    return new ScoringCounters(sc.longAccumulator("rnnscore rows scored"), sc.longAccumulator("rnnscore batches"),
        rejects, sc.collectionAccumulator("rnnscore backends"), sc.collectionAccumulator("rnnscore kernel paths"));
  }

  public long rowsScored() {
    return rowsScored.value();
  }

  public long batches() {
    return batches.value();
  }

  public java.util.Map<String, Long> rejectsByCode() {
    return rejects.value();
  }

  /** The distinct "executor N: backend" lines, sorted. */
  public java.util.List<String> backends() {
    return new java.util.ArrayList<>(new java.util.TreeSet<>(backends.value()));
  }

  /** The distinct "layer: path (reason)" lines, in the order first reported. */
  public java.util.List<String> kernelPaths() {
    return new java.util.ArrayList<>(new java.util.LinkedHashSet<>(kernelPaths.value()));
  }
}
