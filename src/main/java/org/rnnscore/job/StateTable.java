package org.rnnscore.job;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.XXH64;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.array.ByteArrayMethods;
import org.apache.spark.unsafe.types.UTF8String;
import org.rnnscore.model.InputDataException;

/**
 * A previous run's states by key (--initial-state-from, when they are within the broadcast bound):
 * read once into flat arrays with an open-addressing index, broadcast, and looked up by the scorer
 * row by row. It replaces a broadcast hash join for two reasons, both measured on the README's
 * night 2: the input stays a plain file scan, which the scorer reads off its column batches
 * ({@link ColumnarScan}), and every state has an index, so the tasks can tell the driver which
 * states they continued ({@link KeyTally}): a state continued twice is a repeated input key, found
 * in the scoring job itself. A repeated key among the states is found here, on the driver, while
 * the index is built.
 *
 * <p>Keys are integral (compared as longs, as Spark's join compares an int key with a long one) or
 * strings compared by their bytes (the default collation). Other key types take the sort-merge
 * join ({@link #supports}). A state row with a null key continues nothing (a join never matches a
 * null) and is left out.
 */
final class StateTable implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Any fixed seed: the hash only spreads keys over the index; equality is always checked on the key. */
  private static final long SEED = 0x5eed;

  private final boolean stringKeys;
  /** Integral keys, by entry. */
  private final long[] longKeys;
  /** String keys in UTF-8, by entry. */
  private final byte[][] utf8Keys;
  /** Open addressing, linear probing: entry + 1, or 0 for an empty slot; a power of two long. */
  private final int[] slots;
  /** Per state column: the entries' values one after another. */
  private final float[][] values;
  /** Per state column and entry: where its values start in {@code values}. */
  private final int[][] starts;
  /** Per state column and entry: how many values it has, or −1 for a null state. */
  private final int[][] lengths;

  private StateTable(boolean stringKeys, long[] longKeys, byte[][] utf8Keys, float[][] values, int[][] starts,
      int[][] lengths) {
    this.stringKeys = stringKeys;
    this.longKeys = longKeys;
    this.utf8Keys = utf8Keys;
    this.values = values;
    this.starts = starts;
    this.lengths = lengths;
    int n = size();
    this.slots = new int[Integer.highestOneBit(Math.max(2, 2 * n - 1)) << 1];
  }

  /** Whether a table can hold these keys: both sides integral, or both strings of binary equality. */
  static boolean supports(DataType inputKey, DataType stateKey) {
    return integral(inputKey) && integral(stateKey) || binaryString(inputKey) && binaryString(stateKey);
  }

  /**
   * Whether the driver may collect states of this estimated size to build the table: the tasks'
   * results must stay within spark.driver.maxResultSize (0: no limit), with half again as much
   * for what the estimate misses (Spark estimates a Parquet scan by its compressed file size).
   * Beyond it the states are sort-merge joined, rather than the job failing on the limit.
   */
  static boolean collectable(long estimatedBytes, long maxResultSize) {
    return maxResultSize <= 0 || estimatedBytes <= maxResultSize / 3 * 2;
  }

  private static boolean integral(DataType type) {
    return type instanceof ByteType || type instanceof ShortType || type instanceof IntegerType
        || type instanceof LongType;
  }

  private static boolean binaryString(DataType type) {
    return type instanceof StringType && ((StringType) type).supportsBinaryEquality();
  }

  /** The number of states (keys). */
  int size() {
    return stringKeys ? utf8Keys.length : longKeys.length;
  }

  /**
   * Reads {@code keyed} (the key, then one array&lt;float&gt; per state column) in one job and
   * indexes it.
   *
   * @param from the states' name in messages (their path)
   * @param keyName the key column's name in messages
   * @throws InputDataException naming a key that appears more than once, and how often
   */
  static StateTable read(Dataset<Row> keyed, String from, String keyName) {
    DataType keyType = keyed.schema().fields()[0].dataType();
    int columns = keyed.schema().fields().length - 1;
    boolean strings = keyType instanceof StringType;
    // A plain scan of the states (the common case) is read off its column batches, as the input is.
    org.apache.spark.rdd.RDD<InternalRow> columnar = ColumnarScan.rows(keyed);
    org.apache.spark.api.java.JavaRDD<InternalRow> scanned = columnar != null ? columnar.toJavaRDD()
        : SparkInternals.toInternalRows(keyed);
    List<Chunk> chunks = scanned
        .mapPartitions((Iterator<InternalRow> rows) -> List.of(Chunk.of(rows, keyType, columns)).iterator())
        .collect();
    int n = 0;
    long[] total = new long[columns];
    for (Chunk chunk : chunks) {
      n += chunk.count;
      for (int s = 0; s < columns; s++) {
        total[s] += chunk.valuesUsed[s];
      }
    }
    for (int s = 0; s < columns; s++) {
      if (total[s] > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException(from + ": " + total[s] + " state values in one column are more than one"
            + " table holds; lower --state-broadcast-max so that the states are sort-merge joined");
      }
    }
    long[] longKeys = strings ? null : new long[n];
    byte[][] utf8Keys = strings ? new byte[n][] : null;
    float[][] values = new float[columns][];
    int[][] starts = new int[columns][n];
    int[][] lengths = new int[columns][n];
    for (int s = 0; s < columns; s++) {
      values[s] = new float[(int) total[s]];
    }
    int at = 0;
    int[] used = new int[columns];
    for (Chunk chunk : chunks) {
      if (strings) {
        System.arraycopy(chunk.utf8Keys, 0, utf8Keys, at, chunk.count);
      } else {
        System.arraycopy(chunk.longKeys, 0, longKeys, at, chunk.count);
      }
      for (int s = 0; s < columns; s++) {
        System.arraycopy(chunk.values[s], 0, values[s], used[s], chunk.valuesUsed[s]);
        for (int e = 0; e < chunk.count; e++) {
          starts[s][at + e] = used[s] + chunk.starts[s][e];
          lengths[s][at + e] = chunk.lengths[s][e];
        }
        used[s] += chunk.valuesUsed[s];
      }
      at += chunk.count;
    }
    StateTable table = new StateTable(strings, longKeys, utf8Keys, values, starts, lengths);
    table.index(from, keyName);
    return table;
  }

  private void index(String from, String keyName) {
    int mask = slots.length - 1;
    for (int e = 0; e < size(); e++) {
      int slot = (int) hash(e) & mask;
      while (slots[slot] != 0) {
        if (sameKey(slots[slot] - 1, e)) {
          int times = 0;
          for (int other = 0; other < size(); other++) {
            times += sameKey(other, e) ? 1 : 0;
          }
          throw new InputDataException(from + ": key '" + keyName + "' value " + keyText(e) + " appears " + times
              + " times; incremental scoring joins rows on a unique key");
        }
        slot = (slot + 1) & mask;
      }
      slots[slot] = e + 1;
    }
  }

  private long hash(int entry) {
    if (stringKeys) {
      byte[] key = utf8Keys[entry];
      return XXH64.hashUnsafeBytes(key, Platform.BYTE_ARRAY_OFFSET, key.length, SEED);
    }
    return XXH64.hashLong(longKeys[entry], SEED);
  }

  private boolean sameKey(int a, int b) {
    return stringKeys ? Arrays.equals(utf8Keys[a], utf8Keys[b]) : longKeys[a] == longKeys[b];
  }

  private String keyText(int entry) {
    return stringKeys ? new String(utf8Keys[entry], StandardCharsets.UTF_8) : Long.toString(longKeys[entry]);
  }

  /** The row's key as a long (an integral key), read as its type is stored. */
  static long integralKey(InternalRow row, int ordinal, DataType type) {
    if (type instanceof LongType) {
      return row.getLong(ordinal);
    }
    if (type instanceof IntegerType) {
      return row.getInt(ordinal);
    }
    if (type instanceof ShortType) {
      return row.getShort(ordinal);
    }
    return row.getByte(ordinal);
  }

  /**
   * The entry of the row's key, or −1 where the table has none (the row starts from zeros). The
   * key must not be null (a null key matches nothing; the caller checks).
   */
  int find(InternalRow row, int ordinal, DataType type) {
    int mask = slots.length - 1;
    if (stringKeys) {
      UTF8String key = row.getUTF8String(ordinal);
      int slot = (int) keyHash(key) & mask;
      for (int entry = slots[slot] - 1; entry >= 0; slot = (slot + 1) & mask, entry = slots[slot] - 1) {
        byte[] stored = utf8Keys[entry];
        if (stored.length == key.numBytes() && ByteArrayMethods.arrayEquals(stored, Platform.BYTE_ARRAY_OFFSET,
            key.getBaseObject(), key.getBaseOffset(), stored.length)) {
          return entry;
        }
      }
      return -1;
    }
    long key = integralKey(row, ordinal, type);
    int slot = (int) XXH64.hashLong(key, SEED) & mask;
    for (int entry = slots[slot] - 1; entry >= 0; slot = (slot + 1) & mask, entry = slots[slot] - 1) {
      if (longKeys[entry] == key) {
        return entry;
      }
    }
    return -1;
  }

  /** A string key's 64-bit hash (what the tasks report for a key without a state). */
  static long keyHash(UTF8String key) {
    return XXH64.hashUnsafeBytes(key.getBaseObject(), key.getBaseOffset(), key.numBytes(), SEED);
  }

  /** Whether the keys are strings (reported by hash) rather than integral (reported as themselves). */
  boolean stringKeys() {
    return stringKeys;
  }

  /** How many values the entry's state {@code column} has, or −1 for a null state. */
  int length(int entry, int column) {
    return lengths[column][entry];
  }

  /** A copy of the entry's state {@code column} (not null: check {@link #length} first). */
  float[] state(int entry, int column) {
    int start = starts[column][entry];
    return Arrays.copyOfRange(values[column], start, start + lengths[column][entry]);
  }

  /** One partition of the states, read on an executor: its keys and values in flat arrays. */
  private static final class Chunk implements Serializable {
    private static final long serialVersionUID = 1L;
    int count;
    long[] longKeys;
    byte[][] utf8Keys;
    float[][] values;
    int[] valuesUsed;
    int[][] starts;
    int[][] lengths;

    static Chunk of(Iterator<InternalRow> rows, DataType keyType, int columns) {
      boolean strings = keyType instanceof StringType;
      Chunk chunk = new Chunk();
      int capacity = 1024;
      chunk.longKeys = strings ? null : new long[capacity];
      chunk.utf8Keys = strings ? new byte[capacity][] : null;
      chunk.values = new float[columns][capacity];
      chunk.valuesUsed = new int[columns];
      chunk.starts = new int[columns][capacity];
      chunk.lengths = new int[columns][capacity];
      while (rows.hasNext()) {
        InternalRow row = rows.next();
        if (row.isNullAt(0)) {
          continue; // a null key continues nothing
        }
        int e = chunk.count;
        if (e == capacity) {
          capacity *= 2;
          chunk.grow(capacity, strings);
        }
        if (strings) {
          chunk.utf8Keys[e] = row.getUTF8String(0).getBytes();
        } else {
          chunk.longKeys[e] = integralKey(row, 0, keyType);
        }
        for (int s = 0; s < columns; s++) {
          chunk.starts[s][e] = chunk.valuesUsed[s];
          if (row.isNullAt(1 + s)) {
            chunk.lengths[s][e] = -1;
            continue;
          }
          ArrayData array = row.getArray(1 + s);
          int length = array.numElements();
          int need = chunk.valuesUsed[s] + length;
          if (need > chunk.values[s].length) {
            chunk.values[s] = Arrays.copyOf(chunk.values[s], Math.max(need, 2 * chunk.values[s].length));
          }
          float[] read = array.toFloatArray(); // in bulk from the column vector or the UnsafeArrayData
          for (int i = 0; i < length; i++) {
            // A null element reads as NaN: the scorer then rejects the row as a state that is not finite.
            chunk.values[s][chunk.valuesUsed[s] + i] = array.isNullAt(i) ? Float.NaN : read[i];
          }
          chunk.lengths[s][e] = length;
          chunk.valuesUsed[s] = need;
        }
        chunk.count++;
      }
      chunk.trim(strings);
      return chunk;
    }

    /**
     * The arrays cut to what they hold: a task's chunk is its result, and Java serialization
     * writes whole arrays. Grown by doubling, they held up to twice the values (38 MB sent per
     * task in the README's night 2, 21 MB trimmed).
     */
    private void trim(boolean strings) {
      if (strings) {
        utf8Keys = Arrays.copyOf(utf8Keys, count);
      } else {
        longKeys = Arrays.copyOf(longKeys, count);
      }
      for (int s = 0; s < values.length; s++) {
        values[s] = Arrays.copyOf(values[s], valuesUsed[s]);
        starts[s] = Arrays.copyOf(starts[s], count);
        lengths[s] = Arrays.copyOf(lengths[s], count);
      }
    }

    private void grow(int capacity, boolean strings) {
      if (strings) {
        utf8Keys = Arrays.copyOf(utf8Keys, capacity);
      } else {
        longKeys = Arrays.copyOf(longKeys, capacity);
      }
      for (int s = 0; s < values.length; s++) {
        starts[s] = Arrays.copyOf(starts[s], capacity);
        lengths[s] = Arrays.copyOf(lengths[s], capacity);
      }
    }
  }
}
