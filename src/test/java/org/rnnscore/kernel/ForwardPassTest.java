package org.rnnscore.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnnscore.model.Activation;
import org.rnnscore.model.DenseLayer;
import org.rnnscore.model.Layer;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.SimpleRnnLayer;
import org.rnnscore.model.WeightArray;

class ForwardPassTest {
  /*
   * Tolerance: |float32 kernel - double reference| <= ABS_TOL + REL_TOL * |reference|.
   * The kernel stores weights, inputs and every hidden state in float32 (unit roundoff 6e-8) and
   * accumulates dot products of length D + M (up to ~40 here) in float32, so each step adds an
   * error of order (D + M) · 6e-8 · |terms| ≈ 1e-6 at most. The test weights keep the recurrence
   * contractive (or saturated), so those errors do not grow over T steps but settle at a small
   * multiple of one step's error, even for T = 500; the Dense layers add a few more roundings.
   * 1e-5 absolute covers that with margin near zero, 1e-4 relative covers large outputs
   * (exponential, log_softmax of peaked rows). A real indexing or recurrence bug gives errors
   * of order 1e-1 or more.
   */
  private static final double ABS_TOL = 1e-5;
  private static final double REL_TOL = 1e-4;

  /** One randomly drawn model and batch. */
  record Case(long seed, int batch, int timesteps, int d, int m, int[] dense, Activation rnnActivation,
      Activation[] denseActivations, boolean rnnBias, boolean[] denseBias, double wxScale, double whScale,
      double biasScale) {

    static Case of(long seed, int batch, int timesteps, int d, int m, int... dense) {
      Activation[] acts = new Activation[dense.length];
      Arrays.fill(acts, Activation.LINEAR);
      boolean[] bias = new boolean[dense.length];
      Arrays.fill(bias, true);
      return new Case(seed, batch, timesteps, d, m, dense, Activation.TANH, acts, true, bias, 1.0, 0.5, 0.5);
    }

    Case rnn(Activation a) {
      return new Case(seed, batch, timesteps, d, m, dense, a, denseActivations, rnnBias, denseBias, wxScale, whScale,
          biasScale);
    }

    /** Sets the activation of every Dense layer (the last one is the output layer). */
    Case denseActs(Activation... a) {
      return new Case(seed, batch, timesteps, d, m, dense, rnnActivation, a, rnnBias, denseBias, wxScale, whScale,
          biasScale);
    }

    Case output(Activation a) {
      Activation[] acts = denseActivations.clone();
      acts[acts.length - 1] = a;
      return denseActs(acts);
    }

    Case biases(boolean rnn, boolean... denseFlags) {
      return new Case(seed, batch, timesteps, d, m, dense, rnnActivation, denseActivations, rnn, denseFlags, wxScale,
          whScale, biasScale);
    }

    Case scales(double wx, double wh, double b) {
      return new Case(seed, batch, timesteps, d, m, dense, rnnActivation, denseActivations, rnnBias, denseBias, wx, wh,
          b);
    }

    RnnModel model() {
      Random rnd = new Random(seed);
      List<Layer> layers = new ArrayList<>();
      // Wx entries ±wxScale/√D, Wh entries ±whScale/√M: spectral radius about whScale/√3.
      layers.add(new SimpleRnnLayer("simple_rnn", m, weight(rnd, "kernel", wxScale / Math.sqrt(d), d, m),
          weight(rnd, "recurrent_kernel", whScale / Math.sqrt(m), m, m),
          rnnBias ? weight(rnd, "bias", biasScale, m) : null, rnnActivation));
      int in = m;
      for (int i = 0; i < dense.length; i++) {
        layers.add(new DenseLayer("dense_" + i, dense[i], weight(rnd, "kernel", 1.5 / Math.sqrt(in), in, dense[i]),
            denseBias[i] ? weight(rnd, "bias", 0.5, dense[i]) : null, denseActivations[i]));
        in = dense[i];
      }
      return new RnnModel("input", timesteps, layers);
    }

    /** Batch-major inputs in [-1, 1), drawn after the model from a second stream. */
    float[] input() {
      return randomFloats(new Random(seed * 31 + 7), batch * timesteps * d, 1.0);
    }

    @Override
    public String toString() {
      return "seed=" + seed + " B=" + batch + " T=" + timesteps + " D=" + d + " M=" + m + " dense="
          + Arrays.toString(dense) + " rnn=" + rnnActivation.kerasName() + " denseActs="
          + Arrays.toString(Arrays.stream(denseActivations).map(Activation::kerasName).toArray()) + " rnnBias=" + rnnBias
          + " denseBias=" + Arrays.toString(denseBias) + " scales=" + wxScale + "/" + whScale + "/" + biasScale;
    }
  }

  static WeightArray weight(Random rnd, String name, double scale, int... shape) {
    int size = 1;
    for (int s : shape) {
      size *= s;
    }
    return new WeightArray(name, shape, randomFloats(rnd, size, scale));
  }

  static float[] randomFloats(Random rnd, int n, double scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
    }
    return v;
  }

  static double[][][] toNested(float[] rows, int batch, int timesteps, int d) {
    double[][][] x = new double[batch][timesteps][d];
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < timesteps; t++) {
        for (int i = 0; i < d; i++) {
          x[b][t][i] = rows[(b * timesteps + t) * d + i];
        }
      }
    }
    return x;
  }

  static void assertClose(double[][] expected, float[] actual, int k, String what) {
    for (int b = 0; b < expected.length; b++) {
      assertEquals(k, expected[b].length, what + ": reference width");
      for (int j = 0; j < k; j++) {
        double e = expected[b][j];
        double a = actual[b * k + j];
        assertTrue(Double.isFinite(e), what + ": reference row " + b + " value " + j + " is " + e + " (bad test case)");
        double tol = ABS_TOL + REL_TOL * Math.abs(e);
        assertTrue(Math.abs(a - e) <= tol,
            what + ": row " + b + " value " + j + ": kernel " + a + ", reference " + e + ", |diff| " + Math.abs(a - e)
                + " > tolerance " + tol);
      }
    }
  }

  /** Scores the case with a fresh ForwardPass and with the reference, and compares. */
  static void check(Case c) {
    RnnModel model = c.model();
    float[] rows = c.input();
    float[] predictions = new float[c.batch() * model.outputWidth()];
    new ForwardPass(model).score(rows, c.batch(), c.timesteps(), predictions);
    double[][] expected = ReferenceForwardPass.forward(model, toNested(rows, c.batch(), c.timesteps(), c.d()));
    assertClose(expected, predictions, model.outputWidth(), c.toString());
  }

  static Arguments named(Case c) {
    return Arguments.of(Named.of(c.toString(), c));
  }

  static Stream<Arguments> shapes() {
    List<Case> cases = new ArrayList<>();
    cases.add(Case.of(1, 4, 10, 3, 5, 2)); // the seeds' shape
    cases.add(Case.of(2, 64, 10, 3, 5, 2));
    cases.add(Case.of(3, 1, 1, 1, 1, 1)); // everything 1
    cases.add(Case.of(4, 1, 10, 3, 5, 2)); // B = 1
    cases.add(Case.of(5, 9, 1, 3, 5, 2)); // T = 1
    cases.add(Case.of(6, 9, 8, 1, 5, 2)); // D = 1
    cases.add(Case.of(7, 9, 8, 3, 1, 2)); // M = 1
    cases.add(Case.of(8, 9, 8, 3, 5, 1)); // K = 1
    cases.add(Case.of(9, 37, 13, 7, 19, 3)); // odd sizes
    cases.add(Case.of(10, 37, 13, 7, 19, 3).rnn(Activation.RELU).output(Activation.SOFTMAX));
    cases.add(Case.of(11, 8, 500, 4, 16, 3)); // long T
    cases.add(Case.of(12, 5, 500, 3, 5, 2).rnn(Activation.RELU));
    cases.add(Case.of(13, 3, 777, 2, 7, 1).rnn(Activation.SIGMOID).output(Activation.SIGMOID));
    cases.add(Case.of(14, 11, 6, 3, 5, 8, 6, 3).denseActs(Activation.RELU, Activation.TANH, Activation.SOFTMAX));
    cases.add(Case.of(15, 11, 6, 3, 5, 4, 4, 4, 4, 2)
        .denseActs(Activation.SELU, Activation.GELU, Activation.ELU, Activation.SWISH, Activation.LINEAR));
    cases.add(Case.of(16, 7, 9, 4, 6)); // no Dense layer: the prediction is h_T
    cases.add(Case.of(17, 7, 9, 4, 6, 3).rnn(Activation.SIGMOID).output(Activation.SOFTPLUS)); // h_T > 0, Dense
    cases.add(Case.of(18, 40, 33, 17, 40, 10).output(Activation.LOG_SOFTMAX));
    cases.add(Case.of(19, 65, 3, 2, 2, 2)); // B > M·K: wide batches
    return cases.stream().map(ForwardPassTest::named);
  }

  @ParameterizedTest
  @MethodSource("shapes")
  void score_randomShapes_matchesReference(Case c) {
    check(c);
  }

  static Stream<Arguments> withoutBias() {
    Case base = Case.of(20, 13, 7, 3, 6, 5, 4).denseActs(Activation.TANH, Activation.LINEAR);
    return Stream.of(
        base.biases(false, true, true),
        base.biases(true, false, true),
        base.biases(true, true, false),
        base.biases(false, false, false),
        Case.of(21, 13, 7, 3, 6).biases(false),
        // Without a bias and with an odd activation, h stays 0 for a zero input: not a degenerate case
        // here since the inputs are random, but relu without bias exercises the all-zero branch often.
        Case.of(22, 13, 7, 3, 6, 2).rnn(Activation.RELU).biases(false, false))
        .map(ForwardPassTest::named);
  }

  @ParameterizedTest
  @MethodSource("withoutBias")
  void score_useBiasFalse_matchesReference(Case c) {
    check(c);
  }

  static Stream<Arguments> saturating() {
    // Large input kernel and bias: |pre-activation| is mostly >> 1, so tanh/sigmoid sit at their limits.
    return Stream.of(Activation.TANH, Activation.SIGMOID, Activation.SOFTSIGN, Activation.HARD_SIGMOID_KERAS2,
            Activation.HARD_SIGMOID_KERAS3)
        .map(a -> named(Case.of(30 + a.ordinal(), 16, 12, 3, 5, 2).rnn(a).scales(40, 6, 8)));
  }

  @ParameterizedTest
  @MethodSource("saturating")
  void score_saturatingWeights_matchesReference(Case c) {
    check(c);
    if (c.rnnActivation() == Activation.TANH || c.rnnActivation() == Activation.SIGMOID) {
      // The case is only worth its name if the reference's h_T is mostly at the limits.
      RnnModel model = c.model();
      double[][][] x = toNested(c.input(), c.batch(), c.timesteps(), c.d());
      int saturated = 0;
      int total = 0;
      RnnModel recurrentOnly = new RnnModel(null, 0, List.of(model.layers().get(0)));
      for (double[][] sample : x) {
        for (double h : ReferenceForwardPass.forwardRow(recurrentOnly, sample, null)) {
          total++;
          double limit = c.rnnActivation() == Activation.TANH ? Math.abs(h) : Math.max(h, 1 - h);
          if (limit > 0.999) {
            saturated++;
          }
        }
      }
      assertTrue(saturated * 2 > total, "only " + saturated + " of " + total + " hidden values saturated");
    }
  }

  static Stream<Arguments> recurrentActivations() {
    return Arrays.stream(Activation.values()).filter(Activation::isElementwise)
        .map(a -> named(Case.of(100 + a.ordinal(), 10, 12, 3, 5, 2).rnn(a)));
  }

  @ParameterizedTest
  @MethodSource("recurrentActivations")
  void score_eachRecurrentActivation_matchesReference(Case c) {
    check(c);
  }

  static Stream<Arguments> outputActivations() {
    // A wider output (K = 4) with inputs from a relu recurrent layer, so softmax rows are not flat.
    return Arrays.stream(Activation.values())
        .map(a -> named(Case.of(200 + a.ordinal(), 10, 12, 3, 6, 4).rnn(Activation.TANH).output(a)));
  }

  @ParameterizedTest
  @MethodSource("outputActivations")
  void score_eachOutputActivation_matchesReference(Case c) {
    check(c);
  }

  @Test
  void score_softmaxOutput_rowsSumToOne() {
    Case c = Case.of(300, 20, 5, 3, 5, 7).output(Activation.SOFTMAX);
    RnnModel model = c.model();
    float[] p = new float[c.batch() * 7];
    new ForwardPass(model).score(c.input(), c.batch(), c.timesteps(), p);
    for (int b = 0; b < c.batch(); b++) {
      double sum = 0;
      for (int k = 0; k < 7; k++) {
        assertTrue(p[b * 7 + k] > 0 && p[b * 7 + k] < 1, "softmax value " + p[b * 7 + k]);
        sum += p[b * 7 + k];
      }
      assertEquals(1.0, sum, 1e-5, "row " + b);
    }
  }

  @Test
  void score_sameInstanceDifferentShapes_reusesBuffersCorrectly() {
    Case c = Case.of(400, 1, 1, 4, 6, 3).output(Activation.SOFTMAX);
    RnnModel model = c.model();
    ForwardPass pass = new ForwardPass(model);
    assertSame(model, pass.model());
    Random rnd = new Random(401);
    // Shape changes, a repeat of an earlier shape with new data, and the same shape twice in a row.
    int[][] shapes = {{5, 7}, {3, 11}, {5, 7}, {5, 7}, {8, 2}, {1, 30}, {8, 2}, {64, 1}, {2, 3}};
    for (int[] s : shapes) {
      int batch = s[0];
      int timesteps = s[1];
      float[] rows = randomFloats(rnd, batch * timesteps * 4, 1.0);
      float[] predictions = new float[batch * 3];
      pass.score(rows, batch, timesteps, predictions);
      assertClose(ReferenceForwardPass.forward(model, toNested(rows, batch, timesteps, 4)), predictions, 3,
          "batch " + batch + " timesteps " + timesteps);
    }
  }

  @Test
  void score_inputAndOutputLongerThanNeeded_readsAndWritesOnlyThePrefix() {
    Case c = Case.of(500, 6, 5, 3, 5, 2);
    RnnModel model = c.model();
    float[] exact = c.input();
    float[] longer = Arrays.copyOf(exact, exact.length + 17);
    Arrays.fill(longer, exact.length, longer.length, Float.NaN); // would poison any result that read it
    float[] predictions = new float[6 * 2 + 5];
    Arrays.fill(predictions, 12345f);
    ForwardPass pass = new ForwardPass(model);
    pass.score(longer, 6, 5, predictions);
    assertClose(ReferenceForwardPass.forward(model, toNested(exact, 6, 5, 3)), predictions, 2, "longer input");
    for (int i = 12; i < predictions.length; i++) {
      assertEquals(12345f, predictions[i], "prediction buffer index " + i + " beyond batch·K was written");
    }
    // A batch that uses only the first 4 rows of a 6-row array: the first 4 rows' results.
    float[] four = new float[4 * 2];
    pass.score(longer, 4, 5, four);
    assertArrayEquals(Arrays.copyOf(predictions, 8), four, 1e-6f);
  }

  @Test
  void score_rowAloneVersusInBatchOf64_givesSameResult() {
    Case c = Case.of(600, 64, 15, 5, 9, 3).output(Activation.SOFTMAX);
    RnnModel model = c.model();
    float[] rows = c.input();
    int rowLength = 15 * 5;
    float[] batchPredictions = new float[64 * 3];
    new ForwardPass(model).score(rows, 64, 15, batchPredictions);
    for (int r : new int[] {0, 17, 63}) {
      float[] alone = Arrays.copyOfRange(rows, r * rowLength, (r + 1) * rowLength);
      float[] alonePrediction = new float[3];
      new ForwardPass(model).score(alone, 1, 15, alonePrediction);
      for (int k = 0; k < 3; k++) {
        float inBatch = batchPredictions[r * 3 + k];
        assertEquals(inBatch, alonePrediction[k], ABS_TOL + REL_TOL * Math.abs(inBatch), "row " + r + " value " + k);
      }
      // Also in a batch of 2 with a different neighbour, at position 1.
      float[] pair = new float[2 * rowLength];
      System.arraycopy(rows, ((r + 1) % 64) * rowLength, pair, 0, rowLength);
      System.arraycopy(alone, 0, pair, rowLength, rowLength);
      float[] pairPredictions = new float[6];
      new ForwardPass(model).score(pair, 2, 15, pairPredictions);
      for (int k = 0; k < 3; k++) {
        float inBatch = batchPredictions[r * 3 + k];
        assertEquals(inBatch, pairPredictions[3 + k], ABS_TOL + REL_TOL * Math.abs(inBatch), "pair row " + r);
      }
    }
  }

  @Test
  void score_inputTooShort_throwsWithSizes() {
    ForwardPass pass = new ForwardPass(Case.of(700, 2, 5, 3, 5, 2).model());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> pass.score(new float[29], 2, 5, new float[4]));
    assertEquals("input holds 29 values, expected at least 30 (batch 2 × timesteps 5 × D 3)", e.getMessage());
  }

  @Test
  void score_predictionBufferTooShort_throwsWithSizes() {
    ForwardPass pass = new ForwardPass(Case.of(701, 2, 5, 3, 5, 2).model());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> pass.score(new float[30], 2, 5, new float[3]));
    assertEquals("prediction buffer holds 3 values, expected at least 4 (batch 2 × K 2)", e.getMessage());
  }

  @Test
  void score_zeroBatchOrTimesteps_throws() {
    ForwardPass pass = new ForwardPass(Case.of(702, 2, 5, 3, 5, 2).model());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> pass.score(new float[30], 0, 5, new float[4]));
    assertEquals("batch 0 and timesteps 5 must both be at least 1", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> pass.score(new float[30], 2, 0, new float[4]));
    assertEquals("batch 2 and timesteps 0 must both be at least 1", e.getMessage());
  }

  @Test
  void score_afterRejectedCall_stillScoresCorrectly() {
    Case c = Case.of(703, 3, 4, 3, 5, 2);
    RnnModel model = c.model();
    ForwardPass pass = new ForwardPass(model);
    assertThrows(IllegalArgumentException.class, () -> pass.score(new float[1], 3, 4, new float[6]));
    float[] p = new float[6];
    pass.score(c.input(), 3, 4, p);
    assertClose(ReferenceForwardPass.forward(model, toNested(c.input(), 3, 4, 3)), p, 2, "after rejection");
  }

  @Test
  void score_handComputedSeedModel_matchesClosedForm() {
    // D = 1, M = 1, K = 1: h1 = tanh(0.5·1 + 0.1) , h2 = tanh(0.5·(-2) + 0.8·h1 + 0.1), y = 2·h2 - 1.
    RnnModel model = new RnnModel(null, 0, List.of(
        new SimpleRnnLayer("rnn", 1, new WeightArray("kernel", new int[] {1, 1}, new float[] {0.5f}),
            new WeightArray("recurrent_kernel", new int[] {1, 1}, new float[] {0.8f}),
            new WeightArray("bias", new int[] {1}, new float[] {0.1f}), Activation.TANH),
        new DenseLayer("out", 1, new WeightArray("kernel", new int[] {1, 1}, new float[] {2f}),
            new WeightArray("bias", new int[] {1}, new float[] {-1f}), Activation.LINEAR)));
    double h1 = Math.tanh(0.5 + (double) 0.1f);
    double h2 = Math.tanh(-1.0 + (double) 0.8f * h1 + (double) 0.1f);
    double expected = 2 * h2 - 1;
    float[] p = new float[1];
    new ForwardPass(model).score(new float[] {1f, -2f}, 1, 2, p);
    assertEquals(expected, p[0], 1e-6);
    assertEquals(expected, ReferenceForwardPass.forward(model, new double[][][] {{{1}, {-2}}})[0][0], 1e-12);
  }

  @Test
  void referenceErf_tabulatedValues_match() {
    double[][] table = {{0, 0}, {0.1, 0.1124629160182849}, {0.5, 0.5204998778130465}, {1, 0.8427007929497149},
        {2, 0.9953222650189527}, {3, 0.9999779095030014}, {-1.5, -0.9661051464753108}, {5, 0.9999999999984626}};
    for (double[] row : table) {
      assertEquals(row[1], ReferenceForwardPass.erf(row[0]), 1e-15, "erf(" + row[0] + ")");
    }
  }
}
