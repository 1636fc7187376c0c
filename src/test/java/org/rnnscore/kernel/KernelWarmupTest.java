package org.rnnscore.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rnnscore.model.RnnModel;

class KernelWarmupTest {
  @Test
  void start_scoresSyntheticBatchesUntilStopped_thenTheThreadEnds() throws Exception {
    RnnModel model = ModelSpec.build("lstm(7) > dense(3)", 1, 5, 0);
    KernelWarmup warmup = KernelWarmup.start(model, KernelPath.AUTO, 60_000);
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (warmup.batches() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    warmup.stop();
    warmup.join();
    assertTrue(warmup.batches() > 0, "the warm-up scored no batch in 30 s");
  }

  @Test
  void start_budgetEndsTheWarmupWithoutStop() throws Exception {
    long start = System.nanoTime();
    KernelWarmup warmup = KernelWarmup.start(ModelSpec.build("gru(4) > dense(2)", 2, 3, 6), KernelPath.AUTO, 200);
    warmup.join(); // no stop(): the 200 ms budget (plus the batch under way) ends it
    double seconds = (System.nanoTime() - start) / 1e9;
    assertTrue(seconds < 20, "the warm-up ran " + seconds + " s on a 200 ms budget");
  }

  @Test
  void start_modelTheSyntheticRowsDoNotFit_endsQuietlyWithoutScoring() throws Exception {
    // An Embedding reads token ids; 0.5 is none, so the pass refuses the rows: the warm-up just ends.
    RnnModel embedded = ModelSpec.build("embedding(10,4) > simple(3) > dense(1)", 3, 1, 5);
    KernelWarmup warmup = KernelWarmup.start(embedded, KernelPath.AUTO, 60_000);
    warmup.join();
    assertEquals(0, warmup.batches());
  }

  @Test
  void scoringWhileAWarmupRuns_givesTheSameResultsAsAlone() throws Exception {
    // Local-mode tasks score in the JVM the warm-up runs in: no state may be shared between passes.
    RnnModel model = ModelSpec.build("simple(17) > dense(3)", 4, 8, 0);
    int rows = 300;
    int steps = 12;
    float[] values = new float[rows * steps * 8];
    Random random = new Random(5);
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian();
    }
    int[] offsets = new int[rows];
    int[] lengths = new int[rows];
    for (int r = 0; r < rows; r++) {
      offsets[r] = r * steps * 8;
      lengths[r] = 1 + r % steps;
    }
    float[][] alone = new ForwardPass(model).score(values, offsets, lengths, rows);
    KernelWarmup warmup = KernelWarmup.start(model, KernelPath.AUTO, 60_000);
    try {
      for (int repeat = 0; repeat < 50; repeat++) {
        float[][] beside = new ForwardPass(model).score(values, offsets, lengths, rows);
        for (int r = 0; r < rows; r++) {
          assertArrayEquals(alone[r], beside[r], "row " + r + ", repeat " + repeat);
        }
      }
    } finally {
      warmup.stop();
      warmup.join();
    }
  }
}
