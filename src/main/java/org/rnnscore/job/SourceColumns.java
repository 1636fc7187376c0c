package org.rnnscore.job;

import static org.apache.spark.sql.functions.col;

import java.util.Arrays;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Where each input row came from: the file and the row's 0-based index in it, taken from the
 * Parquet scan's hidden {@code _metadata} column right after the read, so that a bad row is named
 * even when it has no key (or a null one) and the rejects say where to look. They travel as two
 * internal columns that are never written to the output.
 */
final class SourceColumns {
  /** Columns rnnscore adds for itself start with this; they are never kept or written. */
  static final String INTERNAL_PREFIX = "__rnnscore_";
  static final String FILE = INTERNAL_PREFIX + "source_file";
  static final String ROW = INTERNAL_PREFIX + "source_row";
  /** The rejects' columns that carry them. */
  static final String REJECTS_FILE = "source_file";
  static final String REJECTS_ROW = "source_row";

  private SourceColumns() {}

  /**
   * The input with its source columns, or as it is when its scan has no {@code _metadata} (a user
   * column of that name hides Spark's).
   */
  static Dataset<Row> attach(Dataset<Row> input) {
    if (Arrays.asList(input.columns()).contains("_metadata")) {
      return input;
    }
    return input.select(col("*"), col("_metadata.file_path").as(FILE), col("_metadata.row_index").as(ROW));
  }
}
