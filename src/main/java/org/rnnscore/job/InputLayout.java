package org.rnnscore.job;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.rnnscore.model.StepMinimum;

/**
 * Where a partition finds things in the projected input row: the kept columns first (ordinals
 * 0…keptCount−1, passed through), then the key column when it is not kept, then the sequence.
 * Built on the driver from the checked schema; shipped to every task.
 *
 * @param flat the sequence is one {@code array<float>} of T·D values rather than T arrays of D
 * @param tokens the sequence is one {@code array<int>} of T token ids (the model starts with an Embedding)
 * @param vocabulary for tokens: ids must lie in [0, vocabulary)
 * @param requiredTimesteps T every row must have (0: any length)
 * @param requiredBy why rows need that length, for messages ("--timesteps 10", "the model's Flatten")
 * @param sequenceOutput the prediction is one K-vector per timestep
 * @param keyOrdinal the key's ordinal in the projected row, or −1 when rows have no key
 * @param states the model's state columns when scoring incrementally, else null
 * @param emitState write the final states after the prediction
 * @param firstInitialStateOrdinal where the joined initial-state columns start (one per state
 *     column, after the sequence), or −1 when rows start from zeros
 * @param sourceFileOrdinal the row's file (string), or −1 when rows are not from one file
 *     (grouped events); the source row index (long) follows it
 * @param stepMinimums the shortest rows the model's layers give steps for (Conv1D, pooling); a
 *     shorter row is {@code too_short}
 * @param frame each step's image frame (a per-step image model), or null: a nested column is then
 *     T × H × W × C, a flat one T·H·W·C values
 * @param extraInputs a model of several inputs: inputs 1… (input 0 is the features column above),
 *     each its own column of array&lt;array&lt;float&gt;&gt;; empty for one input
 * @param outputs a model of several outputs: one prediction column each, in the model's order;
 *     empty for one output (the single prediction column)
 * @param equalLengthsFor for several inputs, the layer that merges their sequences step by step
 *     ("layer 'add' (Add)"), so that a row's input columns need one length; else null
 * @param classOutputs what the (one output's) prediction columns hold, checked against the model
 * @param tableLabel "table db.t" when the rows come from --input-table (a bad row's message names
 *     it before the file), else null
 */
public record InputLayout(
    String featuresColumn,
    int featuresOrdinal,
    boolean flat,
    boolean tokens,
    int vocabulary,
    int requiredTimesteps,
    String requiredBy,
    boolean sequenceOutput,
    int features,
    int keptCount,
    DataType[] keptTypes,
    String keyColumn,
    int keyOrdinal,
    DataType keyType,
    StateColumns states,
    boolean emitState,
    int firstInitialStateOrdinal,
    int sourceFileOrdinal,
    List<StepMinimum> stepMinimums,
    org.rnnscore.model.Frame frame,
    List<ExtraInput> extraInputs,
    List<OutputColumn> outputs,
    String equalLengthsFor,
    org.rnnscore.model.ClassOutputs classOutputs,
    String tableLabel)
    implements Serializable {
  /** Input {@code index} of the model read from {@code column}, projected at {@code ordinal}. */
  public record ExtraInput(int index, String input, String column, int ordinal, int width,
      List<StepMinimum> stepMinimums) implements Serializable {}

  /** One output's prediction column: its width K and whether it is one K-vector per step. */
  public record OutputColumn(String column, int width, boolean sequence) implements Serializable {}

  /** Whether rows go through the path for several inputs or outputs (not the common one-to-one path). */
  public boolean several() {
    return !extraInputs.isEmpty() || !outputs.isEmpty();
  }

  /** The layout an extra input's reader sees: its column as the (nested) sequence, no length rule of input 0. */
  InputLayout forExtra(ExtraInput extra) {
    return new InputLayout(extra.column(), extra.ordinal(), false, false, 0, 0, null, sequenceOutput, extra.width(),
        keptCount, keptTypes, keyColumn, keyOrdinal, keyType, states, emitState, firstInitialStateOrdinal,
        sourceFileOrdinal, extra.stepMinimums(), null, List.of(), outputs, null,
        classOutputs, tableLabel);
  }

  /** The prediction columns a row gets: one per output of a model of several, else one per class output. */
  public int predictionColumnCount() {
    return !outputs.isEmpty() ? outputs.size() : classOutputs.columns("").size();
  }

  /** Whether a row's prediction columns are the raw vector alone (the common, fastest path). */
  public boolean rawOnly() {
    return classOutputs.isRawOnly();
  }

  /** Whether rows carry their file and index in it. */
  public boolean hasSource() {
    return sourceFileOrdinal >= 0;
  }

  public int sourceRowOrdinal() {
    return sourceFileOrdinal + 1;
  }
}
