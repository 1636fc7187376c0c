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
import org.apache.spark.unsafe.types.UTF8String;
import org.rnnscore.kernel.ClassOutputValues;
import org.rnnscore.kernel.ForwardPass;
import org.rnnscore.kernel.KernelPath;
import org.rnnscore.kernel.Nd4jRuntime;
import org.rnnscore.model.ClassOutputs;
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
  /** Test-only system property: a task throws an OutOfMemoryError at its n-th batch (1-based). */
  static final String OOM_AT_BATCH = "rnnscore.test.oomAtBatch";

  private final Broadcast<RnnModel> model;
  private final InputLayout layout;
  private final int batchSize;
  private final BatchLimit limit;
  private final int threadsPerTask;
  private final BadRowHandling badRows;
  private final ScoringCounters counters;
  private final Nd4jRuntime.Backend backend;
  private final KernelPath kernel;
  private final CollectionAccumulator<BadRowException> badRowsFound;
  /** With several models in one pass, the model a bad row's message and reason name; else null. */
  private final String modelName;

  /**
   * Another model scored on the same batches (several models in one pass, read once): its
   * columns follow the first model's, in this order.
   */
  record Companion(Broadcast<RnnModel> model, ClassOutputs outputs, String name) implements java.io.Serializable {}

  /** The models scored beside the first on every batch (they read the rows as it does); empty for one model. */
  private final java.util.List<Companion> companions;
  /** Where rows find their starting states and report their keys (--initial-state-from); else null. */
  private final StateLookup stateLookup;

  /**
   * @param badRowsFound where a bad row is recorded, ending the partition, instead of thrown (see
   *     {@link BadRowStop}); null to throw it. Only with {@link BadRowHandling#FAIL}.
   */
  PartitionScorer(Broadcast<RnnModel> model, InputLayout layout, BatchLimit limit, int threadsPerTask,
      BadRowHandling badRows, ScoringCounters counters, Nd4jRuntime.Backend backend,
      CollectionAccumulator<BadRowException> badRowsFound, KernelPath kernel, String modelName,
      java.util.List<Companion> companions, StateLookup stateLookup) {
    this.stateLookup = stateLookup;
    this.modelName = modelName;
    this.companions = java.util.List.copyOf(companions);
    this.model = model;
    this.layout = layout;
    this.limit = limit;
    this.batchSize = limit.rows();
    this.threadsPerTask = threadsPerTask;
    this.badRows = badRows;
    this.counters = counters;
    this.backend = backend;
    this.badRowsFound = badRowsFound;
    this.kernel = kernel;
  }

  @Override
  public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
    return new Scoring(rows);
  }

  private final class Scoring implements Iterator<InternalRow> {
    private final Iterator<InternalRow> input;
    private final int d = layout.features();
    private final int keptCount = layout.keptCount();
    private final KeptValues keptValues = new KeptValues(layout.keptTypes(), layout.keptCount());
    /** The common path's rows (one input, one prediction of K values per row): UnsafeRows over reused buffers. */
    /** Bad rows yielded with their reasons (KEEP), ahead of the good rows of the batch they were read in. */
    private final java.util.ArrayDeque<InternalRow> badOut = new java.util.ArrayDeque<>();
    /** reason_code and reason after the other columns (KEEP only). */
    private final int reasonColumns = badRows == BadRowHandling.KEEP ? 2 : 0;
    private final UnsafeOutput unsafeOutput = layout.several() || layout.sequenceOutput() || badRows == BadRowHandling.KEEP
        || !layout.rawOnly() || !companions.isEmpty()
        ? null
        : new UnsafeOutput(layout.keptTypes(), layout.keptCount(),
            1 + (layout.emitState() ? layout.states().names().size() : 0), batchSize);
    private ForwardPass pass;
    private int k;
    /** The class outputs asked for (made with the pass, once K is known); null for raw only. */
    private ClassOutputValues classValues;
    private final java.util.List<ClassOutputs.Column> classColumns = layout.classOutputs().columns("");
    /**
     * Per companion: its pass, K, whether it returns sequences, its class outputs (null: raw only)
     * and their columns, and the batch's predictions.
     */
    private ForwardPass[] companionPasses;
    private int[] companionK;
    private boolean[] companionSequence;
    private ClassOutputValues[] companionValues;
    private final java.util.List<java.util.List<ClassOutputs.Column>> companionColumns = companions.stream()
        .map(companion -> companion.outputs().columns("")).toList();
    private float[][][] companionPredictions;
    /** Columns of a generic output row: kept, prediction(s), states, then the reasons (KEEP). */
    private final int valueCount = valueCount();

    private final SequenceReader reader = layout.several() ? null : new SequenceReader(layout, batchSize);
    /** A model of several inputs or outputs: its own path (see {@link #fillAndScoreSeveral}); else null. */
    private final SeveralInputsReader several = layout.several() ? new SeveralInputsReader(layout, batchSize) : null;
    private int[][] severalOffsets;
    private int[][] severalLengths;
    private java.util.List<float[][]> severalPredictions;
    private final int[] offsets = new int[batchSize];
    private final int[] lengths = new int[batchSize];
    private final Object[][] kept = new Object[batchSize][];
    private float[][] predictions = new float[0][];
    private final StateColumns states = layout.states();
    private final boolean stateful = layout.states() != null;
    /** Per state column, the batch's initial values (null: zeros); per recurrent layer, the final ones. */
    private final float[][][] initial = stateful ? new float[layout.states().names().size()][batchSize][] : null;
    /** The broadcast states looked up by key, or null (states joined onto the rows, or none). */
    private final StateTable table = stateLookup == null || stateLookup.table() == null ? null
        : stateLookup.table().value();
    /** Rows start from a previous run's states: joined onto them, or looked up in the table. */
    private final boolean continuing = layout.firstInitialStateOrdinal() >= 0 || table != null;
    /** With the sort-merge join: the last scored row's key (a copy), to tell a repeated key. */
    private Object lastKey;
    private boolean anyKey;
    private java.util.List<float[][]> finalStates;
    private int count;
    private int next;
    private int batchNumber;
    /** A bad row was recorded: the partition ends here. */
    private boolean stopped;
    /** A row read but left for the next batch (it would have taken this one past --batch-bytes), copied. */
    private InternalRow pending;

    Scoring(Iterator<InternalRow> input) {
      this.input = input;
    }

    @Override
    public boolean hasNext() {
      if (!badOut.isEmpty() || next < count) {
        return true;
      }
      fillAndScore();
      return !badOut.isEmpty() || next < count;
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      if (!badOut.isEmpty()) {
        return badOut.poll();
      }
      int i = next++;
      if (unsafeOutput != null) {
        unsafeOutput.start();
        unsafeOutput.put(0, predictions[i], 0, predictions[i].length);
        predictions[i] = null;
        if (layout.emitState()) {
          // LSTM layers come back as h then c; their columns are h, then c.
          for (int s = 0; s < states.names().size(); s++) {
            float[] state = finalStates.get(states.layerOf()[s])[i];
            int width = states.widths()[s];
            unsafeOutput.put(1 + s, state, states.cellState()[s] ? width : 0, width);
          }
        }
        return unsafeOutput.row(i);
      }
      Object[] out = kept[i];
      kept[i] = null;
      if (several != null) {
        if (layout.outputs().isEmpty()) {
          putPrediction(out, severalPredictions.get(0)[i]);
        } else {
          for (int o = 0; o < layout.outputs().size(); o++) {
            InputLayout.OutputColumn column = layout.outputs().get(o);
            float[] values = severalPredictions.get(o)[i];
            out[keptCount + o] = column.sequence() ? stepsOf(values, column.width())
                : UnsafeArrayData.fromPrimitiveArray(values);
          }
        }
        return new GenericInternalRow(out);
      }
      putPrediction(out, predictions[i]);
      predictions[i] = null;
      int firstState = keptCount + classColumns.size();
      int at = firstState;
      for (int c = 0; c < companions.size(); c++) {
        at = putPrediction(out, at, companionPredictions[c][i], companionK[c], companionValues[c],
            companionColumns.get(c), companions.get(c).outputs(), companionSequence[c]);
        companionPredictions[c][i] = null;
      }
      if (layout.emitState()) {
        // LSTM layers come back as h then c; their columns are h, then c.
        for (int s = 0; s < states.names().size(); s++) {
          float[] state = finalStates.get(states.layerOf()[s])[i];
          int width = states.widths()[s];
          int from = states.cellState()[s] ? width : 0;
          out[firstState + s] = UnsafeArrayData.fromPrimitiveArray(Arrays.copyOfRange(state, from, from + width));
        }
      }
      return new GenericInternalRow(out);
    }

    /**
     * A row's prediction columns from its K (or T×K) raw values, from {@code keptCount} on: the raw
     * vector alone, or the class outputs asked for, in their order (per step for a sequence).
     */
    private void putPrediction(Object[] out, float[] values) {
      putPrediction(out, keptCount, values, k, classValues, classColumns, layout.classOutputs(),
          layout.sequenceOutput());
    }

    /**
     * One model's prediction columns from {@code at} on (see above); returns where the next
     * columns start.
     */
    private int putPrediction(Object[] out, int at, float[] values, int k, ClassOutputValues classValues,
        java.util.List<ClassOutputs.Column> columns, ClassOutputs outputs, boolean sequence) {
      if (classValues == null) {
        out[at] = sequence ? stepsOf(values, k) : UnsafeArrayData.fromPrimitiveArray(values);
        return at + 1;
      }
      int steps = sequence ? values.length / k : 1;
      ClassOutputValues.Step[] perStep = new ClassOutputValues.Step[steps];
      for (int t = 0; t < steps; t++) {
        perStep[t] = classValues.compute(values, t * k);
      }
      for (int c = 0; c < columns.size(); c++) {
        ClassOutputs.Value value = columns.get(c).value();
        if (!sequence) {
          out[at + c] = cell(value, perStep[0], values, 0, k, outputs);
          continue;
        }
        Object[] cells = new Object[steps];
        for (int t = 0; t < steps; t++) {
          cells[t] = cell(value, perStep[t], values, t * k, k, outputs);
        }
        out[at + c] = new GenericArrayData(cells);
      }
      return at + columns.size();
    }

    /** One step's value of a class output column, as Spark stores it. */
    private Object cell(ClassOutputs.Value value, ClassOutputValues.Step step, float[] raw, int offset, int k,
        ClassOutputs outputs) {
      return switch (value) {
        case RAW -> UnsafeArrayData.fromPrimitiveArray(Arrays.copyOfRange(raw, offset, offset + k));
        case PROB -> UnsafeArrayData.fromPrimitiveArray(step.prob());
        case LABEL -> step.label();
        case LABEL_NAME -> UTF8String.fromString(outputs.classNames().get(step.label()));
        case TOP_INDICES -> UnsafeArrayData.fromPrimitiveArray(step.topIndices());
        case TOP_SCORES -> UnsafeArrayData.fromPrimitiveArray(step.topScores());
        case POSITIVE -> step.positive();
      };
    }

    private int valueCount() {
      int predictions = layout.predictionColumnCount();
      for (java.util.List<ClassOutputs.Column> columns : companionColumns) {
        predictions += columns.size();
      }
      return keptCount + predictions + (layout.emitState() ? layout.states().names().size() : 0) + reasonColumns;
    }

    /** A bad row met while filling a batch, with SKIP or KEEP: counted, and with KEEP queued to be yielded. */
    private void setAside(InternalRow row, BadRowException found) {
      BadRowException bad = named(found);
      counters.rejects.add(bad.code().code());
      if (badRows == BadRowHandling.KEEP) {
        Object[] out = keptValues.copy(row, new Object[valueCount]);
        out[out.length - 2] = org.apache.spark.unsafe.types.UTF8String.fromString(bad.code().code());
        out[out.length - 1] = org.apache.spark.unsafe.types.UTF8String.fromString(bad.reason());
        badOut.add(new GenericInternalRow(out));
      }
    }

    /**
     * The row's starting states into {@code initial} (null: zeros, no state for the key), from the
     * table or the joined columns; then the row's key into the tally. Only a row whose states
     * pass is tallied: a rejected row is not written, so it repeats no key in the output.
     */
    private void readInitialStates(InternalRow row, int slot) {
      if (table != null) {
        readFromTable(row, slot);
        return;
      }
      for (int s = 0; s < states.names().size(); s++) {
        int ordinal = layout.firstInitialStateOrdinal() + s;
        if (row.isNullAt(ordinal)) {
          initial[s][slot] = null;
          continue;
        }
        ArrayData values = row.getArray(ordinal);
        checkWidth(row, s, values.numElements());
        initial[s][slot] = checkedFinite(row, s, values.toFloatArray());
      }
      if (stateLookup != null) { // sort-merge joined: a task's keys come sorted, so a repeat is adjacent
        int ordinal = layout.keyOrdinal();
        Object key = row.isNullAt(ordinal) ? null : row.get(ordinal, layout.keyType());
        if (anyKey && java.util.Objects.equals(key, lastKey)) {
          stateLookup.tally().repeated();
        }
        lastKey = key == null ? null : InternalRow.copyValue(key);
        anyKey = true;
      }
    }

    private void readFromTable(InternalRow row, int slot) {
      int ordinal = layout.keyOrdinal();
      boolean nullKey = row.isNullAt(ordinal);
      int entry = nullKey ? -1 : table.find(row, ordinal, layout.keyType());
      for (int s = 0; s < states.names().size(); s++) {
        int length = entry < 0 ? -1 : table.length(entry, s);
        if (length < 0) {
          initial[s][slot] = null;
          continue;
        }
        checkWidth(row, s, length);
        initial[s][slot] = checkedFinite(row, s, table.state(entry, s));
      }
      KeyTally tally = stateLookup.tally();
      if (entry >= 0) {
        tally.continued(entry);
      } else if (nullKey) {
        tally.nullKey();
      } else {
        tally.unmatched(table.stringKeys() ? StateTable.keyHash(row.getUTF8String(ordinal))
            : StateTable.integralKey(row, ordinal, layout.keyType()));
      }
    }

    private void checkWidth(InternalRow row, int s, int found) {
      int width = states.widths()[s];
      if (found != width) {
        throw reader.bad(row, BadRowCode.WRONG_STATE_WIDTH, "initial state '" + states.names().get(s) + "' has "
            + found + " values, the layer has " + width + " units");
      }
    }

    private float[] checkedFinite(InternalRow row, int s, float[] state) {
      for (int i = 0; i < state.length; i++) {
        if (!Float.isFinite(state[i])) {
          throw reader.bad(row, BadRowCode.NON_FINITE, "initial state '" + states.names().get(s) + "' value " + i
              + " is " + state[i] + ", expected a finite number");
        }
      }
      return state;
    }

    /** The batch's initial states in the kernel's layout: per recurrent layer, h (then c for LSTM). */
    private java.util.List<float[][]> initialStates() {
      if (!continuing) {
        return null;
      }
      java.util.List<float[][]> perLayer = new java.util.ArrayList<>();
      for (int layer = 0; layer < states.layerCount(); layer++) {
        perLayer.add(new float[count][]);
      }
      for (int s = 0; s < states.names().size(); s++) {
        float[][] layerStates = perLayer.get(states.layerOf()[s]);
        int width = states.widths()[s];
        boolean lstm = s + 1 < states.names().size() && states.cellState()[s + 1] || states.cellState()[s];
        for (int row = 0; row < count; row++) {
          float[] value = initial[s][row];
          if (value == null) {
            continue;
          }
          if (layerStates[row] == null) {
            layerStates[row] = new float[lstm ? 2 * width : width];
          }
          System.arraycopy(value, 0, layerStates[row], states.cellState()[s] ? width : 0, width);
        }
      }
      return perLayer;
    }

    /** A row's T×K prediction as T arrays of K. */
    private ArrayData stepsOf(float[] values, int k) {
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
      if (stopped) {
        return;
      }
      if (several != null) {
        fillAndScoreSeveral();
        return;
      }
      int used = 0;
      while (count + badOut.size() < batchSize && (pending != null || input.hasNext())) {
        InternalRow row = pending != null ? pending : input.next();
        pending = null;
        int length;
        try {
          length = reader.read(row, used);
        } catch (BadRowException bad) {
          if (badRows != BadRowHandling.FAIL) {
            setAside(row, bad);
            continue;
          }
          stopAt(bad);
          return;
        }
        if (!limit.admits(count, 4L * used, 4L * length * d)) {
          // Read again as the next batch's first row: the scan reuses its row buffers, so keep a copy.
          pending = row.copy();
          break;
        }
        if (continuing) {
          try {
            readInitialStates(row, count);
          } catch (BadRowException bad) {
            if (badRows != BadRowHandling.FAIL) {
              setAside(row, bad);
              continue;
            }
            stopAt(bad);
            return;
          }
        }
        // Copies strings, arrays and structs: the scan reuses its row buffers.
        if (unsafeOutput != null) {
          unsafeOutput.keep(count, row);
        } else {
          kept[count] = keptValues.copy(row, new Object[valueCount]);
        }
        offsets[count] = used;
        lengths[count] = length;
        used += lengths[count] * d;
        count++;
      }
      if (count == 0) {
        return;
      }
      startPass();
      batchNumber++;
      try {
        injectedOutOfMemory();
        // Rows of different lengths share the batch: the kernel packs them by length.
        if (stateful) {
          ForwardPass.Result result = pass.scoreWithState(reader.values(), offsets, lengths, count, initialStates());
          predictions = result.predictions();
          finalStates = result.finalStates();
        } else {
          predictions = pass.score(reader.values(), offsets, lengths, count);
        }
        for (int c = 0; c < companions.size(); c++) {
          companionPredictions[c] = companionPasses[c].score(reader.values(), offsets, lengths, count);
        }
      } catch (OutOfMemoryError oom) {
        SparkEnv env = SparkEnv.get();
        throw new ScoringOutOfMemoryException("out of memory on executor " + (env == null ? "?" : env.executorId())
            + " scoring a batch of " + count + " rows (" + oom.getMessage() + "): lower --batch-size (now "
            + batchSize + ") or give the executors more memory (spark.executor.memory,"
            + " spark.executor.memoryOverhead; in local mode RNNSCORE_JAVA_OPTS=-Xmx...)");
      }
      // For the progress line only: a retried task counts again (the report counts the output).
      counters.rowsScored.add(count);
      counters.batches.add(1);
      injectedFailure();
    }

    /**
     * As {@link #fillAndScore} for a model of several inputs or outputs: each input read from its
     * own column at its own length, all outputs scored in one pass. No incremental state (refused
     * for such models).
     */
    private void fillAndScoreSeveral() {
      int n = several.inputs();
      if (severalOffsets == null) {
        severalOffsets = new int[n][batchSize];
        severalLengths = new int[n][batchSize];
      }
      int[] used = new int[n];
      int[] at = new int[n];
      int[] lengthsRead = new int[n];
      while (count + badOut.size() < batchSize && (pending != null || input.hasNext())) {
        InternalRow row = pending != null ? pending : input.next();
        pending = null;
        System.arraycopy(used, 0, at, 0, n);
        try {
          several.read(row, at, lengthsRead);
        } catch (BadRowException bad) {
          if (badRows != BadRowHandling.FAIL) {
            setAside(row, bad);
            continue;
          }
          stopAt(bad);
          return;
        }
        long bytesUsed = 0;
        long bytesRow = 0;
        for (int k = 0; k < n; k++) {
          bytesUsed += 4L * used[k];
          bytesRow += 4L * lengthsRead[k] * several.width(k);
        }
        if (!limit.admits(count, bytesUsed, bytesRow)) {
          pending = row.copy();
          break;
        }
        kept[count] = keptValues.copy(row, new Object[valueCount]);
        for (int k = 0; k < n; k++) {
          severalOffsets[k][count] = used[k];
          severalLengths[k][count] = lengthsRead[k];
          used[k] += lengthsRead[k] * several.width(k);
        }
        count++;
      }
      if (count == 0) {
        return;
      }
      startPass();
      batchNumber++;
      java.util.List<float[]> values = new java.util.ArrayList<>();
      for (int k = 0; k < n; k++) {
        values.add(several.values(k));
      }
      try {
        injectedOutOfMemory();
        severalPredictions = pass.scoreOutputs(values, java.util.Arrays.asList(severalOffsets),
            java.util.Arrays.asList(severalLengths), count, null);
      } catch (OutOfMemoryError oom) {
        throw outOfMemory(oom);
      }
      counters.rowsScored.add(count);
      counters.batches.add(1);
      injectedFailure();
    }

    private void startPass() {
      if (pass == null) {
        GpuDevices.requireFor(backend); // before ND4J's first use, which would try CUDA and print its failure
        Nd4jRuntime.requireBackend(backend);
        Nd4jRuntime.limitThreads(threadsPerTask);
        SparkEnv env = SparkEnv.get();
        counters.backends.add("executor " + (env == null ? "?" : env.executorId()) + ": "
            + Nd4jRuntime.backendDescription());
        pass = new ForwardPass(model.value(), kernel);
        k = pass.model().outputWidth();
        classValues = layout.rawOnly() ? null : new ClassOutputValues(layout.classOutputs(), k);
        int n = companions.size();
        companionPasses = new ForwardPass[n];
        companionK = new int[n];
        companionSequence = new boolean[n];
        companionValues = new ClassOutputValues[n];
        companionPredictions = new float[n][][];
        for (int c = 0; c < n; c++) {
          Companion companion = companions.get(c);
          companionPasses[c] = new ForwardPass(companion.model().value(), kernel);
          companionK[c] = companionPasses[c].model().outputWidth();
          companionSequence[c] = companionPasses[c].model().outputIsSequence();
          companionValues[c] = companion.outputs().isRawOnly() ? null
              : new ClassOutputValues(companion.outputs(), companionK[c]);
          companionPasses[c].kernelPaths().forEach((layer, choice) -> counters.kernelPaths.add(companion.name() + "/"
              + layer + ": " + choice));
        }
        pass.kernelPaths().forEach((layer, choice) -> counters.kernelPaths.add(layer + ": " + choice));
      }
    }

    private ScoringOutOfMemoryException outOfMemory(OutOfMemoryError oom) {
      SparkEnv env = SparkEnv.get();
      return new ScoringOutOfMemoryException("out of memory on executor " + (env == null ? "?" : env.executorId())
          + " scoring a batch of " + count + " rows (" + oom.getMessage() + "): lower --batch-size (now "
          + batchSize + ") or give the executors more memory (spark.executor.memory,"
          + " spark.executor.memoryOverhead; in local mode RNNSCORE_JAVA_OPTS=-Xmx...)");
    }

    /**
     * A bad row in fail mode: thrown, or (with {@link BadRowStop}) recorded, ending the partition
     * without a task failure that Spark would retry. The batch so far is dropped: the run fails.
     */
    private void stopAt(BadRowException found) {
      BadRowException bad = named(found);
      if (badRowsFound == null) {
        throw bad;
      }
      badRowsFound.add(bad);
      stopped = true;
      count = 0;
    }

    /** The bad row's error naming the model when several are scored in one pass. */
    private BadRowException named(BadRowException bad) {
      return modelName == null ? bad : new BadRowException("model '" + modelName + "': " + bad.getMessage(), bad.code(),
          "model '" + modelName + "': " + bad.reason());
    }

    /** Test-only hook: with the system property {@value #OOM_AT_BATCH} = n, batch n runs out of memory. */
    private void injectedOutOfMemory() {
      if (batchNumber == Integer.getInteger(OOM_AT_BATCH, -1)) {
        throw new OutOfMemoryError("Java heap space (rnnscore test hook " + OOM_AT_BATCH + "=" + batchNumber + ")");
      }
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
