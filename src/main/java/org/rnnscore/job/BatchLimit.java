package org.rnnscore.job;

import java.io.Serializable;

/**
 * When a batch is full: at {@code rows} rows (--batch-size) or at {@code bytes} bytes of input
 * values (--batch-bytes), whichever comes first — one row of a per-step image model can be a
 * megabyte, so a row count alone does not bound a batch's memory. A row that would take the
 * batch past the byte cap starts the next batch; a single row larger than the cap is still
 * scored, alone in its batch (the cap bounds batches, it does not refuse rows).
 */
record BatchLimit(int rows, long bytes) implements Serializable {
  BatchLimit {
    if (rows < 1 || bytes < 1) {
      throw new IllegalArgumentException("a batch limit of " + rows + " rows and " + bytes + " bytes");
    }
  }

  /**
   * Whether a row of {@code rowBytes} joins a batch that holds {@code count} rows of {@code used}
   * bytes so far: always into an empty batch, else while both caps hold with it.
   */
  boolean admits(int count, long used, long rowBytes) {
    return count == 0 || count < rows && used + rowBytes <= bytes;
  }
}
