package org.rnnscore.job;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.InputFileBlockHolder;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.unsafe.Platform;
import org.rnnscore.kernel.ForwardPass;
import org.rnnscore.kernel.Nd4jRuntime;
import org.rnnscore.model.RnnModel;

/**
 * Scores one partition: pulls up to B rows at a time from Spark's scan, copies their sequences
 * straight from Spark's storage into one float buffer (no boxing), runs the forward pass on the
 * batch and hands back one output row per input row, in input order. Only one batch is held in
 * memory, never the partition.
 *
 * <p>Rows of a batch may differ in length: the kernel packs them by length, so a mixed batch is
 * still one vectorized pass and each row's prediction equals scoring it alone.
 */
final class PartitionScorer implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
  private static final long serialVersionUID = 1L;

  private final Broadcast<RnnModel> model;
  private final InputLayout layout;
  private final int batchSize;
  private final int threadsPerTask;

  PartitionScorer(Broadcast<RnnModel> model, InputLayout layout, int batchSize, int threadsPerTask) {
    this.model = model;
    this.layout = layout;
    this.batchSize = batchSize;
    this.threadsPerTask = threadsPerTask;
  }

  @Override
  public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
    return new Scoring(rows);
  }

  private final class Scoring implements Iterator<InternalRow> {
    private final Iterator<InternalRow> input;
    private final int d = layout.features();
    private final int keptCount = layout.keptCount();
    private ForwardPass pass;
    private int k;

    private float[] values = new float[0];
    private final int[] offsets = new int[batchSize];
    private final int[] lengths = new int[batchSize];
    private final Object[][] kept = new Object[batchSize][];
    private float[][] predictions = new float[0][];
    private int count;
    private int next;
    private long rowsRead;

    Scoring(Iterator<InternalRow> input) {
      this.input = input;
    }

    @Override
    public boolean hasNext() {
      if (next < count) {
        return true;
      }
      fillAndScore();
      return next < count;
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      int i = next++;
      Object[] out = kept[i];
      kept[i] = null;
      out[keptCount] = layout.sequenceOutput() ? stepsOf(predictions[i]) : UnsafeArrayData.fromPrimitiveArray(predictions[i]);
      predictions[i] = null;
      return new GenericInternalRow(out);
    }

    /** A row's T×K prediction as T arrays of K. */
    private ArrayData stepsOf(float[] values) {
      int steps = values.length / k;
      Object[] rows = new Object[steps];
      for (int t = 0; t < steps; t++) {
        rows[t] = UnsafeArrayData.fromPrimitiveArray(Arrays.copyOfRange(values, t * k, (t + 1) * k));
      }
      return new GenericArrayData(rows);
    }

    private void fillAndScore() {
      count = 0;
      next = 0;
      int used = 0;
      while (count < batchSize && input.hasNext()) {
        InternalRow row = input.next();
        rowsRead++;
        Object[] out = new Object[keptCount + 1];
        for (int c = 0; c < keptCount; c++) {
          // Copies strings, arrays and structs: the scan reuses its row buffers.
          out[c] = row.isNullAt(c) ? null : InternalRow.copyValue(row.get(c, layout.keptTypes()[c]));
        }
        kept[count] = out;
        offsets[count] = used;
        lengths[count] = layout.tokens() ? readTokens(row, used) : layout.flat() ? readFlat(row, used)
            : readNested(row, used);
        used += lengths[count] * d;
        count++;
      }
      if (count == 0) {
        return;
      }
      if (pass == null) {
        Nd4jRuntime.limitThreads(threadsPerTask);
        pass = new ForwardPass(model.value());
        k = pass.model().outputWidth();
      }
      // Rows of different lengths share the batch: the kernel packs them by length.
      predictions = pass.score(values, offsets, lengths, count);
    }

    /** Copies an array&lt;array&lt;float&gt;&gt; row into the buffer at {@code at}; returns its T. */
    private int readTokens(InternalRow row, int at) {
      int ordinal = layout.featuresOrdinal();
      if (row.isNullAt(ordinal)) {
        throw bad(row, BadRowCode.NULL_SEQUENCE, "the sequence is null");
      }
      ArrayData ids = row.getArray(ordinal);
      int t = ids.numElements();
      checkLength(row, t, t + " timesteps");
      ensureCapacity(at + t);
      int vocabulary = layout.vocabulary();
      for (int s = 0; s < t; s++) {
        if (ids.isNullAt(s)) {
          throw bad(row, BadRowCode.NULL_VALUE, "timestep " + s + " token id is null");
        }
        int id = ids.getInt(s);
        if (id < 0 || id >= vocabulary) {
          throw bad(row, BadRowCode.TOKEN_OUT_OF_RANGE, "timestep " + s + " has token id " + id
              + ", the model's Embedding takes ids 0 to " + (vocabulary - 1));
        }
        values[at + s] = id;
      }
      return t;
    }

    private int readNested(InternalRow row, int at) {
      int ordinal = layout.featuresOrdinal();
      if (row.isNullAt(ordinal)) {
        throw bad(row, BadRowCode.NULL_SEQUENCE, "the sequence is null");
      }
      ArrayData steps = row.getArray(ordinal);
      int t = steps.numElements();
      checkLength(row, t, t + " timesteps");
      ensureCapacity(at + t * d);
      float[] buffer = values;
      for (int s = 0; s < t; s++) {
        if (steps.isNullAt(s)) {
          throw bad(row, BadRowCode.NULL_VALUE, "timestep " + s + " is null, expected " + d + " features");
        }
        ArrayData step = steps.getArray(s);
        int width = step.numElements();
        if (width != d) {
          throw bad(row, BadRowCode.WRONG_WIDTH, "timestep " + s + " has " + width + " features, model expects " + d);
        }
        int base = at + s * d;
        if (step instanceof UnsafeArrayData && !hasNulls((UnsafeArrayData) step)) {
          // The common case: one bulk copy straight out of Spark's row buffer.
          UnsafeArrayData unsafe = (UnsafeArrayData) step;
          Platform.copyMemory(unsafe.getBaseObject(),
              unsafe.getBaseOffset() + UnsafeArrayData.calculateHeaderPortionInBytes(d), buffer,
              Platform.FLOAT_ARRAY_OFFSET + 4L * base, 4L * d);
          continue;
        }
        for (int i = 0; i < d; i++) {
          if (step.isNullAt(i)) {
            throw bad(row, BadRowCode.NULL_VALUE, "timestep " + s + " feature " + i + " is null");
          }
          buffer[base + i] = step.getFloat(i);
        }
      }
      // NaN and ±Inf fail isFinite; one pass over the row's copied values.
      for (int i = at; i < at + t * d; i++) {
        if (!Float.isFinite(buffer[i])) {
          int offset = i - at;
          throw bad(row, BadRowCode.NON_FINITE, "timestep " + (offset / d) + " feature " + (offset % d) + " is "
              + buffer[i] + ", expected a finite number");
        }
      }
      return t;
    }

    /** Whether any element of an UnsafeArrayData is null: its null bits, a word at a time. */
    private boolean hasNulls(UnsafeArrayData array) {
      long start = array.getBaseOffset() + 8;
      long end = array.getBaseOffset() + UnsafeArrayData.calculateHeaderPortionInBytes(array.numElements());
      for (long word = start; word < end; word += 8) {
        if (Platform.getLong(array.getBaseObject(), word) != 0) {
          return true;
        }
      }
      return false;
    }

    /** Copies a flat array&lt;float&gt; row of T·D values into the buffer at {@code at}; returns T. */
    private int readFlat(InternalRow row, int at) {
      int ordinal = layout.featuresOrdinal();
      if (row.isNullAt(ordinal)) {
        throw bad(row, BadRowCode.NULL_SEQUENCE, "the sequence is null");
      }
      ArrayData flat = row.getArray(ordinal);
      int n = flat.numElements();
      int t = layout.requiredTimesteps();
      if (n == 0) {
        throw bad(row, BadRowCode.EMPTY_SEQUENCE, "the sequence is empty, expected " + t + " timesteps");
      }
      if (n != t * d) {
        throw bad(row, BadRowCode.WRONG_LENGTH, "the flat sequence has " + n + " values, expected T·D = " + t + "·" + d
            + " = " + (t * d) + " (" + layout.requiredBy() + ")");
      }
      ensureCapacity(at + n);
      float[] buffer = values;
      for (int i = 0; i < n; i++) {
        if (flat.isNullAt(i)) {
          throw bad(row, BadRowCode.NULL_VALUE, "timestep " + (i / d) + " feature " + (i % d) + " is null");
        }
        float v = flat.getFloat(i);
        if (!Float.isFinite(v)) {
          throw bad(row, BadRowCode.NON_FINITE, "timestep " + (i / d) + " feature " + (i % d) + " is " + v
              + ", expected a finite number");
        }
        buffer[at + i] = v;
      }
      return t;
    }

    private void checkLength(InternalRow row, int t, String found) {
      if (t == 0) {
        throw bad(row, BadRowCode.EMPTY_SEQUENCE, "the sequence has no timesteps");
      }
      int required = layout.requiredTimesteps();
      if (required > 0 && t != required) {
        throw bad(row, BadRowCode.WRONG_LENGTH, "the sequence has " + found + ", expected " + required
            + " (" + layout.requiredBy() + ")");
      }
    }

    private void ensureCapacity(long needed) {
      if (needed > Integer.MAX_VALUE - 16) {
        throw new org.rnnscore.model.InputDataException("a batch of " + batchSize + " rows holds more than "
            + (Integer.MAX_VALUE - 16) + " values; lower --batch-size");
      }
      if (needed > values.length) {
        values = Arrays.copyOf(values, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(needed, values.length * 2L)));
      }
    }

    private BadRowException bad(InternalRow row, BadRowCode code, String reason) {
      return new BadRowException(where(row) + ": " + reason + " (" + code.code() + ")", code);
    }

    /** "part-0.parquet: column 'features', row id=42": the file, column and row of a bad value. */
    private String where(InternalRow row) {
      String file = InputFileBlockHolder.getInputFilePath().toString();
      String rowText;
      if (layout.keyOrdinal() >= 0) {
        Object key = row.isNullAt(layout.keyOrdinal()) ? null : row.get(layout.keyOrdinal(), layout.keyType());
        rowText = "row " + layout.keyColumn() + "=" + key;
      } else {
        TaskContext task = TaskContext.get();
        rowText = "row " + (rowsRead - 1) + " of partition " + (task == null ? "?" : task.partitionId());
      }
      return (file.isEmpty() ? "input" : file) + ": column '" + layout.featuresColumn() + "', " + rowText;
    }
  }
}
