package org.rnnscore.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * Single recurrent layers against outputs Keras computed (../shared/keras-conformance, see its
 * SOURCES.md): each case is checked against {@link ReferenceForwardPass} (validating the
 * reference) and against {@link ForwardPass} (the kernel), both within 1e-5 absolute.
 *
 * <ul>
 *   <li>keras-js fixtures (Keras 2.x, TF): SimpleRNN, LSTM, GRU (reset_after=False), cases 0–4 of
 *       each (plain, sigmoid activation, return_sequences, go_backwards, both). Cases 5–8 are
 *       stateful (expected = the 2nd predict() call) and are skipped. Values rounded to 6
 *       decimals: atol 1e-5. hard_sigmoid is the Keras 2 one.
 *   <li>Keras 3 unit-test expectations (constant weights, np.arange inputs): every case except
 *       stateful and initial_state ones (the latter are in StatefulForwardPassTest): correctness, go_backwards, masking (raw
 *       masks → the explicit step mask), zero_output_for_mask, LSTM unit_forget_bias on/off and
 *       use_bias=False, GRU reset_after True/False and use_bias=False.
 * </ul>
 */
class RecurrentConformanceTest {
  private static final double ATOL = 1e-5;
  private static final ObjectMapper JSON = new ObjectMapper();

  // ---------------------------------------------------------------- keras-js (Keras 2.x)

  @TestFactory
  Stream<DynamicTest> kerasJs_recurrentFixtures_matchReferenceAndKernel() throws IOException {
    Path configs = SharedData.require("keras-conformance/keras-js/recurrent_configs.transcribed.json");
    JsonNode config = JSON.readTree(configs.toFile());
    List<DynamicTest> tests = new ArrayList<>();
    for (String kind : List.of("SimpleRNN", "LSTM", "GRU")) {
      Path fixtures = SharedData.require("keras-conformance/keras-js/test/data/layers/recurrent/" + kind + ".json");
      JsonNode data = JSON.readTree(fixtures.toFile());
      for (JsonNode c : config.get(kind)) {
        String key = c.get("key").asText();
        JsonNode fixture = data.get(key);
        String name = key + describe(c);
        tests.add(DynamicTest.dynamicTest(name, () -> {
          Assumptions.assumeFalse(c.get("stateful").asBoolean(),
              key + " is stateful (expected = the 2nd call's output): not supported, skipped");
          assertTrue(fixture != null, "fixture " + key + " missing from " + fixtures);
          BothKernelPaths.run(() -> runKerasJs(kind, c, fixture));
        }));
      }
    }
    return tests.stream();
  }

  private static String describe(JsonNode c) {
    StringBuilder s = new StringBuilder();
    c.fields().forEachRemaining(e -> {
      if (!e.getKey().equals("key") && !e.getKey().equals("note")) {
        s.append(' ').append(e.getKey()).append('=').append(e.getValue());
      }
    });
    return s.toString();
  }

  private static void runKerasJs(String kind, JsonNode c, JsonNode fixture) {
    int[] inShape = ints(fixture.get("input").get("shape"));
    int timesteps = inShape[0];
    int d = inShape[1];
    int units = c.get("units").asInt();
    boolean useBias = c.get("use_bias").asBoolean();
    JsonNode weights = fixture.get("weights");
    assertEquals(useBias ? 3 : 2, weights.size(), "weight arrays in the fixture");
    WeightArray kernel = weight("kernel", weights.get(0));
    WeightArray recurrent = weight("recurrent_kernel", weights.get(1));
    WeightArray bias = useBias ? weight("bias", weights.get(2)) : null;
    Activation act = Activation.fromKerasName(c.get("activation").asText(), 2);
    Activation rec = c.has("recurrent_activation")
        ? Activation.fromKerasName(c.get("recurrent_activation").asText(), 2) : null;
    Sequencing seq = new Sequencing(c.get("return_sequences").asBoolean(), c.get("go_backwards").asBoolean(), false);
    RecurrentLayer layer;
    switch (kind) {
      case "SimpleRNN":
        layer = new SimpleRnnLayer("simple_rnn", units, kernel, recurrent, bias, act, seq);
        break;
      case "LSTM":
        layer = new LstmLayer("lstm", units, kernel, recurrent, bias, act, rec, seq);
        break;
      default:
        layer = new GruLayer("gru", units, kernel, recurrent, bias, act, rec, false, seq);
        break;
    }
    RnnModel model = new RnnModel("input", timesteps, List.<Layer>of(layer));
    double[] x = doubles(fixture.get("input").get("data"));
    double[] expected = doubles(fixture.get("expected").get("data"));
    check(model, new double[][] {x}, timesteps, d, null, new double[][] {expected}, c.get("key").asText());
  }

  // ---------------------------------------------------------------- Keras 3 unit tests

  @TestFactory
  Stream<DynamicTest> keras3_unitTestCases_matchReferenceAndKernel() throws IOException {
    Path file = SharedData.require("keras-conformance/keras/keras3_rnn_unit_test_expected.transcribed.json");
    JsonNode cases = JSON.readTree(file.toFile()).get("cases");
    List<DynamicTest> tests = new ArrayList<>();
    int i = 0;
    for (JsonNode c : cases) {
      String name = "#" + i++ + " " + c.get("layer").asText() + " " + c.get("source_test").asText()
          + options(c);
      tests.add(DynamicTest.dynamicTest(name, () -> {
        Assumptions.assumeFalse(c.path("stateful").asBoolean(false),
            "stateful case (2nd call's output): not supported, skipped");
        Assumptions.assumeFalse(c.has("initial_state"), "initial_state case: checked in StatefulForwardPassTest, skipped here");
        BothKernelPaths.run(() -> runKeras3(c, name));
      }));
    }
    assertTrue(i >= 30, "Keras 3 cases in " + file + ": " + i);
    return tests.stream();
  }

  private static String options(JsonNode c) {
    StringBuilder s = new StringBuilder(" units=" + c.get("units").asInt());
    for (String key : List.of("go_backwards", "return_sequences", "zero_output_for_mask", "unit_forget_bias",
        "use_bias", "reset_after", "stateful")) {
      if (c.has(key)) {
        s.append(' ').append(key).append('=').append(c.get(key).asBoolean());
      }
    }
    if (c.has("mask")) {
      s.append(" mask=").append(c.get("mask"));
    }
    if (c.has("initial_state")) {
      s.append(" initial_state");
    }
    return s.toString();
  }

  private static void runKeras3(JsonNode c, String name) {
    String kind = c.get("layer").asText();
    int[] shape = ints(c.get("input_shape"));
    int batch = shape[0];
    int timesteps = shape[1];
    int d = shape[2];
    assertEquals(c.get("input").asText(), "np.arange(" + batch * timesteps * d + ").reshape([" + batch + ", "
        + timesteps + ", " + d + "])", "input description");
    assertEquals("constant 0.01", c.get("kernel").asText());
    assertEquals("constant 0.02", c.get("recurrent_kernel").asText());
    assertEquals("constant 0.03", c.get("bias").asText());
    int units = c.get("units").asInt();
    boolean useBias = c.path("use_bias").asBoolean(true);
    Sequencing seq = new Sequencing(c.path("return_sequences").asBoolean(false), c.path("go_backwards").asBoolean(false),
        c.path("zero_output_for_mask").asBoolean(false));
    int gates = kind.equals("LSTM") ? 4 : kind.equals("GRU") ? 3 : 1;
    WeightArray kernel = TestArrays.constant("kernel", 0.01f, d, gates * units);
    WeightArray recurrent = TestArrays.constant("recurrent_kernel", 0.02f, units, gates * units);
    RecurrentLayer layer;
    switch (kind) {
      case "SimpleRNN":
        layer = new SimpleRnnLayer("simple_rnn", units, kernel, recurrent,
            useBias ? TestArrays.constant("bias", 0.03f, units) : null, Activation.TANH, seq);
        break;
      case "LSTM": {
        WeightArray bias = null;
        if (useBias) {
          float[] b = new float[4 * units];
          Arrays.fill(b, 0.03f);
          if (c.path("unit_forget_bias").asBoolean(true)) {
            // unit_forget_bias: the forget gate's block (second of i, f, c, o) starts at 1.
            Arrays.fill(b, units, 2 * units, 1f);
          }
          bias = new WeightArray("bias", new int[] {4 * units}, b);
        }
        layer = new LstmLayer("lstm", units, kernel, recurrent, bias, Activation.TANH, Activation.SIGMOID, seq);
        break;
      }
      case "GRU": {
        boolean resetAfter = c.path("reset_after").asBoolean(true); // Keras 3 default
        WeightArray bias = !useBias ? null
            : resetAfter ? TestArrays.constant("bias", 0.03f, 2, 3 * units) : TestArrays.constant("bias", 0.03f, 3 * units);
        layer = new GruLayer("gru", units, kernel, recurrent, bias, Activation.TANH, Activation.SIGMOID, resetAfter,
            seq);
        break;
      }
      default:
        throw new IllegalArgumentException(kind);
    }
    RnnModel model = new RnnModel(null, 0, List.<Layer>of(layer));
    double[][] rows = new double[batch][timesteps * d];
    for (int b = 0; b < batch; b++) {
      for (int j = 0; j < timesteps * d; j++) {
        rows[b][j] = b * timesteps * d + j;
      }
    }
    boolean[][] mask = null;
    if (c.has("mask")) {
      mask = new boolean[batch][timesteps];
      for (int b = 0; b < batch; b++) {
        for (int t = 0; t < timesteps; t++) {
          mask[b][t] = c.get("mask").get(b).get(t).asBoolean();
        }
      }
    }
    double[][] expected = new double[batch][];
    for (int b = 0; b < batch; b++) {
      expected[b] = doubles(c.get("expected").get(b));
    }
    check(model, rows, timesteps, d, mask, expected, name);
  }

  // ---------------------------------------------------------------- shared

  /** Reference vs Keras, then kernel (ragged API, each row alone and all together; uniform API when unmasked) vs Keras. */
  private static void check(RnnModel model, double[][] rows, int timesteps, int d, boolean[][] mask,
      double[][] expected, String what) {
    int batch = rows.length;
    for (int b = 0; b < batch; b++) {
      double[] ref = ReferenceForwardPass.forwardRow(model, nest(rows[b], timesteps, d), mask == null ? null : mask[b]);
      assertClose(expected[b], ref, what + " [reference vs Keras, row " + b + "]");
    }
    ForwardPass pass = new ForwardPass(model);
    float[] values = new float[batch * timesteps * d];
    int[] offsets = new int[batch];
    int[] lengths = new int[batch];
    for (int b = 0; b < batch; b++) {
      offsets[b] = b * timesteps * d;
      lengths[b] = timesteps;
      for (int j = 0; j < timesteps * d; j++) {
        values[offsets[b] + j] = (float) rows[b][j];
      }
    }
    float[][] together = mask == null ? pass.score(values, offsets, lengths, batch)
        : pass.score(values, offsets, lengths, batch, mask);
    assertEquals(batch, together.length, what + ": rows returned");
    for (int b = 0; b < batch; b++) {
      assertClose(expected[b], TestArrays.toDouble(together[b]), what + " [ForwardPass ragged batch vs Keras, row " + b + "]");
      float[][] alone = new ForwardPass(model).score(values, new int[] {offsets[b]}, new int[] {timesteps},
          1, mask == null ? null : new boolean[][] {mask[b]});
      assertClose(expected[b], TestArrays.toDouble(alone[0]), what + " [ForwardPass row alone vs Keras, row " + b + "]");
    }
    if (mask == null) {
      int k = model.outputWidth() * (model.outputIsSequence() ? timesteps : 1);
      float[] predictions = new float[batch * k];
      new ForwardPass(model).score(values, batch, timesteps, predictions);
      for (int b = 0; b < batch; b++) {
        assertClose(expected[b], TestArrays.toDouble(Arrays.copyOfRange(predictions, b * k, (b + 1) * k)),
            what + " [ForwardPass uniform batch vs Keras, row " + b + "]");
      }
    }
  }

  static void assertClose(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": number of values");
    for (int i = 0; i < expected.length; i++) {
      double diff = Math.abs(expected[i] - actual[i]);
      if (!(diff <= ATOL)) {
        fail(what + ": value " + i + ": expected " + expected[i] + ", got " + actual[i] + ", |diff| " + diff
            + " > " + ATOL + "\n expected " + Arrays.toString(expected) + "\n actual   " + Arrays.toString(actual));
      }
    }
  }

  private static double[][] nest(double[] flat, int timesteps, int d) {
    double[][] x = new double[timesteps][d];
    for (int t = 0; t < timesteps; t++) {
      System.arraycopy(flat, t * d, x[t], 0, d);
    }
    return x;
  }

  private static WeightArray weight(String name, JsonNode node) {
    double[] values = doubles(node.get("data"));
    float[] data = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      data[i] = (float) values[i];
    }
    return new WeightArray(name, ints(node.get("shape")), data);
  }

  /** All numbers in a (possibly nested) JSON array, flattened in order. */
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

  private static int[] ints(JsonNode node) {
    int[] out = new int[node.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = node.get(i).asInt();
    }
    return out;
  }

  /** The masking cases' meaning, checked on the reference alone: a masked step repeats the last output. */
  @Test
  void reference_keras3MaskedReturnSequences_repeatsPreviousOutput() throws IOException {
    Path file = SharedData.require("keras-conformance/keras/keras3_rnn_unit_test_expected.transcribed.json");
    int masked = 0;
    for (JsonNode c : JSON.readTree(file.toFile()).get("cases")) {
      if (c.has("mask") && c.path("return_sequences").asBoolean(false)) {
        masked++;
        JsonNode e = c.get("expected").get(0);
        boolean zero = c.path("zero_output_for_mask").asBoolean(false);
        for (int t = 1; t < e.size(); t++) {
          if (!c.get("mask").get(0).get(t).asBoolean()) {
            double want = zero ? 0 : e.get(t - 1).get(0).asDouble();
            assertEquals(want, e.get(t).get(0).asDouble(), 0, "case step " + t);
          }
        }
      }
    }
    assertEquals(6, masked, "masked return_sequences cases");
  }
}
