package org.rnnscore.cli;

import org.rnnscore.job.InputSource;
import org.rnnscore.model.UsageException;
import picocli.CommandLine.Option;

/** Where score and validate read rows: --input PATH or --input-table DB.TABLE, and --where on either. */
final class InputOptions {
  @Option(names = "--input", paramLabel = "PATH", description = "Parquet file, directory or glob.")
  String input;

  @Option(names = "--input-table", paramLabel = "DB.TABLE",
      description = "A catalog table instead of --input (a metastore or a configured catalog).")
  String inputTable;

  @Option(names = "--where", paramLabel = "SQL",
      description = "Score only the rows this Spark SQL predicate keeps (pushed to the scan), e.g. \"day = '2026-12-01'\".")
  String where;

  /** @throws UsageException unless exactly one of --input and --input-table is given */
  InputSource source() {
    if ((input == null) == (inputTable == null)) {
      throw new UsageException(input == null ? "give --input PATH or --input-table DB.TABLE"
          : "give --input PATH or --input-table DB.TABLE, not both");
    }
    return new InputSource(inputTable, where);
  }

  /** What messages call the input: the path, or "table db.t". */
  String label() {
    return inputTable != null ? InputSource.label(inputTable) : input;
  }
}
