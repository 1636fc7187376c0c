package org.rnnscore.job;

import java.io.Serializable;
import org.apache.spark.broadcast.Broadcast;

/**
 * How the scorer finds each row's starting state (--initial-state-from) and reports its key: from
 * a broadcast {@link StateTable} by the row's key, or, with {@code table} null, from the state
 * columns the sort-merge join put on the row, whose keys then arrive sorted.
 */
record StateLookup(Broadcast<StateTable> table, KeyTally tally) implements Serializable {}
