package org.rnnscore.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnscore.kernel.ForwardPass;
import org.rnnscore.kernel.ReferenceForwardPass;
import org.rnnscore.model.Activation;
import org.rnnscore.model.GruLayer;
import org.rnnscore.model.LstmLayer;
import org.rnnscore.model.RecurrentLayer;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.SimpleRnnLayer;
import org.rnnscore.model.WeightArray;

/** bench's cells: the models as the peers build theirs, FLOPs per row, and the kernel-only JSON entries. */
class BenchmarkCellsTest {
  private static final Benchmark.Shape S1 = new Benchmark.Shape("S1", 0, 20, 8, 32, 3);
  private static final Benchmark.Shape ODD = new Benchmark.Shape("odd", 0, 3, 1, 7, 1);

  @TempDir
  Path dir;

  @Test
  void flopsPerRow_countsTheGates() {
    // T·(2DM + 2M²) + 2MK with T 20, D 8, M 32, K 3: 2DM + 2M² = 512 + 2048 = 2560.
    assertEquals(20 * 2560 + 192, S1.flopsPerRow("simple_rnn"));
    assertEquals(S1.flopsPerRow("simple_rnn"), S1.flopsPerRow());
    assertEquals(20 * (4 * 2560 + 4 * 32) + 192, S1.flopsPerRow("lstm"));
    assertEquals(20 * (3 * 2560 + 5 * 32) + 192, S1.flopsPerRow("gru"));
    assertThrows(IllegalArgumentException.class, () -> S1.flopsPerRow("rnn"));
  }

  @Test
  void models_configuredAsThePeers() {
    RecurrentLayer simple = Benchmark.model(S1, "simple_rnn").recurrent();
    assertInstanceOf(SimpleRnnLayer.class, simple);
    assertEquals(Activation.TANH, simple.activation());
    // The SimpleRNN model is the one bench always had (LauncherIT writes it as a Keras file).
    assertArrayEquals(Benchmark.model(S1).recurrent().kernel().data(), simple.kernel().data());

    LstmLayer lstm = (LstmLayer) Benchmark.model(S1, "lstm").recurrent();
    assertEquals(Activation.TANH, lstm.activation());
    assertEquals(Activation.SIGMOID, lstm.recurrentActivation());
    assertArrayEquals(new int[] {8, 128}, lstm.kernel().shape());
    assertArrayEquals(new int[] {32, 128}, lstm.recurrentKernel().shape());
    assertArrayEquals(new int[] {128}, lstm.bias().orElseThrow().shape());
    assertFalse(lstm.returnSequences());
    assertFalse(lstm.goBackwards());

    GruLayer gru = (GruLayer) Benchmark.model(S1, "gru").recurrent();
    assertTrue(gru.resetAfter());
    assertEquals(Activation.TANH, gru.activation());
    assertEquals(Activation.SIGMOID, gru.recurrentActivation());
    assertArrayEquals(new int[] {8, 96}, gru.kernel().shape());
    assertArrayEquals(new int[] {32, 96}, gru.recurrentKernel().shape());
    assertArrayEquals(new int[] {2, 96}, gru.bias().orElseThrow().shape());

    for (RecurrentLayer layer : List.<RecurrentLayer>of(lstm, gru)) {
      assertUniform(layer.kernel(), 0.3);
      assertUniform(layer.recurrentKernel(), 0.3);
      assertUniform(layer.bias().orElseThrow(), 0.1);
    }
    assertThrows(IllegalArgumentException.class, () -> Benchmark.model(S1, "LSTM"));
  }

  /** Inside ±bound, and spread over it (not Gaussian-scaled, not a constant). */
  private static void assertUniform(WeightArray weights, double bound) {
    double max = 0;
    for (float v : weights.data()) {
      assertTrue(Math.abs(v) <= bound, weights.name() + " value " + v + " outside ±" + bound);
      max = Math.max(max, Math.abs(v));
    }
    assertTrue(max > 0.8 * bound, weights.name() + " max |v| " + max);
  }

  @Test
  void models_scoreAsTheReference_onAnOddShape() {
    for (String cell : Benchmark.CELLS) {
      RnnModel model = Benchmark.model(ODD, cell);
      int batch = 5;
      float[] rows = Benchmark.kernelInput(ODD, batch);
      float[] predictions = new float[batch * ODD.outputs()];
      new ForwardPass(model).score(rows, batch, ODD.timesteps(), predictions);
      double[][][] input = new double[batch][ODD.timesteps()][ODD.features()];
      for (int b = 0; b < batch; b++) {
        for (int t = 0; t < ODD.timesteps(); t++) {
          for (int d = 0; d < ODD.features(); d++) {
            input[b][t][d] = rows[(b * ODD.timesteps() + t) * ODD.features() + d];
          }
        }
      }
      double[][] expected = ReferenceForwardPass.forward(model, input);
      for (int b = 0; b < batch; b++) {
        assertEquals(expected[b][0], predictions[b], 1e-5, cell + " row " + b);
      }
    }
  }

  @Test
  void run_kernelOnly_oneEntryPerShapeAndCellWithTheCellsFigures() throws Exception {
    StringWriter progress = new StringWriter();
    Benchmark.Options options = new Benchmark.Options(List.of("S2"), List.of("gru", "simple_rnn", "lstm"), 1.0, 3,
        dir, false, true, 16, 0.01, 0.01);
    List<Map<String, Object>> results = Benchmark.run(null, options, new PrintWriter(progress, true));

    assertEquals(3, results.size(), results.toString());
    // Measured in CELLS' order whatever the order asked.
    assertEquals(List.of("simple_rnn", "lstm", "gru"), results.stream().map(r -> r.get("cell")).toList());
    Benchmark.Shape s2 = Benchmark.SHAPES.get(1);
    for (Map<String, Object> r : results) {
      String cell = (String) r.get("cell");
      assertEquals("S2", r.get("shape"));
      assertEquals(List.of("shape", "cell", "rows", "T", "D", "M", "K", "flops_per_row"),
          r.keySet().stream().limit(8).toList());
      assertEquals(s2.flopsPerRow(cell), r.get("flops_per_row"));
      double rows = ((Number) r.get("kernel_rows_per_s")).doubleValue();
      assertTrue(rows > 0, cell + ": " + r);
      assertEquals(rows * s2.flopsPerRow(cell) / 1e9, ((Number) r.get("kernel_gflops")).doubleValue(), 1e-9 * rows);
      assertTrue(r.containsKey("sgemm_gflops") && r.containsKey("kernel_vs_sgemm"), r.toString());
      assertTrue(r.containsKey("peak_rss_mib_so_far"), r.toString());
      assertFalse(r.containsKey("e2e_rows_per_s"), r.toString());
      boolean simple = cell.equals("simple_rnn");
      assertEquals(simple, r.containsKey("per_sample_loop_rows_per_s"), cell + ": " + r);
      assertEquals(simple, r.containsKey("kernel_vs_loop"), cell + ": " + r);
    }
    assertTrue(progress.toString().contains("bench S2 lstm: kernel...\n"), progress.toString());
  }

  @Test
  void run_oneCell_onlyThatCell() throws Exception {
    Benchmark.Options options = new Benchmark.Options(List.of("S2"), List.of("lstm"), 1.0, 3, dir, false, true, 8,
        0.0, 0.0);
    List<Map<String, Object>> results = Benchmark.run(null, options, new PrintWriter(new StringWriter()));
    assertEquals(1, results.size());
    assertEquals("lstm", results.get(0).get("cell"));
  }
}
