package org.rnnscore.job;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.expressions.codegen.GenerateUnsafeRowJoiner;
import org.apache.spark.sql.catalyst.expressions.codegen.UnsafeArrayWriter;
import org.apache.spark.sql.catalyst.expressions.codegen.UnsafeRowJoiner;
import org.apache.spark.sql.catalyst.expressions.codegen.UnsafeRowWriter;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;

/**
 * The scorer's output rows as UnsafeRows over reused buffers: no object per row or value.
 *
 * <p>When a row is read, its kept columns go through a generated {@link UnsafeProjection} (any
 * Spark type) and their bytes are copied into the row's slot of the batch (a byte[] reused from
 * batch to batch). When the row is yielded, its prediction and state columns ({@code
 * array<float>} each) are written by an {@link UnsafeRowWriter}, and Spark's generated joiner
 * puts the two together. The row returned is the same object each time, overwritten by the next
 * call, as rows from Spark's own operators are: a consumer that keeps one copies it.
 */
final class UnsafeOutput {
  private final UnsafeProjection keptProjection;
  private final UnsafeRowJoiner joiner;
  private final UnsafeRow kept;
  private final UnsafeRowWriter values;
  private final UnsafeArrayWriter floats;
  private byte[][] slots;
  private final int[] sizes;

  /**
   * @param valueColumns the {@code array<float>} columns after the kept ones (prediction, states)
   */
  UnsafeOutput(DataType[] keptTypes, int keptCount, int valueColumns, int batchSize) {
    DataType[] types = java.util.Arrays.copyOf(keptTypes, keptCount);
    this.keptProjection = keptCount == 0 ? null : UnsafeProjection.create(types);
    StructField[] keptFields = new StructField[keptCount];
    for (int c = 0; c < keptCount; c++) {
      keptFields[c] = new StructField("k" + c, types[c], true, org.apache.spark.sql.types.Metadata.empty());
    }
    StructField[] valueFields = new StructField[valueColumns];
    for (int v = 0; v < valueColumns; v++) {
      valueFields[v] = new StructField("v" + v, DataTypes.createArrayType(DataTypes.FloatType, false), true,
          org.apache.spark.sql.types.Metadata.empty());
    }
    this.joiner = keptCount == 0 ? null
        : GenerateUnsafeRowJoiner.create(new StructType(keptFields), new StructType(valueFields));
    this.kept = new UnsafeRow(keptCount);
    this.values = new UnsafeRowWriter(valueColumns, 64);
    this.floats = new UnsafeArrayWriter(values, 4);
    this.slots = new byte[batchSize][];
    this.sizes = new int[batchSize];
  }

  /** Copies {@code row}'s kept columns (ordinals 0..keptCount-1) into {@code slot}: the scan reuses its buffers. */
  void keep(int slot, InternalRow row) {
    if (keptProjection == null) {
      return;
    }
    UnsafeRow projected = keptProjection.apply(row);
    int size = projected.getSizeInBytes();
    byte[] bytes = slots[slot];
    if (bytes == null || bytes.length < size) {
      bytes = slots[slot] = new byte[Math.max(size, bytes == null ? 0 : bytes.length * 2)];
    }
    projected.writeToMemory(bytes, Platform.BYTE_ARRAY_OFFSET);
    sizes[slot] = size;
  }

  /** Starts the output row of {@code slot}'s values; then {@link #put} each value column, then {@link #row}. */
  void start() {
    values.reset();
    values.zeroOutNullBytes();
  }

  /** Value column {@code column} = values[from, from + length). */
  void put(int column, float[] data, int from, int length) {
    int previousCursor = values.cursor();
    floats.initialize(length);
    for (int i = 0; i < length; i++) {
      floats.write(i, data[from + i]);
    }
    values.setOffsetAndSizeFromPreviousCursor(column, previousCursor);
  }

  /** The finished row: slot's kept columns, then the value columns put since {@link #start}. */
  InternalRow row(int slot) {
    if (joiner == null) {
      return values.getRow();
    }
    kept.pointTo(slots[slot], sizes[slot]);
    return joiner.join(kept, values.getRow());
  }
}
