package org.rnnscore.job;

import java.util.Arrays;
import org.apache.spark.TaskContext;
import org.apache.spark.rdd.InputFileBlockHolder;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.unsafe.Platform;
import org.rnnscore.model.Frame;
import org.rnnscore.model.InputDataException;

/**
 * Reads one row's sequence from Spark's storage into a float buffer, checking it on the way: a
 * null, empty, wrong-width or wrong-length sequence, a null or non-finite value, or a token
 * outside the Embedding's vocabulary is a {@link BadRowException} naming the file, the row's
 * index in it, its key and the reason. Shared by scoring and by the bad-row census.
 */
final class SequenceReader {
  private final InputLayout layout;
  private final int d;
  private final int batchSize;
  private float[] values = new float[0];
  private long rowsRead;
  /** For a model of several inputs, the column this reader reads, named in every reason; else null. */
  private final String column;

  SequenceReader(InputLayout layout, int batchSize) {
    this(layout, batchSize, null);
  }

  SequenceReader(InputLayout layout, int batchSize, String column) {
    this.column = column;
    this.layout = layout;
    this.d = layout.features();
    this.batchSize = batchSize;
  }

  /** The buffer the rows were read into (it grows; fetch it after reading). */
  float[] values() {
    return values;
  }

  /**
   * Copies the row's sequence into the buffer at {@code at}; returns its number of timesteps.
   *
   * @throws BadRowException when the row cannot be scored
   */
  int read(InternalRow row, int at) {
    rowsRead++;
    return layout.tokens() ? readTokens(row, at) : layout.flat() ? readFlat(row, at)
        : layout.frame() != null ? readFrames(row, at) : readNested(row, at);
  }

  /**
   * Copies an array&lt;array&lt;array&lt;array&lt;float&gt;&gt;&gt;&gt; row (T frames of H rows of W pixels of
   * C channels) into the buffer at {@code at}, each frame row-major (H, W, C) as Keras lays it
   * out; returns its T. A frame of another shape is {@link BadRowCode#WRONG_SHAPE}.
   */
  private int readFrames(InternalRow row, int at) {
    int ordinal = layout.featuresOrdinal();
    if (row.isNullAt(ordinal)) {
      throw bad(row, BadRowCode.NULL_SEQUENCE, "the sequence is null");
    }
    Frame frame = layout.frame();
    int h = frame.height();
    int w = frame.width();
    int c = frame.channels();
    ArrayData steps = row.getArray(ordinal);
    int t = steps.numElements();
    checkLength(row, t, t + " frames");
    ensureCapacity(at + (long) t * d);
    float[] buffer = values;
    int o = at;
    for (int s = 0; s < t; s++) {
      if (steps.isNullAt(s)) {
        throw bad(row, BadRowCode.NULL_VALUE, "frame " + s + " is null, expected " + h + "×" + w + "×" + c);
      }
      ArrayData rows = steps.getArray(s);
      if (rows.numElements() != h) {
        throw wrongShape(row, s, rows);
      }
      for (int i = 0; i < h; i++) {
        if (rows.isNullAt(i)) {
          throw bad(row, BadRowCode.NULL_VALUE, "frame " + s + " row " + i + " is null");
        }
        ArrayData pixels = rows.getArray(i);
        if (pixels.numElements() != w) {
          throw wrongShape(row, s, rows);
        }
        for (int j = 0; j < w; j++) {
          if (pixels.isNullAt(j)) {
            throw bad(row, BadRowCode.NULL_VALUE, "frame " + s + " pixel (" + i + ", " + j + ") is null");
          }
          ArrayData channels = pixels.getArray(j);
          if (channels.numElements() != c) {
            throw wrongShape(row, s, rows);
          }
          for (int k = 0; k < c; k++) {
            if (channels.isNullAt(k)) {
              throw bad(row, BadRowCode.NULL_VALUE, "frame " + s + " pixel (" + i + ", " + j + ") channel " + k
                  + " is null");
            }
            float v = channels.getFloat(k);
            if (!Float.isFinite(v)) {
              throw bad(row, BadRowCode.NON_FINITE, "frame " + s + " pixel (" + i + ", " + j + ") channel " + k
                  + " is " + v + ", expected a finite number");
            }
            buffer[o++] = v;
          }
        }
      }
    }
    return t;
  }

  /**
   * "frame 2 has shape (8, 7, 3), expected (9, 7, 3) (H, W, C)": the frame's shape as found, its
   * width and channels read off its first row and pixel that differ (ragged frames: "ragged").
   */
  private BadRowException wrongShape(InternalRow row, int step, ArrayData rows) {
    Frame frame = layout.frame();
    int h = rows.numElements();
    String w = "?";
    String c = "?";
    boolean ragged = false;
    Integer width = null;
    Integer channels = null;
    for (int i = 0; i < h; i++) {
      if (rows.isNullAt(i)) {
        continue;
      }
      ArrayData pixels = rows.getArray(i);
      if (width == null) {
        width = pixels.numElements();
      } else if (width != pixels.numElements()) {
        ragged = true;
      }
      for (int j = 0; j < pixels.numElements(); j++) {
        if (pixels.isNullAt(j)) {
          continue;
        }
        int n = pixels.getArray(j).numElements();
        if (channels == null) {
          channels = n;
        } else if (channels != n) {
          ragged = true;
        }
      }
    }
    w = width == null ? "?" : String.valueOf(width);
    c = channels == null ? "?" : String.valueOf(channels);
    String found = ragged ? "a ragged shape (" + h + " rows, not all of " + w + " pixels of " + c + " channels)"
        : "shape (" + h + ", " + w + ", " + c + ")";
    return bad(row, BadRowCode.WRONG_SHAPE, "frame " + step + " has " + found + ", expected (" + frame.height() + ", "
        + frame.width() + ", " + frame.channels() + ") (H, W, C)");
  }

  /** Copies an array&lt;int&gt; row of token ids (as floats) into the buffer at {@code at}; returns its T. */
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

  /** Copies an array&lt;array&lt;float&gt;&gt; row into the buffer at {@code at}; returns its T. */
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
    // The common case, an UnsafeArrayData of UnsafeArrayData (what the scan yields): each step's
    // floats copied straight out of Spark's row buffer, read in place without a view object per
    // step (those were a tenth of a scoring task on S1). A step with nulls or of another width
    // falls through to the general loop below, which names what is wrong.
    int first = steps instanceof UnsafeArrayData ? copyUnsafeSteps((UnsafeArrayData) steps, t, buffer, at) : 0;
    for (int s = first; s < t; s++) {
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

  /**
   * Copies the steps of an unsafe nested array, in Spark's layout (a count, null bits, then per
   * element an 8-byte offset-and-size word; each step itself a count, null bits and the floats),
   * into buffer at {@code at}, until a step is null, has nulls or is not D wide.
   *
   * @return the number of steps copied (t when all were)
   */
  private int copyUnsafeSteps(UnsafeArrayData steps, int t, float[] buffer, int at) {
    Object base = steps.getBaseObject();
    long start = steps.getBaseOffset();
    long slots = start + UnsafeArrayData.calculateHeaderPortionInBytes(t);
    long innerHeader = UnsafeArrayData.calculateHeaderPortionInBytes(d);
    for (int s = 0; s < t; s++) {
      if (steps.isNullAt(s)) {
        return s;
      }
      long offsetAndSize = Platform.getLong(base, slots + 8L * s);
      long step = start + (int) (offsetAndSize >> 32);
      if (Platform.getLong(base, step) != d) {
        return s;
      }
      for (long word = step + 8; word < step + innerHeader; word += 8) {
        if (Platform.getLong(base, word) != 0) {
          return s;
        }
      }
      Platform.copyMemory(base, step + innerHeader, buffer, Platform.FLOAT_ARRAY_OFFSET + 4L * (at + s * d), 4L * d);
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
      String perStep = layout.frame() == null ? "T·D = " + t + "·" + d
          : "T·H·W·C = " + t + "·" + layout.frame().height() + "·" + layout.frame().width() + "·"
              + layout.frame().channels();
      throw bad(row, BadRowCode.WRONG_LENGTH, "the flat sequence has " + n + " values, expected " + perStep
          + " = " + ((long) t * d) + " (" + layout.requiredBy() + ")");
    }
    checkMinimum(row, t);
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
    checkMinimum(row, t);
  }

  /** A row too short for a Conv1D's or pooling's window: the layer would give it no steps. */
  private void checkMinimum(InternalRow row, int t) {
    for (org.rnnscore.model.StepMinimum minimum : layout.stepMinimums()) {
      String shortfall = minimum.shortfall(t);
      if (shortfall != null) {
        throw bad(row, BadRowCode.TOO_SHORT, shortfall);
      }
    }
  }

  private void ensureCapacity(long needed) {
    if (needed > Integer.MAX_VALUE - 16) {
      throw new InputDataException("a batch of " + batchSize + " rows holds more than "
          + (Integer.MAX_VALUE - 16) + " values; lower --batch-size or --batch-bytes");
    }
    if (needed > values.length) {
      values = Arrays.copyOf(values, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(needed, values.length * 2L)));
    }
  }

  BadRowException bad(InternalRow row, BadRowCode code, String reason) {
    if (column != null) {
      reason = "column '" + column + "': " + reason;
    }
    return new BadRowException(where(row) + ": " + reason + " (" + code.code() + ")", code, reason);
  }

  /**
   * "file:/in/part-3.parquet: row 17 (id=42)": the file, the row's 0-based index in it and its
   * key. Rows built by --group-by have no file row: they are named by their key alone.
   */
  private String where(InternalRow row) {
    StringBuilder text = new StringBuilder();
    String keyText = null;
    if (layout.keyOrdinal() >= 0) {
      Object key = row.isNullAt(layout.keyOrdinal()) ? null : row.get(layout.keyOrdinal(), layout.keyType());
      keyText = layout.keyColumn() + "=" + key;
    }
    if (layout.tableLabel() != null) {
      text.append(layout.tableLabel()).append(", ");
    }
    if (layout.hasSource() && !row.isNullAt(layout.sourceFileOrdinal())) {
      text.append(row.getUTF8String(layout.sourceFileOrdinal())).append(": row ")
          .append(row.getLong(layout.sourceRowOrdinal()));
    } else {
      String file = InputFileBlockHolder.getInputFilePath().toString();
      text.append(file.isEmpty() ? "input" : file).append(": row");
      if (keyText == null) {
        TaskContext task = TaskContext.get();
        text.append(' ').append(rowsRead - 1).append(" of partition ").append(task == null ? "?" : task.partitionId());
      }
    }
    if (keyText != null) {
      text.append(" (").append(keyText).append(')');
    }
    return text.toString();
  }
}
