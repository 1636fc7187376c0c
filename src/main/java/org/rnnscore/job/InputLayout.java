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
    org.rnnscore.model.Frame frame)
    implements Serializable {
  /** Whether rows carry their file and index in it. */
  public boolean hasSource() {
    return sourceFileOrdinal >= 0;
  }

  public int sourceRowOrdinal() {
    return sourceFileOrdinal + 1;
  }
}
