package org.rnnscore.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnnscore.model.EmbeddingLayer;
import org.rnnscore.model.Layer;
import org.rnnscore.model.MaskingLayer;
import org.rnnscore.model.RnnModel;

/**
 * ForwardPass against {@link ReferenceForwardPass} over seeded random models of every layer kind
 * (see {@link ModelSpec}), ragged batches, masks and sequence outputs.
 *
 * <p>Tolerance: |kernel − reference| ≤ 1e-5 + 1e-4·|reference|. The kernel keeps weights, inputs
 * and states in float32 (unit roundoff 6e-8) and accumulates dot products of length D + M (here
 * up to ~50) in float32: about (D + M)·6e-8·|terms| ≲ 1e-6 per step and per layer. The weights
 * keep every recurrence contractive (recurrent kernels ±0.6/√M) or gated (LSTM/GRU states are
 * convex combinations), so the error settles at a small multiple of one step's error instead of
 * growing with T, even for T = 400; stacks of up to 4 layers add a few more roundings. An LSTM
 * cell state can exceed 1 in magnitude, hence the relative term. Indexing, gate-order, masking
 * or direction bugs give errors of order 1e-2 or more.
 */
class ForwardPassLayersTest {
  static final double ABS_TOL = 1e-5;
  static final double REL_TOL = 1e-4;

  /** How masked steps are placed in the rows. */
  enum Masks { NONE, MODEL, EXPLICIT, BOTH }

  /**
   * @param lengths the rows' lengths (ragged when they differ)
   * @param masks which masks the rows get: MODEL puts the Masking layer's value (or token 0) into
   *     steps by a pattern that cycles over rows (none, leading, trailing, middle, alternate,
   *     fully masked, partial features); EXPLICIT passes a step mask with the same patterns
   *     shifted by three rows (and a null row); BOTH does both
   */
  record Case(String spec, long seed, int d, int[] lengths, Masks masks, int declaredTimesteps) {
    static Case of(String spec, long seed, int d, int[] lengths) {
      return new Case(spec, seed, d, lengths, Masks.NONE, 0);
    }

    Case masks(Masks m) {
      return new Case(spec, seed, d, lengths, m, declaredTimesteps);
    }

    Case declared(int t) {
      return new Case(spec, seed, d, lengths, masks, t);
    }

    @Override
    public String toString() {
      int min = Arrays.stream(lengths).min().orElse(0);
      int max = Arrays.stream(lengths).max().orElse(0);
      return spec + " | seed=" + seed + " D=" + d + " B=" + lengths.length + " T=" + (min == max ? "" + max
          : min + ".." + max) + (masks == Masks.NONE ? "" : " masks=" + masks);
    }
  }

  static int[] uniform(int batch, int t) {
    int[] l = new int[batch];
    Arrays.fill(l, t);
    return l;
  }

  static int[] ragged(long seed, int batch, int min, int max) {
    Random rnd = new Random(seed);
    int[] l = new int[batch];
    for (int i = 0; i < batch; i++) {
      l[i] = min + rnd.nextInt(max - min + 1);
    }
    l[0] = max;
    if (batch > 1) {
      l[batch - 1] = min;
    }
    return l;
  }

  // ------------------------------------------------------------------ inputs

  /** The rows' inputs and explicit mask for a case. */
  record Rows(double[][][] x, boolean[][] explicit) {}

  static Rows rows(Case c, RnnModel model) {
    Random rnd = new Random(c.seed() * 7919 + 13);
    int batch = c.lengths().length;
    Layer first = model.layers().get(0);
    boolean tokens = model.tokenInput();
    int vocabulary = tokens ? ((EmbeddingLayer) first).vocabularySize() : 0;
    Double maskValue = first instanceof MaskingLayer ? (double) ((MaskingLayer) first).maskValue() : null;
    double[][][] x = new double[batch][][];
    for (int b = 0; b < batch; b++) {
      int len = c.lengths()[b];
      x[b] = new double[len][c.d()];
      for (int t = 0; t < len; t++) {
        for (int i = 0; i < c.d(); i++) {
          // Tokens: 1..V-1 (0 only where a pattern puts it); values in [-1, 1).
          x[b][t][i] = tokens ? 1 + rnd.nextInt(Math.max(1, vocabulary - 1)) : (float) (rnd.nextDouble() * 2 - 1);
        }
      }
      if (c.masks() == Masks.MODEL || c.masks() == Masks.BOTH) {
        boolean[] masked = pattern(b, len);
        for (int t = 0; t < len; t++) {
          if (!masked[t]) {
            continue;
          }
          if (tokens) {
            x[b][t][0] = 0;
          } else if (maskValue != null) {
            Arrays.fill(x[b][t], maskValue);
          }
        }
        if (b % 7 == 6 && maskValue != null && c.d() > 1 && len > 1) {
          // Only some features equal the mask value: the step is not masked.
          for (int i = 0; i < c.d() / 2; i++) {
            x[b][0][i] = maskValue;
          }
        }
      }
    }
    boolean[][] explicit = null;
    if (c.masks() == Masks.EXPLICIT || c.masks() == Masks.BOTH) {
      explicit = new boolean[batch][];
      for (int b = 0; b < batch; b++) {
        if (b % 9 == 8) {
          continue; // a null row: no explicit mask for that row
        }
        boolean[] masked = pattern(b + 3, c.lengths()[b]);
        explicit[b] = new boolean[masked.length];
        for (int t = 0; t < masked.length; t++) {
          explicit[b][t] = !masked[t];
        }
      }
    }
    return new Rows(x, explicit);
  }

  /** Which steps of row b (length len) are masked: a pattern that cycles over the rows. */
  static boolean[] pattern(int b, int len) {
    boolean[] m = new boolean[len];
    int third = Math.max(1, len / 3);
    switch (b % 7) {
      case 1: // leading
        Arrays.fill(m, 0, Math.min(len - 1, third), true);
        break;
      case 2: // trailing
        Arrays.fill(m, Math.max(1, len - third), len, true);
        break;
      case 3: // middle
        if (len >= 3) {
          Arrays.fill(m, third, Math.max(third + 1, len - third), true);
        }
        break;
      case 4: // alternate
        for (int t = 1; t < len; t += 2) {
          m[t] = true;
        }
        break;
      case 5: // fully masked
        Arrays.fill(m, true);
        break;
      case 6: // the last step only
        m[len - 1] = len > 1;
        break;
      default:
        break;
    }
    return m;
  }

  // ------------------------------------------------------------------ checking

  /**
   * Scores all rows in one ragged call (rows stored out of order, NaN between them) and compares
   * each with the reference; then a few rows alone, and the uniform API where it applies.
   */
  static void check(Case c) {
    for (KernelPath path : BOTH_PATHS) {
      KernelPath.building(path, () -> {
        checkOn(c, path);
        return null;
      });
    }
  }

  /** Every case runs on both recurrent implementations (auto would pick one of them). */
  static final List<KernelPath> BOTH_PATHS = List.of(KernelPath.FUSED, KernelPath.BLAS);

  private static void checkOn(Case original, KernelPath path) {
    Case c = new Case(original.spec() + " | kernel " + path.text(), original.seed(), original.d(), original.lengths(),
        original.masks(), original.declaredTimesteps());
    RnnModel model = ModelSpec.build(original.spec(), c.seed(), c.d(), c.declaredTimesteps());
    Rows rows = rows(original, model);
    int batch = rows.x().length;
    int d = c.d();
    int k = model.outputWidth();

    // Lay the rows out in a shuffled order with NaN gaps: reading outside a row poisons its result.
    List<Integer> order = new ArrayList<>();
    for (int b = 0; b < batch; b++) {
      order.add(b);
    }
    Collections.shuffle(order, new Random(c.seed()));
    int total = 3;
    for (double[][] r : rows.x()) {
      total += r.length * d + 2;
    }
    float[] values = new float[total];
    Arrays.fill(values, Float.NaN);
    int[] offsets = new int[batch];
    int[] lengths = new int[batch];
    int at = 3;
    for (int b : order) {
      offsets[b] = at;
      lengths[b] = rows.x()[b].length;
      for (double[] step : rows.x()[b]) {
        for (double v : step) {
          values[at++] = (float) v;
        }
      }
      at += 2;
    }

    ForwardPass pass = new ForwardPass(model);
    float[][] out = rows.explicit() == null ? pass.score(values, offsets, lengths, batch)
        : pass.score(values, offsets, lengths, batch, rows.explicit());
    assertEquals(batch, out.length, c + ": rows returned");
    for (int b = 0; b < batch; b++) {
      double[] expected = ReferenceForwardPass.forwardRow(model, rows.x()[b],
          rows.explicit() == null ? null : rows.explicit()[b]);
      int want = model.outputIsSequence() ? model.outputSteps(lengths[b]) * k : k;
      assertEquals(want, expected.length, c + ": reference width, row " + b);
      assertClose(expected, out[b], k, c + " | row " + b + " (length " + lengths[b] + ", pattern " + b % 7 + ")");
    }

    // Each row equals scoring it alone (no padding semantics leak between rows).
    for (int b : new int[] {0, batch / 2, batch - 1}) {
      float[][] alone = new ForwardPass(model).score(values, new int[] {offsets[b]}, new int[] {lengths[b]}, 1,
          rows.explicit() == null ? null : new boolean[][] {rows.explicit()[b]});
      assertEquals(out[b].length, alone[0].length, c + ": row " + b + " alone, width");
      for (int i = 0; i < out[b].length; i++) {
        double tol = ABS_TOL + REL_TOL * Math.abs(out[b][i]);
        assertTrue(Math.abs(out[b][i] - alone[0][i]) <= tol, c + ": row " + b + " value " + i + ": in batch "
            + out[b][i] + ", alone " + alone[0][i]);
      }
    }

    // Uniform batches through the uniform API too.
    boolean uniform = Arrays.stream(lengths).allMatch(l -> l == lengths[0]);
    if (uniform && rows.explicit() == null) {
      int t = lengths[0];
      float[] dense = new float[batch * t * d];
      for (int b = 0; b < batch; b++) {
        System.arraycopy(values, offsets[b], dense, b * t * d, t * d);
      }
      int perRow = model.outputIsSequence() ? model.outputSteps(t) * k : k;
      float[] predictions = new float[batch * perRow];
      new ForwardPass(model).score(dense, batch, t, predictions);
      for (int b = 0; b < batch; b++) {
        assertClose(ReferenceForwardPass.forwardRow(model, rows.x()[b], null),
            Arrays.copyOfRange(predictions, b * perRow, (b + 1) * perRow), k, c + " | uniform API, row " + b);
      }
    }
  }

  static void assertClose(double[] expected, float[] actual, int k, String what) {
    assertEquals(expected.length, actual.length, what + ": number of values");
    for (int i = 0; i < expected.length; i++) {
      double e = expected[i];
      double a = actual[i];
      assertTrue(Double.isFinite(e), what + ": reference value " + i + " is " + e + " (bad test case)");
      double tol = ABS_TOL + REL_TOL * Math.abs(e);
      if (!(Math.abs(a - e) <= tol)) {
        String where = expected.length > k ? "step " + i / k + " value " + i % k : "value " + i;
        throw new AssertionError(what + ": " + where + ": kernel " + a + ", reference " + e + ", |diff| "
            + Math.abs(a - e) + " > " + tol + "\n reference " + Arrays.toString(expected) + "\n kernel    "
            + Arrays.toString(actual));
      }
    }
  }

  static Arguments named(Case c) {
    return Arguments.of(Named.of(c.toString(), c));
  }

  // ------------------------------------------------------------------ cases

  static Stream<Arguments> recurrentKinds() {
    List<Case> cases = new ArrayList<>();
    long seed = 1000;
    for (String kind : List.of("simple", "lstm", "gru", "gru(%d,reset_before")) {
      String k = kind.contains("(") ? kind : kind + "(%d";
      cases.add(Case.of(String.format(k, 5) + ") > dense(2)", seed++, 3, uniform(4, 10)));
      cases.add(Case.of(String.format(k, 1) + ")", seed++, 1, uniform(1, 1))); // everything 1
      cases.add(Case.of(String.format(k, 19) + ") > dense(3,softmax)", seed++, 7, uniform(37, 13))); // odd sizes
      cases.add(Case.of(String.format(k, 6) + ",nobias) > dense(2,nobias)", seed++, 4, uniform(9, 8)));
      cases.add(Case.of(String.format(k, 6) + ",rs) > dense(3)", seed++, 4, uniform(5, 9))); // sequence output
      cases.add(Case.of(String.format(k, 6) + ",back) > dense(3)", seed++, 4, uniform(5, 9)));
      cases.add(Case.of(String.format(k, 6) + ",rs,back)", seed++, 4, uniform(5, 9)));
      cases.add(Case.of(String.format(k, 16) + ") > dense(2)", seed++, 4, uniform(3, 400))); // long T
      cases.add(Case.of(String.format(k, 7) + ",rs,back) > dense(2)", seed++, 3, ragged(seed, 11, 1, 30)));
      cases.add(Case.of(String.format(k, 7) + ",act=relu,rec=hard_sigmoid2) > dense(2)", seed++, 3, uniform(6, 12)));
      cases.add(Case.of(String.format(k, 7) + ",act=softsign,rec=hard_sigmoid) > dense(2)", seed++, 3,
          uniform(6, 12)));
      cases.add(Case.of(String.format(k, 40) + ",rs) > dense(10,log_softmax)", seed++, 17, uniform(40, 33)));
      cases.add(Case.of(String.format(k, 2) + ")", seed++, 2, uniform(65, 3))); // wide batch
    }
    return cases.stream().map(ForwardPassLayersTest::named);
  }

  @ParameterizedTest
  @MethodSource("recurrentKinds")
  void score_eachRecurrentKind_matchesReference(Case c) {
    check(c);
  }

  /**
   * Widths on both sides of the fused kernel's column groups (8) and tiles (2 × the vector
   * lanes), of auto's thresholds, and odd ones: M = 1, 7, 17, 33, 65, 129 with D = 1, 8, 65, each
   * cell with masks, ragged rows and sequence outputs.
   */
  static Stream<Arguments> widths() {
    List<Case> cases = new ArrayList<>();
    long seed = 7000;
    int[][] shapes = {{1, 1}, {7, 8}, {17, 3}, {33, 65}, {65, 8}, {129, 1}, {40, 200}};
    for (String kind : List.of("simple", "lstm", "gru", "gru(%d,reset_before")) {
      String k = kind.contains("(") ? kind : kind + "(%d";
      for (int[] shape : shapes) {
        int m = shape[0];
        int d = shape[1];
        cases.add(Case.of(String.format(k, m) + ") > dense(3)", seed++, d, uniform(m > 100 ? 5 : 35, 6)));
        cases.add(Case.of("masking(0) > " + String.format(k, m) + ",rs,zero) > dense(2)", seed++, d,
            ragged(seed, m > 100 ? 9 : 37, 1, 9)).masks(Masks.BOTH));
      }
    }
    return cases.stream().map(ForwardPassLayersTest::named);
  }

  @ParameterizedTest
  @MethodSource("widths")
  void score_widthsAroundEveryThreshold_matchReference(Case c) {
    check(c);
  }

  static Stream<Arguments> stacks() {
    return Stream.of(
        Case.of("lstm(8,rs) > gru(5,rs,back) > simple(4) > dense(3)", 2001, 3, uniform(6, 11)),
        Case.of("gru(6,rs,reset_before) > lstm(5,rs) > dense(2,softmax)", 2002, 5, uniform(4, 7)),
        Case.of("simple(4,rs,back) > lstm(3,rs,back) > gru(7)", 2003, 2, uniform(3, 9)),
        Case.of("lstm(9,rs,nobias) > lstm(9,rs) > lstm(9) > dense(4,relu) > dense(1,sigmoid)", 2004, 6,
            uniform(8, 20)),
        Case.of("gru(5,rs) > gru(5,rs,reset_before,nobias) > dense(5,tanh) > simple(3,rs)", 2005, 4,
            ragged(2005, 13, 1, 17)),
        Case.of("lstm(12,rs) > gru(12,rs) > dense(3)", 2006, 8, uniform(4, 300)), // long T, sequence output
        Case.of("simple(3,rs) > simple(3,rs,back) > simple(3,rs) > simple(3,back)", 2007, 3,
            ragged(2007, 20, 1, 12)))
        .map(ForwardPassLayersTest::named);
  }

  @ParameterizedTest
  @MethodSource("stacks")
  void score_recurrentStacks_matchReference(Case c) {
    check(c);
  }

  static Stream<Arguments> bidirectional() {
    List<Case> cases = new ArrayList<>();
    long seed = 3000;
    for (String mode : List.of("concat", "sum", "mul", "ave")) {
      for (String kind : List.of("simple", "lstm", "gru")) {
        cases.add(Case.of("bi(" + kind + ",5," + mode + ") > dense(2)", seed++, 3, uniform(6, 9)));
        cases.add(Case.of("bi(" + kind + ",5," + mode + ",rs) > dense(2)", seed++, 3, uniform(6, 9)));
      }
      cases.add(Case.of("bi(gru,4," + mode + ",rs,reset_before) > bi(lstm,3," + mode + ")", seed++, 2,
          ragged(seed, 12, 1, 15)));
      cases.add(Case.of("bi(lstm,6," + mode + ",rs,back)", seed++, 4, ragged(seed, 9, 1, 11))); // forward half backwards
      cases.add(Case.of("bi(simple,3," + mode + ",rs,nobias) > dense(4,softmax)", seed++, 2, uniform(1, 1)));
    }
    cases.add(Case.of("bi(lstm,16,concat,rs) > bi(gru,8,ave) > dense(3,softmax)", 3100, 10, uniform(2, 250)));
    return cases.stream().map(ForwardPassLayersTest::named);
  }

  @ParameterizedTest
  @MethodSource("bidirectional")
  void score_bidirectional_matchesReference(Case c) {
    check(c);
  }

  static Stream<Arguments> masking() {
    List<Case> cases = new ArrayList<>();
    long seed = 4000;
    for (String kind : List.of("simple", "lstm", "gru", "gru(%d,reset_before")) {
      String k = kind.contains("(") ? kind : kind + "(%d";
      cases.add(Case.of("masking(0) > " + String.format(k, 5) + ") > dense(2)", seed++, 3, uniform(21, 9))
          .masks(Masks.MODEL));
      cases.add(Case.of("masking(-1) > " + String.format(k, 5) + ",rs) > dense(2)", seed++, 3, uniform(21, 9))
          .masks(Masks.MODEL));
      cases.add(Case.of("masking(0) > " + String.format(k, 5) + ",rs,zero)", seed++, 3, ragged(seed, 21, 1, 12))
          .masks(Masks.MODEL));
      cases.add(Case.of("masking(0.5) > " + String.format(k, 5) + ",back) > dense(2)", seed++, 3,
          ragged(seed, 21, 1, 12)).masks(Masks.MODEL));
      cases.add(Case.of("masking(0) > " + String.format(k, 5) + ",rs,back)", seed++, 3, ragged(seed, 21, 1, 12))
          .masks(Masks.MODEL));
      cases.add(Case.of("masking(0) > " + String.format(k, 5) + ",rs,back,zero)", seed++, 3, uniform(21, 7))
          .masks(Masks.MODEL));
      cases.add(Case.of(String.format(k, 5) + ",rs) > dense(2)", seed++, 3, ragged(seed, 21, 1, 12))
          .masks(Masks.EXPLICIT));
      cases.add(Case.of("masking(0) > " + String.format(k, 4) + ",rs) > " + String.format(k, 3) + ",back)", seed++,
          2, ragged(seed, 28, 1, 10)).masks(Masks.BOTH));
    }
    for (String mode : List.of("concat", "sum", "mul", "ave")) {
      cases.add(Case.of("masking(0) > bi(lstm,4," + mode + ",rs) > dense(2)", seed++, 3, ragged(seed, 21, 1, 10))
          .masks(Masks.MODEL));
      cases.add(Case.of("masking(0) > bi(gru,4," + mode + ") > dense(2)", seed++, 3, ragged(seed, 21, 1, 10))
          .masks(Masks.MODEL));
      cases.add(Case.of("masking(0) > bi(simple,4," + mode + ",rs,nozero)", seed++, 3, ragged(seed, 21, 1, 10))
          .masks(Masks.BOTH));
    }
    // Dense and Activation pass the mask on to the recurrent layer after them.
    cases.add(Case.of("masking(0) > dense(6,relu) > activation(tanh) > lstm(4,rs) > dense(3,softmax)", 4100, 3,
        ragged(4100, 21, 1, 12)).masks(Masks.MODEL));
    cases.add(Case.of("masking(0) > lstm(5,rs) > dense(4) > gru(3) > dense(1)", 4101, 4, ragged(4101, 21, 1, 12))
        .masks(Masks.BOTH));
    cases.add(Case.of("masking(0) > lstm(6,rs,back) > lstm(3)", 4102, 4, uniform(14, 8)).masks(Masks.MODEL));
    cases.add(Case.of("masking(0) > gru(8) > dense(2)", 4103, 5, uniform(7, 200)).masks(Masks.MODEL));
    return cases.stream().map(ForwardPassLayersTest::named);
  }

  @ParameterizedTest
  @MethodSource("masking")
  void score_masks_matchReference(Case c) {
    check(c);
  }

  static Stream<Arguments> otherLayers() {
    return Stream.of(
        // Embedding, with and without mask_zero (token 0 is an ordinary token without it).
        Case.of("embedding(20,6) > lstm(5) > dense(2)", 5001, 1, uniform(8, 9)).masks(Masks.MODEL),
        Case.of("embedding(20,6,mask_zero) > lstm(5) > dense(2)", 5002, 1, uniform(21, 9)).masks(Masks.MODEL),
        Case.of("embedding(7,3,mask_zero) > gru(4,rs) > dense(2,softmax)", 5003, 1, ragged(5003, 21, 1, 14))
            .masks(Masks.BOTH),
        Case.of("embedding(50,8,mask_zero) > bi(lstm,4,concat,rs) > bi(gru,3,sum)", 5004, 1, ragged(5004, 21, 1, 12))
            .masks(Masks.MODEL),
        Case.of("embedding(2,1) > simple(1)", 5005, 1, uniform(3, 4)),
        Case.of("embedding(30,5) > simple(4,rs,back) > dense(3)", 5006, 1, ragged(5006, 10, 1, 9))
            .masks(Masks.EXPLICIT),
        // Flatten after a sequence (every row the declared length), and on a vector.
        Case.of("lstm(4,rs) > flatten > dense(3,softmax)", 5010, 3, uniform(5, 6)).declared(6),
        Case.of("gru(3,rs,back) > flatten > dense(2)", 5011, 2, uniform(1, 4)).declared(4),
        Case.of("masking(0) > simple(3,rs) > flatten > dense(2)", 5012, 2, uniform(14, 5)).declared(5)
            .masks(Masks.MODEL),
        Case.of("lstm(4) > flatten > dense(2)", 5013, 3, ragged(5013, 6, 1, 8)),
        // Dense per step (TimeDistributed(Dense)), first and last; Activation layers.
        Case.of("dense(6,relu) > lstm(4) > dense(2)", 5020, 3, ragged(5020, 9, 1, 10)),
        Case.of("lstm(5,rs) > dense(4,softmax)", 5021, 3, ragged(5021, 9, 1, 10)),
        Case.of("gru(5,rs) > dense(6,relu) > dense(3) > activation(softmax)", 5022, 3, ragged(5022, 9, 1, 10)),
        Case.of("simple(5,rs) > activation(log_softmax)", 5023, 2, uniform(4, 7)),
        Case.of("lstm(5) > activation(softmax)", 5024, 2, uniform(4, 7)),
        Case.of("lstm(5) > dense(4) > activation(gelu) > dense(2) > activation(sigmoid)", 5025, 2, uniform(4, 7)),
        Case.of("dense(4) > activation(tanh) > bi(lstm,3,mul,rs) > dense(2) > activation(softmax)", 5026, 5,
            ragged(5026, 12, 1, 9)))
        .map(ForwardPassLayersTest::named);
  }

  @ParameterizedTest
  @MethodSource("otherLayers")
  void score_embeddingFlattenDenseActivation_matchReference(Case c) {
    check(c);
  }

  static Stream<Arguments> raggedBatches() {
    return Stream.of(
        Case.of("lstm(6) > dense(2)", 6001, 3, new int[] {1, 2, 3, 4, 5, 6, 7, 8}),
        Case.of("lstm(6,rs) > dense(2)", 6002, 3, new int[] {8, 1, 7, 2, 6, 3, 5, 4}),
        Case.of("gru(6,rs,back) > dense(2)", 6003, 3, new int[] {5, 5, 1, 5, 9, 9, 1}),
        Case.of("bi(gru,4,concat,rs)", 6004, 3, new int[] {1, 30, 2, 29, 15}),
        Case.of("simple(5,rs) > lstm(4,back) > dense(3)", 6005, 4, ragged(6005, 64, 1, 40)),
        Case.of("lstm(8,rs) > dense(3,softmax)", 6006, 4, ragged(6006, 50, 1, 120)))
        .map(ForwardPassLayersTest::named);
  }

  @ParameterizedTest
  @MethodSource("raggedBatches")
  void score_raggedBatches_eachRowMatchesReference(Case c) {
    check(c);
  }

  // ------------------------------------------------------------------ targeted Keras corner cases

  /**
   * Keras' RNN returns {@code outputs[-1]} as its last output; with zero_output_for_mask that is
   * zeros when the last processed step is masked ({@code keras/src/backend/tensorflow/rnn.py}:
   * {@code last_output = tf.where(mask_list[-1], last_output, zeros)} unrolled, {@code o[-1]} of
   * the zero-filled outputs in the while loop), even without return_sequences.
   */
  @Test
  void score_zeroOutputForMaskLastOnly_trailingMaskedStep_givesZeros() {
    RnnModel model = ModelSpec.build("masking(0) > lstm(3,zero)", 7001, 2, 0);
    float[] values = {0.5f, -0.25f, 0.75f, 0.125f, 0, 0};
    double[] reference = ReferenceForwardPass.forwardRow(model, new double[][] {{0.5, -0.25}, {0.75, 0.125}, {0, 0}},
        null);
    assertEquals(List.of(0.0, 0.0, 0.0), Arrays.stream(reference).boxed().toList(), "reference: Keras gives zeros");
    float[][] out = new ForwardPass(model).score(values, new int[] {0}, new int[] {3}, 1);
    assertClose(reference, out[0], 3, "LSTM(zero_output_for_mask=True, return_sequences=False), last step masked");
  }

  /**
   * Keras' Masking computes its mask from its own input and replaces the incoming one
   * (Masking.compute_mask ignores the mask it is given). After an LSTM(return_sequences) a
   * masked step's output repeats the previous output, which is not all mask_value, so a second
   * Masking unmasks it and the last LSTM processes it.
   */
  @Test
  void score_secondMaskingLayer_replacesIncomingMask() {
    RnnModel model = ModelSpec.build("masking(0) > lstm(3,rs) > masking(0) > gru(2)", 7002, 2, 0);
    double[][] x = {{0.5, -0.25}, {0, 0}, {0.75, 0.125}, {0, 0}};
    double[] reference = ReferenceForwardPass.forwardRow(model, x, null);
    float[] values = {0.5f, -0.25f, 0, 0, 0.75f, 0.125f, 0, 0};
    float[][] out = new ForwardPass(model).score(values, new int[] {0}, new int[] {4}, 1);
    assertClose(reference, out[0], 2, "Masking > LSTM(rs) > Masking > GRU with masked steps 1 and 3");
  }

  /** A row of the explicit mask may be null (no mask for that row), or the whole mask null. */
  @Test
  void score_explicitMaskNullRows_meanUnmasked() {
    RnnModel model = ModelSpec.build("lstm(4,rs) > dense(2)", 7003, 3, 0);
    Random rnd = new Random(7003);
    float[] values = new float[2 * 5 * 3];
    for (int i = 0; i < values.length; i++) {
      values[i] = rnd.nextFloat() * 2 - 1;
    }
    ForwardPass pass = new ForwardPass(model);
    float[][] none = pass.score(values, new int[] {0, 15}, new int[] {5, 5}, 2);
    float[][] nullRows = pass.score(values, new int[] {0, 15}, new int[] {5, 5}, 2, new boolean[2][]);
    float[][] nullMask = pass.score(values, new int[] {0, 15}, new int[] {5, 5}, 2, null);
    boolean[] allTrue = {true, true, true, true, true};
    float[][] trueMask = pass.score(values, new int[] {0, 15}, new int[] {5, 5}, 2, new boolean[][] {allTrue, null});
    for (int b = 0; b < 2; b++) {
      assertTrue(Arrays.equals(none[b], nullRows[b]) && Arrays.equals(none[b], nullMask[b]), "row " + b);
      assertClose(toDouble(none[b]), trueMask[b], 2, "all-true mask row " + b);
    }
  }

  /** A fully masked row: every state stays 0, so the LSTM outputs 0 and the Dense its bias. */
  @Test
  void score_fullyMaskedRow_givesDenseOfZeroState() {
    RnnModel model = ModelSpec.build("masking(0) > lstm(4) > dense(2)", 7004, 3, 0);
    float[][] out = new ForwardPass(model).score(new float[9], new int[] {0}, new int[] {3}, 1);
    float[] bias = ((org.rnnscore.model.DenseLayer) model.layers().get(2)).bias().orElseThrow().data();
    assertClose(toDouble(bias), out[0], 2, "fully masked row");
  }

  /** One instance, many calls of different shapes and masks: no state leaks from call to call. */
  @Test
  void score_sameInstanceManyCalls_eachMatchesReference() {
    RnnModel model = ModelSpec.build("masking(0) > bi(lstm,4,concat,rs) > gru(3,rs,back) > dense(2,softmax)", 7005,
        3, 0);
    ForwardPass pass = new ForwardPass(model);
    int[][] shapes = {{5, 1, 9}, {1, 1, 1}, {12, 1, 30}, {5, 1, 9}, {3, 7, 7}, {64, 1, 4}, {2, 20, 20}};
    for (int[] s : shapes) {
      Case c = new Case("masking(0) > bi(lstm,4,concat,rs) > gru(3,rs,back) > dense(2,softmax)", 7005, 3,
          ragged(s[0] * 31L + s[2], s[0], s[1], s[2]), Masks.BOTH, 0);
      Rows rows = rows(c, model);
      float[] values = new float[Arrays.stream(c.lengths()).sum() * 3];
      int[] offsets = new int[s[0]];
      int at = 0;
      for (int b = 0; b < s[0]; b++) {
        offsets[b] = at;
        for (double[] step : rows.x()[b]) {
          for (double v : step) {
            values[at++] = (float) v;
          }
        }
      }
      float[][] out = pass.score(values, offsets, c.lengths(), s[0], rows.explicit());
      for (int b = 0; b < s[0]; b++) {
        assertClose(ReferenceForwardPass.forwardRow(model, rows.x()[b], rows.explicit()[b]), out[b], 2,
            "call " + Arrays.toString(s) + " row " + b);
      }
    }
  }

  @Test
  void score_uniformApiSequenceOutput_bufferTooShort_namesTimesteps() {
    RnnModel model = ModelSpec.build("lstm(4,rs) > dense(2)", 7006, 3, 0);
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new ForwardPass(model).score(new float[2 * 5 * 3], 2, 5, new float[19]));
    assertEquals("prediction buffer holds 19 values, expected at least 20 (batch 2 × timesteps 5 × K 2)",
        e.getMessage());
  }

  static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
