package org.rnnscore.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.rnnscore.kernel.ForwardPassLayersTest.named;
import static org.rnnscore.kernel.ForwardPassLayersTest.ragged;
import static org.rnnscore.kernel.ForwardPassLayersTest.uniform;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnnscore.kernel.ForwardPassLayersTest.Case;
import org.rnnscore.kernel.ForwardPassLayersTest.Masks;
import org.rnnscore.model.RnnModel;

/**
 * BatchNormalization, LayerNormalization and the activation layers (ReLU, LeakyReLU, ELU,
 * ThresholdedReLU, Softmax, PReLU) in ForwardPass against {@link ReferenceForwardPass} on seeded
 * random models (see {@link ModelSpec}): before, between and after recurrent layers, on
 * sequences and vectors, sizes of 1 and odd sizes, ragged batches, and behind a Masking layer
 * (each passes the mask on to the recurrent layer after it). Tolerances as in {@link
 * ForwardPassLayersTest}.
 */
class ForwardPassNormalizationTest {
  static Stream<Arguments> normalization() {
    return Stream.of(
        Case.of("bn > lstm(5) > dense(2)", 8001, 3, uniform(4, 9)),
        Case.of("bn(noscale,eps=0.01) > simple(1)", 8002, 1, uniform(1, 1)), // everything 1
        Case.of("bn > gru(19) > bn(nocenter) > dense(3,softmax)", 8003, 7, uniform(37, 13)), // odd sizes
        Case.of("lstm(4,rs) > bn(nocenter,noscale,axis=2) > gru(3,rs) > dense(2)", 8004, 3, ragged(8004, 11, 1, 15)),
        Case.of("lstm(5) > bn(axis=1,eps=1e-5) > dense(2)", 8005, 2, ragged(8005, 9, 1, 8)), // on a vector
        Case.of("ln > lstm(5) > dense(2)", 8010, 3, uniform(4, 9)),
        Case.of("ln(eps=0.01) > simple(1)", 8011, 1, uniform(1, 1)), // one feature: var 0, output β
        Case.of("lstm(6,rs) > ln(nocenter) > gru(4) > ln(noscale,axis=1) > dense(3)", 8012, 5, ragged(8012, 13, 1, 12)),
        Case.of("bi(gru,4,concat,rs) > ln(axis=2) > bn > lstm(3)", 8013, 3, ragged(8013, 17, 1, 10)),
        Case.of("gru(7,rs) > ln(nocenter,noscale) > dense(2)", 8014, 4, uniform(5, 6)))
        .map(ForwardPassLayersTest::named);
  }

  @ParameterizedTest
  @MethodSource("normalization")
  void score_normalizationLayers_matchReference(Case c) {
    ForwardPassLayersTest.check(c);
  }

  static Stream<Arguments> activations() {
    return Stream.of(
        Case.of("dense(6) > leaky(0.3) > lstm(4) > dense(2)", 8101, 3, ragged(8101, 9, 1, 10)),
        Case.of("lstm(5) > dense(4) > leaky(0.01) > dense(2)", 8102, 2, uniform(5, 6)),
        Case.of("dense(6) > relu(none,0,0) > gru(3)", 8103, 3, uniform(4, 7)),
        Case.of("dense(6) > relu(0.8,0.1,0.25) > gru(3)", 8104, 3, uniform(4, 7)),
        Case.of("dense(7) > relu(6,0,-0.4) > simple(3,rs) > relu(0.5,0.3,0) > dense(2)", 8105, 3, ragged(8105, 9, 1, 7)),
        Case.of("dense(5) > elu(1.0) > lstm(3) > dense(4) > elu(0.4)", 8106, 2, uniform(6, 5)),
        Case.of("dense(5) > threlu(0.2) > lstm(3) > dense(3) > threlu(-0.1)", 8107, 2, uniform(6, 5)),
        Case.of("lstm(5,rs) > dense(4) > softmax > gru(2) > dense(3) > softmax", 8108, 3, ragged(8108, 9, 1, 9)),
        Case.of("dense(1) > softmax > simple(1)", 8109, 1, uniform(1, 1)),
        Case.of("dense(6) > prelu > lstm(4) > dense(3) > prelu", 8110, 3, ragged(8110, 11, 1, 9)),
        Case.of("dense(6) > prelu(shared) > gru(4,rs) > prelu(shared) > dense(1)", 8111, 3, uniform(3, 5)),
        Case.of("dense(9) > leaky(0.2) > bn > lstm(11,rs) > ln > prelu > dense(5,softmax)", 8112, 13, uniform(33, 7)),
        // One α per declared step and feature (PReLU's default on a sequence of declared length).
        Case.of("dense(4) > prelu(step) > lstm(3,rs) > prelu(step) > dense(2)", 8113, 3, uniform(9, 6)).declared(6),
        Case.of("prelu(step) > simple(1)", 8114, 1, uniform(1, 1)).declared(1))
        .map(ForwardPassLayersTest::named);
  }

  @ParameterizedTest
  @MethodSource("activations")
  void score_activationLayers_matchReference(Case c) {
    ForwardPassLayersTest.check(c);
  }

  /** Each layer behind Masking: masked steps stay masked for the recurrent layer after it (the mask passes on). */
  static Stream<Arguments> masked() {
    return Stream.of("bn", "ln", "leaky(0.3)", "relu(1.5,0.2,0.1)", "elu(0.7)", "threlu(0.3)", "prelu",
            "prelu(shared)", "bn(nocenter) > ln(noscale) > elu(1)")
        .map(layer -> Case.of("masking(0) > " + layer + " > lstm(4,rs) > gru(3) > dense(2)", 8200 + layer.length(), 3,
            ragged(8200, 21, 1, 12)).masks(Masks.BOTH))
        .map(ForwardPassLayersTest::named);
  }

  @ParameterizedTest
  @MethodSource("masked")
  void score_behindMasking_passesTheMaskOn(Case c) {
    ForwardPassLayersTest.check(c);
  }

  /**
   * The mask really passes: BatchNormalization turns a masked step's zeros into its shift, so a
   * recurrent layer that ignored the mask would read that step; with the mask it skips it and
   * the row equals the row without that step.
   */
  @Test
  void score_bnBehindMasking_skipsTheMaskedStep() {
    RnnModel model = ModelSpec.build("masking(0) > bn > lstm(3) > dense(2)", 8300, 2, 0);
    float[] masked = {0.5f, -0.25f, 0f, 0f, 0.75f, 0.125f};
    float[] without = {0.5f, -0.25f, 0.75f, 0.125f};
    ForwardPass pass = new ForwardPass(model);
    float[] a = pass.score(masked, new int[] {0}, new int[] {3}, 1)[0];
    float[] b = pass.score(without, new int[] {0}, new int[] {2}, 1)[0];
    assertEquals(java.util.Arrays.toString(b), java.util.Arrays.toString(a));
    ForwardPassLayersTest.assertClose(ReferenceForwardPass.forwardRow(model,
        new double[][] {{0.5, -0.25}, {0, 0}, {0.75, 0.125}}, null), a, 2, "reference");
  }

  /** One value by hand: γ(x − mean)/√(var + ε) + β = 2·(1 − 0.5)/√(0.24 + 0.01) + 0.25 = 2.25. */
  @Test
  void batchNormalization_oneValueByHand() {
    org.rnnscore.model.WeightArray one = new org.rnnscore.model.WeightArray("kernel", new int[] {1, 1}, new float[] {1});
    RnnModel model = new RnnModel(null, 0, java.util.List.of(
        new org.rnnscore.model.DenseLayer("d", 1, one, null, org.rnnscore.model.Activation.LINEAR),
        new org.rnnscore.model.BatchNormalizationLayer("bn", -1, 0.01, w("gamma", 2), w("beta", 0.25f),
            w("moving_mean", 0.5f), w("moving_variance", 0.24f)),
        new org.rnnscore.model.SimpleRnnLayer("rnn", 1, one, new org.rnnscore.model.WeightArray("recurrent_kernel",
            new int[] {1, 1}, new float[] {0}), null, org.rnnscore.model.Activation.LINEAR)));
    float[] out = new ForwardPass(model).score(new float[] {1f}, new int[] {0}, new int[] {1}, 1)[0];
    assertEquals(2.25f, out[0], 1e-6f);
  }

  private static org.rnnscore.model.WeightArray w(String name, float value) {
    return new org.rnnscore.model.WeightArray(name, new int[] {1}, new float[] {value});
  }
}
