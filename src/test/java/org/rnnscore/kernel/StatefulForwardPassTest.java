package org.rnnscore.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.rnnscore.model.Activation;
import org.rnnscore.model.GruLayer;
import org.rnnscore.model.Layer;
import org.rnnscore.model.LstmLayer;
import org.rnnscore.model.RecurrentLayer;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.Sequencing;
import org.rnnscore.model.SimpleRnnLayer;
import org.rnnscore.model.WeightArray;
import org.rnnscore.testing.SharedData;

/**
 * {@link ForwardPass#scoreWithState}: carrying recurrent state from one run to the next.
 *
 * <ul>
 *   <li>Continuation: x[0:T] in one call equals x[0:k] from zeros, then x[k:T] from the returned
 *       final states (per row its own k, rows of different lengths), for SimpleRNN, LSTM, GRU
 *       (reset_after and reset_before) and stacks; both also match {@link ReferenceForwardPass}'s
 *       initial-state variant.
 *   <li>Keras oracles with an initial state: the Keras 3 unit tests' initial_state cases (the
 *       go_backwards ones on the reference only: the kernel refuses go_backwards layers) and the
 *       frugally-deep GRU case (../shared/keras-conformance/SOURCES.md, section 2).
 * </ul>
 */
class StatefulForwardPassTest {
  private static final double ATOL = 1e-5;
  private static final double RTOL = 1e-4;
  private static final int D = 3;
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final List<String> SPECS = List.of(
      "simple(6)",
      "simple(5,rs) > dense(2)",
      "simple(4,nobias,act=relu)",
      "lstm(5)",
      "lstm(5,rs)",
      "lstm(3,nobias) > dense(2,softmax)",
      "gru(4)",
      "gru(4,rs)",
      "gru(4,reset_before)",
      "gru(3,nobias)",
      "lstm(5,rs) > gru(4) > dense(2)",
      "gru(4,rs) > simple(3,rs) > lstm(2) > dense(3)",
      "simple(3,rs) > gru(4,rs,reset_before) > dense(2,tanh)",
      "masking(0) > lstm(4,rs,zero) > gru(3) > dense(2)");

  // ---------------------------------------------------------------- continuation

  @TestFactory
  Stream<DynamicTest> splitRun_equalsOneCall_andReference() {
    List<DynamicTest> tests = new ArrayList<>();
    for (String spec : SPECS) {
      for (long seed : new long[] {1, 2, 3}) {
        tests.add(DynamicTest.dynamicTest(spec + " seed " + seed, () -> BothKernelPaths.run(() -> checkSplit(spec, seed))));
      }
    }
    return tests.stream();
  }

  private static void checkSplit(String spec, long seed) {
    RnnModel model = ModelSpec.build(spec, seed, D, 0);
    Random rnd = new Random(seed * 7919 + spec.hashCode());
    int count = 2 + rnd.nextInt(7);
    int[] lengths = new int[count];
    int[] splits = new int[count];
    float[][] rows = new float[count][];
    for (int b = 0; b < count; b++) {
      lengths[b] = 2 + rnd.nextInt(14);
      splits[b] = 1 + rnd.nextInt(lengths[b] - 1);
      rows[b] = new float[lengths[b] * D];
      for (int i = 0; i < rows[b].length; i++) {
        rows[b][i] = (float) (rnd.nextGaussian());
      }
      if (spec.startsWith("masking") && lengths[b] > 3) {
        // Mask one step in each part (all features equal the mask value).
        Arrays.fill(rows[b], 0, D, 0f);
        Arrays.fill(rows[b], (lengths[b] - 1) * D, lengths[b] * D, 0f);
      }
    }
    int k = model.outputWidth();
    boolean sequence = model.outputIsSequence();
    ForwardPass pass = new ForwardPass(model);

    // One call from zeros (null states) and with explicit zero rows: both equal score().
    Packed whole = Packed.of(rows, 0, lengths);
    ForwardPass.Result one = pass.scoreWithState(whole.values, whole.offsets, whole.lengths, count, null);
    float[][] plain = new ForwardPass(model).score(whole.values, whole.offsets, whole.lengths, count);
    for (int b = 0; b < count; b++) {
      assertClose(TestArrays.toDouble(plain[b]), one.predictions()[b], spec + " one call vs score(), row " + b);
    }
    int layers = one.finalStates().size();
    assertEquals(recurrentLayers(model), layers, spec + ": final states per recurrent layer");

    // The reference: the whole row, and the second part from the reference's own first-part states.
    for (int b = 0; b < count; b++) {
      List<double[]> refFinal = new ArrayList<>();
      double[] ref = ReferenceForwardPass.forwardRow(model, nest(rows[b], 0, lengths[b]), null, null, refFinal);
      assertClose(ref, one.predictions()[b], spec + " one call vs reference, row " + b);
      for (int l = 0; l < layers; l++) {
        assertClose(refFinal.get(l), one.finalStates().get(l)[b], spec + " final state of layer " + l + " vs reference, row " + b);
      }
    }

    // Split: x[0:k] from zeros, then x[k:T] from the returned states.
    int[] firstLengths = splits.clone();
    int[] secondLengths = new int[count];
    for (int b = 0; b < count; b++) {
      secondLengths[b] = lengths[b] - splits[b];
    }
    Packed first = Packed.of(rows, 0, firstLengths);
    ForwardPass.Result a = pass.scoreWithState(first.values, first.offsets, first.lengths, count, null);
    float[][] sliced = new float[count][];
    for (int b = 0; b < count; b++) {
      sliced[b] = Arrays.copyOfRange(rows[b], splits[b] * D, lengths[b] * D);
    }
    Packed second = Packed.of(sliced, 0, secondLengths);
    ForwardPass.Result c = pass.scoreWithState(second.values, second.offsets, second.lengths, count, a.finalStates());

    for (int b = 0; b < count; b++) {
      String row = spec + " seed " + seed + " row " + b + " (T=" + lengths[b] + ", split " + splits[b] + ")";
      if (sequence) {
        float[] joined = new float[lengths[b] * k];
        System.arraycopy(a.predictions()[b], 0, joined, 0, splits[b] * k);
        System.arraycopy(c.predictions()[b], 0, joined, splits[b] * k, secondLengths[b] * k);
        assertClose(TestArrays.toDouble(one.predictions()[b]), joined, row + ": split predictions vs one call");
      } else {
        assertClose(TestArrays.toDouble(one.predictions()[b]), c.predictions()[b], row + ": second part's prediction vs one call");
      }
      for (int l = 0; l < layers; l++) {
        assertClose(TestArrays.toDouble(one.finalStates().get(l)[b]), c.finalStates().get(l)[b],
            row + ": final state of recurrent layer " + l + " vs one call");
      }
      // The reference from the same initial states.
      double[][] init = new double[layers][];
      for (int l = 0; l < layers; l++) {
        init[l] = TestArrays.toDouble(a.finalStates().get(l)[b]);
      }
      List<double[]> refFinal = new ArrayList<>();
      double[] ref = ReferenceForwardPass.forwardRow(model, nest(sliced[b], 0, secondLengths[b]), null, init, refFinal);
      assertClose(ref, c.predictions()[b], row + ": second part vs reference from the same states");
      for (int l = 0; l < layers; l++) {
        assertClose(refFinal.get(l), c.finalStates().get(l)[b], row + ": second part's state " + l + " vs reference");
      }
    }
  }

  @Test
  void nullEntriesAndRows_meanZeros() {
    RnnModel model = ModelSpec.build("lstm(4,rs) > gru(3) > dense(2)", 11, D, 0);
    Random rnd = new Random(5);
    int count = 4;
    int[] lengths = {3, 7, 1, 5};
    float[][] rows = new float[count][];
    for (int b = 0; b < count; b++) {
      rows[b] = new float[lengths[b] * D];
      for (int i = 0; i < rows[b].length; i++) {
        rows[b][i] = (float) rnd.nextGaussian();
      }
    }
    Packed p = Packed.of(rows, 5, lengths);
    float[][] plain = new ForwardPass(model).score(p.values, p.offsets, p.lengths, count);
    float[][] lstmZeros = new float[count][];
    lstmZeros[1] = new float[8];
    ForwardPass.Result r = new ForwardPass(model).scoreWithState(p.values, p.offsets, p.lengths, count,
        Arrays.asList(lstmZeros, null));
    for (int b = 0; b < count; b++) {
      assertEquals(Arrays.toString(plain[b]), Arrays.toString(r.predictions()[b]), "row " + b);
      assertEquals(8, r.finalStates().get(0)[b].length, "LSTM state width (h then c)");
      assertEquals(3, r.finalStates().get(1)[b].length, "GRU state width");
      // The GRU has no return_sequences: its final state is its output, which the Dense reads.
    }
    ForwardPass.Result empty = new ForwardPass(model).scoreWithState(p.values, p.offsets, p.lengths, 0, null);
    assertEquals(0, empty.predictions().length);
    assertEquals(2, empty.finalStates().size());
  }

  @Test
  void nonSequenceLayer_finalStateIsItsOutput() {
    RnnModel model = ModelSpec.build("simple(3,rs) > gru(4)", 3, D, 0);
    float[] x = new float[5 * D];
    Random rnd = new Random(1);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    ForwardPass.Result r = new ForwardPass(model).scoreWithState(x, new int[] {0}, new int[] {5}, 1, null);
    assertEquals(Arrays.toString(r.predictions()[0]), Arrays.toString(r.finalStates().get(1)[0]));
    // The first layer returns sequences: its final state is its last step's output.
    float[][] seq = new ForwardPass(ModelSpec.build("simple(3,rs)", 3, D, 0)).score(x, new int[] {0}, new int[] {5}, 1);
    assertEquals(Arrays.toString(Arrays.copyOfRange(seq[0], 12, 15)), Arrays.toString(r.finalStates().get(0)[0]));
  }

  @Test
  void refuses_bidirectional_goBackwards_andBadStates() {
    float[] x = new float[4 * D];
    int[] offsets = {0};
    int[] lengths = {4};
    IllegalArgumentException bi = assertThrows(IllegalArgumentException.class, () ->
        new ForwardPass(ModelSpec.build("lstm(3,rs) > bi(gru,2,concat) > dense(1)", 1, D, 0))
            .scoreWithState(x, offsets, lengths, 1, null));
    assertTrue(bi.getMessage().contains("bi_1"), bi.getMessage());
    IllegalArgumentException back = assertThrows(IllegalArgumentException.class, () ->
        new ForwardPass(ModelSpec.build("gru(3,rs) > simple(2,back)", 1, D, 0))
            .scoreWithState(x, offsets, lengths, 1, null));
    assertTrue(back.getMessage().contains("simple_1") && back.getMessage().contains("cannot be continued: go_backwards"),
        back.getMessage());
    ForwardPass pass = new ForwardPass(ModelSpec.build("lstm(3,rs) > gru(2)", 1, D, 0));
    assertThrows(IllegalArgumentException.class, () ->
        pass.scoreWithState(x, offsets, lengths, 1, List.<float[][]>of(new float[1][6])));
    assertThrows(IllegalArgumentException.class, () ->
        pass.scoreWithState(x, offsets, lengths, 1, List.of(new float[][] {new float[3]}, new float[1][2])));
    assertThrows(IllegalArgumentException.class, () ->
        pass.scoreWithState(x, offsets, lengths, 1, List.of(new float[0][], new float[1][2])));
    // The plain score() of a go_backwards model is unaffected.
    new ForwardPass(ModelSpec.build("gru(3,rs) > simple(2,back)", 1, D, 0)).score(x, offsets, lengths, 1);
  }

  // ---------------------------------------------------------------- Keras oracles

  @TestFactory
  Stream<DynamicTest> keras3_initialStateCases() throws IOException {
    Path file = SharedData.require("keras-conformance/keras/keras3_rnn_unit_test_expected.transcribed.json");
    List<DynamicTest> tests = new ArrayList<>();
    int i = 0;
    for (JsonNode c : JSON.readTree(file.toFile()).get("cases")) {
      int index = i++;
      if (!c.has("initial_state")) {
        continue;
      }
      String name = "#" + index + " " + c.get("layer").asText() + " initial_state"
          + (c.path("go_backwards").asBoolean(false) ? " go_backwards" : "");
      tests.add(DynamicTest.dynamicTest(name, () -> {
        Assumptions.assumeFalse(c.path("stateful").asBoolean(false), "stateful case: skipped");
        BothKernelPaths.run(() -> runKeras3(c, name));
      }));
    }
    assertEquals(6, tests.size(), "initial_state cases in " + file);
    return tests.stream();
  }

  private static void runKeras3(JsonNode c, String name) {
    String kind = c.get("layer").asText();
    int batch = c.get("input_shape").get(0).asInt();
    int timesteps = c.get("input_shape").get(1).asInt();
    int d = c.get("input_shape").get(2).asInt();
    assertEquals("constant 0.01", c.get("kernel").asText());
    assertEquals("constant 0.02", c.get("recurrent_kernel").asText());
    assertEquals("constant 0.03", c.get("bias").asText());
    assertTrue(c.path("mask").isMissingNode() && !c.path("return_sequences").asBoolean(false), name + ": plain case");
    int units = c.get("units").asInt();
    boolean lstm = kind.equals("LSTM");
    String described = lstm ? "[h0,c0] both np.arange(" + batch * units + ").reshape(" + batch + "," + units + ")"
        : "np.arange(" + batch * units + ").reshape(" + batch + "," + units + ")";
    assertEquals(described, c.get("initial_state").asText(), name + ": initial state description");
    boolean back = c.path("go_backwards").asBoolean(false);
    Sequencing seq = new Sequencing(false, back, false);
    int gates = lstm ? 4 : kind.equals("GRU") ? 3 : 1;
    WeightArray kernel = TestArrays.constant("kernel", 0.01f, d, gates * units);
    WeightArray recurrent = TestArrays.constant("recurrent_kernel", 0.02f, units, gates * units);
    RecurrentLayer layer;
    switch (kind) {
      case "SimpleRNN":
        layer = new SimpleRnnLayer("simple_rnn", units, kernel, recurrent, TestArrays.constant("bias", 0.03f, units),
            Activation.TANH, seq);
        break;
      case "LSTM": {
        float[] b = new float[4 * units];
        Arrays.fill(b, 0.03f);
        Arrays.fill(b, units, 2 * units, 1f); // unit_forget_bias (default)
        layer = new LstmLayer("lstm", units, kernel, recurrent, new WeightArray("bias", new int[] {4 * units}, b),
            Activation.TANH, Activation.SIGMOID, seq);
        break;
      }
      case "GRU":
        layer = new GruLayer("gru", units, kernel, recurrent, TestArrays.constant("bias", 0.03f, 2, 3 * units), Activation.TANH,
            Activation.SIGMOID, true, seq);
        break;
      default:
        throw new IllegalArgumentException(kind);
    }
    RnnModel model = new RnnModel(null, 0, List.<Layer>of(layer));
    float[] values = new float[batch * timesteps * d];
    for (int j = 0; j < values.length; j++) {
      values[j] = j;
    }
    int stateWidth = lstm ? 2 * units : units;
    float[][] states = new float[batch][stateWidth];
    for (int b = 0; b < batch; b++) {
      for (int j = 0; j < units; j++) {
        states[b][j] = b * units + j;
        if (lstm) {
          states[b][units + j] = b * units + j;
        }
      }
    }
    int[] offsets = new int[batch];
    int[] lengths = new int[batch];
    for (int b = 0; b < batch; b++) {
      offsets[b] = b * timesteps * d;
      lengths[b] = timesteps;
      double[] expected = doubles(c.get("expected").get(b));
      double[] ref = ReferenceForwardPass.forwardRow(model, nest(values, offsets[b], timesteps, d), null,
          new double[][] {TestArrays.toDouble(states[b])}, null);
      assertAbs(expected, ref, name + " [reference vs Keras, row " + b + "]");
    }
    ForwardPass pass = new ForwardPass(model);
    if (back) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> pass.scoreWithState(values, offsets, lengths, batch, List.<float[][]>of(states)));
      assertTrue(e.getMessage().contains("go_backwards"), e.getMessage());
      return;
    }
    ForwardPass.Result r = pass.scoreWithState(values, offsets, lengths, batch, List.<float[][]>of(states));
    for (int b = 0; b < batch; b++) {
      double[] expected = doubles(c.get("expected").get(b));
      assertAbs(expected, TestArrays.toDouble(r.predictions()[b]), name + " [kernel vs Keras, row " + b + "]");
      assertAbs(expected, TestArrays.toDouble(Arrays.copyOfRange(r.finalStates().get(0)[b], 0, units)),
          name + " [kernel final h vs Keras, row " + b + "]");
    }
  }

  /**
   * frugally-deep's stateless GRU test (Keras 2.2.4-tf), decoded in
   * ../shared/keras-conformance/SOURCES.md section 2: GRU(1, linear, sigmoid, no bias,
   * reset_after, return_sequences), kernel [1,-2,3], recurrent_kernel [-0.5,2,-1.1]. Also the
   * printed log's case (x=[1,0,0], h0=10) of the same model.
   */
  @Test
  void frugallyDeep_gruWithInitialState() throws Exception {
    GruLayer gru = new GruLayer("gru", 1, new WeightArray("kernel", new int[] {1, 3}, new float[] {1, -2, 3}),
        new WeightArray("recurrent_kernel", new int[] {1, 3}, new float[] {-0.5f, 2, -1.1f}), null,
        Activation.LINEAR, Activation.SIGMOID, true, new Sequencing(true, false, false));
    RnnModel model = new RnnModel(null, 0, List.<Layer>of(gru));
    BothKernelPaths.run(() -> {
      checkFrugallyDeep(model, new float[] {-0.6349068f, -0.647371f, -0.97881097f}, -1.0029796f,
          new double[] {-1.2933359, -1.4644732, -2.0424073});
      checkFrugallyDeep(model, new float[] {1, 0, 0}, 10f, new double[] {-7.676248, -7.5144324, -7.3429837});
    });
  }

  private static void checkFrugallyDeep(RnnModel model, float[] x, float h0, double[] expected) {
    double[] ref = ReferenceForwardPass.forwardRow(model, nest(x, 0, 3, 1), null, new double[][] {{h0}}, null);
    assertAbs(expected, ref, "reference vs Keras");
    ForwardPass pass = new ForwardPass(model);
    ForwardPass.Result r = pass.scoreWithState(x, new int[] {0}, new int[] {3}, 1,
        List.<float[][]>of(new float[][] {{h0}}));
    assertAbs(expected, TestArrays.toDouble(r.predictions()[0]), "kernel vs Keras");
    assertAbs(new double[] {expected[2]}, TestArrays.toDouble(r.finalStates().get(0)[0]), "kernel final state vs Keras");
    // Split after step 1: the second call starts from the first call's final state.
    ForwardPass.Result a = pass.scoreWithState(x, new int[] {0}, new int[] {1}, 1,
        List.<float[][]>of(new float[][] {{h0}}));
    ForwardPass.Result b = pass.scoreWithState(x, new int[] {1}, new int[] {2}, 1, a.finalStates());
    assertAbs(new double[] {expected[0]}, TestArrays.toDouble(a.predictions()[0]), "first part vs Keras");
    assertAbs(new double[] {expected[1], expected[2]}, TestArrays.toDouble(b.predictions()[0]), "second part vs Keras");
  }

  // ---------------------------------------------------------------- helpers

  /** Rows packed into one array with a gap of {@code gap} values between them. */
  private static final class Packed {
    float[] values;
    int[] offsets;
    int[] lengths;

    static Packed of(float[][] rows, int gap, int[] lengths) {
      Packed p = new Packed();
      p.lengths = lengths.clone();
      p.offsets = new int[rows.length];
      int size = 0;
      for (int b = 0; b < rows.length; b++) {
        size += gap + lengths[b] * D;
      }
      p.values = new float[size];
      int at = 0;
      for (int b = 0; b < rows.length; b++) {
        at += gap;
        p.offsets[b] = at;
        System.arraycopy(rows[b], 0, p.values, at, lengths[b] * D);
        at += lengths[b] * D;
      }
      return p;
    }
  }

  private static int recurrentLayers(RnnModel model) {
    int n = 0;
    for (Layer layer : model.layers()) {
      if (layer instanceof RecurrentLayer) {
        n++;
      }
    }
    return n;
  }

  private static double[][] nest(float[] flat, int from, int timesteps) {
    return nest(flat, from, timesteps, D);
  }

  private static double[][] nest(float[] flat, int from, int timesteps, int d) {
    double[][] x = new double[timesteps][d];
    for (int t = 0; t < timesteps; t++) {
      for (int j = 0; j < d; j++) {
        x[t][j] = flat[from + t * d + j];
      }
    }
    return x;
  }

  private static void assertClose(double[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": number of values");
    for (int i = 0; i < expected.length; i++) {
      double diff = Math.abs(expected[i] - actual[i]);
      if (!(diff <= ATOL + RTOL * Math.abs(expected[i]))) {
        fail(what + ": value " + i + ": expected " + expected[i] + ", got " + actual[i] + ", |diff| " + diff
            + "\n expected " + Arrays.toString(expected) + "\n actual   " + Arrays.toString(actual));
      }
    }
  }

  private static void assertAbs(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": number of values");
    for (int i = 0; i < expected.length; i++) {
      double diff = Math.abs(expected[i] - actual[i]);
      if (!(diff <= ATOL)) {
        fail(what + ": value " + i + ": expected " + expected[i] + ", got " + actual[i] + ", |diff| " + diff
            + "\n expected " + Arrays.toString(expected) + "\n actual   " + Arrays.toString(actual));
      }
    }
  }

  private static double[] doubles(JsonNode node) {
    List<Double> out = new ArrayList<>();
    collect(node, out);
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static void collect(JsonNode node, List<Double> out) {
    if (node.isArray()) {
      node.forEach(n -> collect(n, out));
    } else {
      out.add(node.asDouble());
    }
  }
}
