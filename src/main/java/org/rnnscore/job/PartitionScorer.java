package org.rnnscore.job;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.SparkEnv;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
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
  /** The Spark job-local property of the test-only failure hook. */
  static final String FAIL_ONCE = "rnnscore.test.failOnceInPartition";

  private final Broadcast<RnnModel> model;
  private final InputLayout layout;
  private final int batchSize;
  private final int threadsPerTask;
  private final boolean skipBadRows;
  private final LongAccumulator rowsScored;
  private final LongAccumulator batches;
  private final Nd4jRuntime.Backend backend;
  private final CollectionAccumulator<String> backendsUsed;

  /**
   * @param skipBadRows leave bad rows out (quarantine: they are written as rejects by the census)
   *     instead of failing on the first
   */
  PartitionScorer(Broadcast<RnnModel> model, InputLayout layout, int batchSize, int threadsPerTask,
      boolean skipBadRows, LongAccumulator rowsScored, LongAccumulator batches, Nd4jRuntime.Backend backend,
      CollectionAccumulator<String> backendsUsed) {
    this.backend = backend;
    this.backendsUsed = backendsUsed;
    this.rowsScored = rowsScored;
    this.batches = batches;
    this.model = model;
    this.layout = layout;
    this.batchSize = batchSize;
    this.threadsPerTask = threadsPerTask;
    this.skipBadRows = skipBadRows;
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

    private final SequenceReader reader = new SequenceReader(layout, batchSize);
    private final int[] offsets = new int[batchSize];
    private final int[] lengths = new int[batchSize];
    private final Object[][] kept = new Object[batchSize][];
    private float[][] predictions = new float[0][];
    private int count;
    private int next;

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
        int length;
        try {
          length = reader.read(row, used);
        } catch (BadRowException bad) {
          if (skipBadRows) {
            continue;
          }
          throw bad;
        }
        Object[] out = new Object[keptCount + 1];
        for (int c = 0; c < keptCount; c++) {
          // Copies strings, arrays and structs: the scan reuses its row buffers.
          out[c] = row.isNullAt(c) ? null : InternalRow.copyValue(row.get(c, layout.keptTypes()[c]));
        }
        kept[count] = out;
        offsets[count] = used;
        lengths[count] = length;
        used += lengths[count] * d;
        count++;
      }
      if (count == 0) {
        return;
      }
      if (pass == null) {
        Nd4jRuntime.requireBackend(backend);
        Nd4jRuntime.limitThreads(threadsPerTask);
        SparkEnv env = SparkEnv.get();
        backendsUsed.add("executor " + (env == null ? "?" : env.executorId()) + ": "
            + Nd4jRuntime.backendDescription());
        pass = new ForwardPass(model.value());
        k = pass.model().outputWidth();
      }
      // Rows of different lengths share the batch: the kernel packs them by length.
      predictions = pass.score(reader.values(), offsets, lengths, count);
      // For the progress line only: a retried task counts again (the report counts the output).
      rowsScored.add(count);
      batches.add(1);
      injectedFailure();
    }

    /**
     * Test-only hook: with the job-local property {@value #FAIL_ONCE} set to a partition number,
     * that partition's first attempt fails after its first batch, so that tests can check that a
     * retried task yields exactly the output of an unfailed run.
     */
    private void injectedFailure() {
      TaskContext task = TaskContext.get();
      String partition = task == null ? null : task.getLocalProperty(FAIL_ONCE);
      if (partition != null && task.attemptNumber() == 0 && task.partitionId() == Integer.parseInt(partition)) {
        throw new IllegalStateException("rnnscore test hook: injected failure of partition " + partition
            + ", attempt 0");
      }
    }

  }
}
