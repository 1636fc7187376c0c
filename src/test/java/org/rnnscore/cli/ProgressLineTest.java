package org.rnnscore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProgressLineTest {
  @Test
  void line_partway_showsCountShareRateElapsedAndEta() {
    assertEquals("rnnscore: 250,000 / 1,000,000 rows (25%), 50,000 rows/s, 5 s elapsed, ETA 15 s",
        ProgressLine.line(250_000, 1_000_000, 5.0));
  }

  @Test
  void line_nothingYetOrDone_noEta() {
    assertEquals("rnnscore: 0 / 10 rows (0%), 0 rows/s, 0 s elapsed, ETA -", ProgressLine.line(0, 10, 0.0));
    assertEquals("rnnscore: 10 / 10 rows (100%), 5 rows/s, 2 s elapsed, ETA -", ProgressLine.line(10, 10, 2.0));
  }
}
