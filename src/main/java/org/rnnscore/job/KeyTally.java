package org.rnnscore.job;

import java.util.Arrays;
import org.apache.spark.util.AccumulatorV2;
import org.roaringbitmap.RoaringBitmap;

/**
 * What the scoring tasks saw of the input's keys, so that the driver can tell after the scoring
 * job, without a pass of its own, whether a key repeats (incremental scoring joins rows on a
 * unique key). Each task records, for every row it scores:
 *
 * <ul>
 *   <li>with a {@link StateTable}: the index of the state the row continued (a set of indices, so
 *       a state continued twice is a repeated key, within a task or between two), or, for a key
 *       without a state, the key itself (integral) or its 64-bit hash (string), gathered on the
 *       driver up to {@link #GATHERED_MAX} and sorted there;
 *   <li>with the sort-merge join: whether two adjacent rows had one key (the join hands each task
 *       its keys sorted, and a key's rows all to one task).
 * </ul>
 *
 * <p>A repetition seen here is a suspicion, not yet the error: a string hash can collide, and an
 * accumulator can count a recomputed task twice. The driver then runs the exact check, which
 * names the side, the key and its count. Where more keys without a state came than are gathered,
 * the tally is undecided and the driver checks the input's keys in a job of their own.
 */
public final class KeyTally extends AccumulatorV2<Long, KeyTally.Verdict> {
  private static final long serialVersionUID = 1L;
  /** Keys without a state gathered on the driver at most (8 bytes each: 32 MB). */
  static final int GATHERED_MAX = 4_000_000;

  /** What the tally says: a key may repeat (check exactly), or it could not tell (check the input). */
  public record Verdict(boolean suspect, boolean undecided) {}

  private RoaringBitmap continued = new RoaringBitmap();
  private boolean repeated;
  private long nullKeys;
  private long[] unmatched = new long[16];
  private int unmatchedCount;
  private boolean overflow;
  private final int gatheredMax;

  public KeyTally() {
    this(GATHERED_MAX);
  }

  /** @param gatheredMax keys without a state gathered at most (tests lower it to reach the undecided case) */
  KeyTally(int gatheredMax) {
    this.gatheredMax = gatheredMax;
  }

  /** A row continued state {@code entry} of the table. */
  void continued(int entry) {
    if (!continued.checkedAdd(entry)) {
      repeated = true;
    }
  }

  /** A row's key had no state: the key (integral) or its hash (string). */
  @Override
  public void add(Long key) {
    unmatched(key);
  }

  void unmatched(long key) {
    if (overflow) {
      return;
    }
    if (unmatchedCount == gatheredMax) {
      overflow = true;
      unmatched = new long[0];
      unmatchedCount = 0;
      return;
    }
    if (unmatchedCount == unmatched.length) {
      unmatched = Arrays.copyOf(unmatched, Math.min(gatheredMax, 2 * unmatched.length));
    }
    unmatched[unmatchedCount++] = key;
  }

  /** A row's key was null (two nulls are a repeated key, as a grouping by the key counts them). */
  void nullKey() {
    nullKeys++;
  }

  /** Two rows with one key were seen (the sort-merge join's adjacent rows). */
  void repeated() {
    repeated = true;
  }

  @Override
  public synchronized boolean isZero() {
    return !repeated && !overflow && nullKeys == 0 && unmatchedCount == 0 && continued.isEmpty();
  }

  @Override
  public synchronized KeyTally copy() {
    KeyTally copy = new KeyTally(gatheredMax);
    copy.continued = continued.clone();
    copy.repeated = repeated;
    copy.nullKeys = nullKeys;
    copy.unmatched = Arrays.copyOf(unmatched, Math.max(16, unmatchedCount));
    copy.unmatchedCount = unmatchedCount;
    copy.overflow = overflow;
    return copy;
  }

  @Override
  public synchronized void reset() {
    continued = new RoaringBitmap();
    repeated = false;
    nullKeys = 0;
    unmatched = new long[16];
    unmatchedCount = 0;
    overflow = false;
  }

  /** On the driver, as each task ends: a state continued by this task and an earlier one is a repeat. */
  @Override
  public synchronized void merge(AccumulatorV2<Long, Verdict> other) {
    KeyTally theirs = (KeyTally) other;
    if (RoaringBitmap.intersects(continued, theirs.continued)) {
      repeated = true;
    }
    continued.or(theirs.continued);
    repeated |= theirs.repeated;
    nullKeys += theirs.nullKeys;
    if (theirs.overflow || (long) unmatchedCount + theirs.unmatchedCount > gatheredMax) {
      overflow = true;
      unmatched = new long[0];
      unmatchedCount = 0;
    }
    if (!overflow) {
      if (unmatchedCount + theirs.unmatchedCount > unmatched.length) {
        unmatched = Arrays.copyOf(unmatched, Math.max(unmatchedCount + theirs.unmatchedCount, 2 * unmatched.length));
      }
      System.arraycopy(theirs.unmatched, 0, unmatched, unmatchedCount, theirs.unmatchedCount);
      unmatchedCount += theirs.unmatchedCount;
    }
  }

  @Override
  public synchronized Verdict value() {
    if (overflow) {
      return new Verdict(repeated || nullKeys > 1, true);
    }
    long[] keys = Arrays.copyOf(unmatched, unmatchedCount);
    Arrays.sort(keys);
    boolean equalNeighbours = false;
    for (int i = 1; i < keys.length && !equalNeighbours; i++) {
      equalNeighbours = keys[i] == keys[i - 1];
    }
    return new Verdict(repeated || nullKeys > 1 || equalNeighbours, false);
  }
}
