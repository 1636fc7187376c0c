package org.rnnscore.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rnnscore.model.Frame;
import org.rnnscore.model.UsageException;

/** --batch-bytes: its parsing, and the batching decision it feeds (rows, bytes, and the one oversized row). */
class BatchLimitTest {
  @Test
  void parseBytes_sizesWithUnits() {
    assertEquals(64L << 20, ScoreOptions.parseBytes("--batch-bytes", "64m"));
    assertEquals(1L << 30, ScoreOptions.parseBytes("--batch-bytes", "1g"));
    assertEquals(1L << 30, ScoreOptions.parseBytes("--batch-bytes", "1GB"));
    assertEquals(512L << 10, ScoreOptions.parseBytes("--batch-bytes", "512k"));
    assertEquals(67108864L, ScoreOptions.parseBytes("--batch-bytes", "67108864"));
    assertEquals(ScoreOptions.DEFAULT_BATCH_BYTES, ScoreOptions.parseBytes("--batch-bytes", "64m"));
  }

  @Test
  void parseBytes_otherText_usageErrorQuotingIt() {
    for (String bad : new String[] {"", "m", "64q", "-1m", "1.5g", "0", "64 mb x"}) {
      UsageException e = assertThrows(UsageException.class, () -> ScoreOptions.parseBytes("--batch-bytes", bad));
      assertTrue(e.getMessage().startsWith("--batch-bytes must be"), e.getMessage());
      assertTrue(e.getMessage().endsWith("got '" + bad + "'"), e.getMessage());
    }
  }

  @Test
  void parseFrame_threeIntegers() {
    assertEquals(new Frame(32, 28, 3), ScoreOptions.parseFrame("--frame-shape", "32,28,3"));
    assertEquals("--frame-shape must be H,W,C (three positive integers, e.g. 32,32,3), got '32,0,3'",
        assertThrows(UsageException.class, () -> ScoreOptions.parseFrame("--frame-shape", "32,0,3")).getMessage());
    assertThrows(UsageException.class, () -> ScoreOptions.parseFrame("--frame-shape", "32,32"));
  }

  @Test
  void admits_closesAtTheRowCapOrTheByteCap() {
    BatchLimit limit = new BatchLimit(3, 1000);
    assertTrue(limit.admits(0, 0, 400));
    assertTrue(limit.admits(1, 400, 400));
    assertFalse(limit.admits(2, 800, 400), "800 + 400 bytes exceed the 1000-byte cap");
    assertTrue(limit.admits(2, 800, 200), "exactly the cap is admitted");
    assertFalse(limit.admits(3, 300, 100), "the row cap");
  }

  @Test
  void admits_aRowLargerThanTheCap_aloneInItsBatch() {
    BatchLimit limit = new BatchLimit(1024, 1 << 20);
    assertTrue(limit.admits(0, 0, 5L << 20), "an empty batch takes any row");
    assertFalse(limit.admits(1, 5L << 20, 4), "and then is full");
    assertFalse(limit.admits(1, 100, 5L << 20), "it does not join a batch that has rows");
  }

  @Test
  void scoreOptions_batchBytesBelowOne_refused() {
    UsageException e = assertThrows(UsageException.class, () -> new ScoreOptions("in", "out", "features", 0, null,
        "prediction", null, ScoreOptions.WriteMode.ERROR, 8, 0, null, org.rnnscore.kernel.Nd4jRuntime.Backend.AUTO,
        null, null, 0));
    assertEquals("--batch-bytes must be at least 1 byte, got 0", e.getMessage());
  }
}
