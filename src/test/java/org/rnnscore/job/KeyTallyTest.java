package org.rnnscore.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The tally's verdicts, task by task and merged on the driver as Spark merges accumulators. */
class KeyTallyTest {
  private static final KeyTally.Verdict UNIQUE = new KeyTally.Verdict(false, false);
  private static final KeyTally.Verdict SUSPECT = new KeyTally.Verdict(true, false);

  @Test
  void continued_sameStateTwiceInOneTask_isSuspect() {
    KeyTally task = new KeyTally();
    task.continued(3);
    task.continued(4);
    assertEquals(UNIQUE, task.value());
    task.continued(3);
    assertEquals(SUSPECT, task.value());
  }

  @Test
  void merge_sameStateInTwoTasks_isSuspect_differentStatesAreNot() {
    KeyTally driver = new KeyTally();
    driver.merge(task(0, 1, 2));
    driver.merge(task(70_000, 3)); // beyond one 16-bit container of the bitmap
    assertEquals(UNIQUE, driver.value());
    driver.merge(task(70_000));
    assertEquals(SUSPECT, driver.value());
  }

  @Test
  void unmatched_equalKeysInOneTaskOrAcrossTasks_areSuspect() {
    KeyTally one = new KeyTally();
    one.unmatched(-5);
    one.unmatched(9);
    assertEquals(UNIQUE, one.value());
    one.unmatched(-5);
    assertEquals(SUSPECT, one.value());

    KeyTally driver = new KeyTally();
    KeyTally a = new KeyTally();
    a.unmatched(Long.MIN_VALUE);
    KeyTally b = new KeyTally();
    b.unmatched(Long.MAX_VALUE);
    driver.merge(a);
    driver.merge(b);
    assertEquals(UNIQUE, driver.value());
    driver.merge(a.copy());
    assertEquals(SUSPECT, driver.value());
  }

  @Test
  void nullKey_twoAreSuspect_oneIsNot() {
    KeyTally driver = new KeyTally();
    KeyTally a = new KeyTally();
    a.nullKey();
    driver.merge(a);
    assertEquals(UNIQUE, driver.value());
    driver.merge(a.copy());
    assertEquals(SUSPECT, driver.value());
  }

  @Test
  void unmatched_moreThanGathered_isUndecided_inATaskOrOnTheDriver() {
    KeyTally task = new KeyTally(2);
    task.unmatched(1);
    task.unmatched(2);
    assertFalse(task.value().undecided());
    task.unmatched(3);
    assertEquals(new KeyTally.Verdict(false, true), task.value());

    KeyTally driver = new KeyTally(2);
    KeyTally a = new KeyTally(2);
    a.unmatched(1);
    a.unmatched(2);
    KeyTally b = new KeyTally(2);
    b.unmatched(3);
    driver.merge(a);
    driver.merge(b);
    assertTrue(driver.value().undecided());
  }

  @Test
  void repeated_adjacentRowsOfOneKey_isSuspect_andSurvivesMergeCopyAndNotReset() {
    KeyTally task = new KeyTally();
    assertTrue(task.isZero());
    task.repeated();
    assertFalse(task.isZero());
    KeyTally driver = new KeyTally();
    driver.merge(task.copy());
    assertEquals(SUSPECT, driver.value());
    driver.reset();
    assertTrue(driver.isZero());
    assertEquals(UNIQUE, driver.value());
  }

  private static KeyTally task(int... entries) {
    KeyTally task = new KeyTally();
    for (int entry : entries) {
      task.continued(entry);
    }
    return task;
  }
}
