package org.rnnscore.job;

import org.apache.spark.sql.catalyst.InternalRow;

/**
 * Reads one row of a model of several inputs: each input from its own column, with its own
 * length, into its own buffer ({@link SequenceReader} per input, each naming its column in a bad
 * row's reason). Kept apart from the one-input path, which reads one column with no such loop.
 */
final class SeveralInputsReader {
  private final SequenceReader[] readers;
  private final int[] widths;
  private final InputLayout layout;

  SeveralInputsReader(InputLayout layout, int batchSize) {
    this.layout = layout;
    int n = 1 + layout.extraInputs().size();
    readers = new SequenceReader[n];
    widths = new int[n];
    readers[0] = layout.extraInputs().isEmpty() ? new SequenceReader(layout, batchSize)
        : new SequenceReader(layout, batchSize, layout.featuresColumn());
    widths[0] = layout.features();
    for (InputLayout.ExtraInput extra : layout.extraInputs()) {
      readers[extra.index()] = new SequenceReader(layout.forExtra(extra), batchSize, extra.column());
      widths[extra.index()] = extra.width();
    }
  }

  int inputs() {
    return readers.length;
  }

  int width(int input) {
    return widths[input];
  }

  float[] values(int input) {
    return readers[input].values();
  }

  SequenceReader primary() {
    return readers[0];
  }

  /**
   * Reads the row's every input, input k at {@code at[k]} of its buffer, its steps into {@code lengths[k]}.
   *
   * @throws BadRowException from the first input column that cannot be scored
   */
  void read(InternalRow row, int[] at, int[] lengths) {
    for (int k = 0; k < readers.length; k++) {
      lengths[k] = readers[k].read(row, at[k]);
    }
    String merge = layout.equalLengthsFor();
    if (merge != null) {
      for (int k = 1; k < readers.length; k++) {
        if (lengths[k] != lengths[0]) {
          throw readers[0].bad(row, BadRowCode.WRONG_LENGTH, "has " + lengths[0] + " timesteps but column '"
              + layout.extraInputs().get(k - 1).column() + "' has " + lengths[k] + "; " + merge
              + " merges their sequences step by step, so a row's inputs need one length");
        }
      }
    }
  }
}
