package org.rnnscore.job;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.util.AccumulatorV2;

/**
 * Bad rows by reason code, counted by the tasks that met them (an accumulator: a retried task
 * counts its rows again, so this is a live figure for a library caller's {@code ScoreStats},
 * never what a commit is checked against).
 */
public final class RejectCounts extends AccumulatorV2<String, Map<String, Long>> {
  private static final long serialVersionUID = 1L;
  private final TreeMap<String, Long> counts = new TreeMap<>();

  @Override
  public boolean isZero() {
    synchronized (counts) {
      return counts.isEmpty();
    }
  }

  @Override
  public RejectCounts copy() {
    RejectCounts copy = new RejectCounts();
    synchronized (counts) {
      copy.counts.putAll(counts);
    }
    return copy;
  }

  @Override
  public void reset() {
    synchronized (counts) {
      counts.clear();
    }
  }

  /** One more bad row of {@code code}. */
  @Override
  public void add(String code) {
    synchronized (counts) {
      counts.merge(code, 1L, Long::sum);
    }
  }

  @Override
  public void merge(AccumulatorV2<String, Map<String, Long>> other) {
    Map<String, Long> theirs = other.value();
    synchronized (counts) {
      theirs.forEach((code, n) -> counts.merge(code, n, Long::sum));
    }
  }

  /** A copy, in code order. */
  @Override
  public Map<String, Long> value() {
    synchronized (counts) {
      return Collections.unmodifiableMap(new TreeMap<>(counts));
    }
  }
}
