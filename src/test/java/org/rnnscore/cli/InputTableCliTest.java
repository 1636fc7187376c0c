package org.rnnscore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** score and validate with --input-table / --where, and the option mistakes (exit 2). */
class InputTableCliTest {
  static final Path SAMPLE = Path.of(System.getProperty("rnnscore.sample.dir", "sample-data"));
  static final String H5 = SAMPLE.resolve("model.h5").toString();

  @TempDir
  Path dir;

  /**
   * The CLI starts its own session, whose catalog is in-memory here (no metastore on the test
   * classpath): a table is looked up in it and, missing, named with what to do. Reading a table's
   * rows is tested on the job ({@code org.rnnscore.job.InputTableTest}) with the test's catalog.
   */
  @Test
  void scoreAndValidate_lookTheTableUpInTheCatalog_andNameAMissingOne() {
    for (String command : new String[] {"score", "validate"}) {
      CliRun run = command.equals("score")
          ? CliRun.of("score", "--model", H5, "--input-table", "nightly.events", "--where", "day = 1", "--output",
              dir.resolve("out").toString(), "--quiet")
          : CliRun.of("validate", "--model", H5, "--input-table", "nightly.events");
      assertEquals(2, run.code(), run.err());
      assertTrue(run.err().startsWith("rnnscore: --input-table nightly.events: [TABLE_OR_VIEW_NOT_FOUND]"), run.err());
      assertTrue(run.err().contains("the session catalog is in-memory (no metastore), so it holds only the tables this"
          + " run made: use a metastore (--conf spark.sql.catalogImplementation=hive)"), run.err());
    }
  }

  @Test
  void bothOrNeitherInput_isExit2() {
    CliRun both = CliRun.of("score", "--model", H5, "--input", SAMPLE.resolve("input.parquet").toString(),
        "--input-table", "t", "--output", dir.resolve("x").toString(), "--quiet");
    assertEquals(2, both.code(), both.err());
    assertTrue(both.err().startsWith("rnnscore: give --input PATH or --input-table DB.TABLE, not both"), both.err());
    CliRun neither = CliRun.of("validate", "--model", H5);
    assertEquals(2, neither.code(), neither.err());
    assertTrue(neither.err().startsWith("rnnscore: give --input PATH or --input-table DB.TABLE"), neither.err());
  }
}
