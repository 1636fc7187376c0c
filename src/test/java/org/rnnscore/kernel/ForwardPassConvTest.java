package org.rnnscore.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnnscore.kernel.ForwardPassLayersTest.ragged;
import static org.rnnscore.kernel.ForwardPassLayersTest.uniform;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnnscore.kernel.ForwardPassLayersTest.Case;
import org.rnnscore.kernel.ForwardPassLayersTest.Masks;
import org.rnnscore.model.Conv1DLayer;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.StepMinimum;

/**
 * Conv1D and the 1-D pooling layers, the im2col fast path against the reference's direct
 * convolution, on seeded random shapes: every padding, k = 1, kernels longer than the row
 * (same/causal), odd widths, strides 2 and 3, dilation 2, ragged rows each at its own length.
 */
class ForwardPassConvTest {
  static Stream<Arguments> convolutions() {
    return Stream.of(
        Case.of("conv(5,3) > lstm(4) > dense(2)", 9001, 3, ragged(9001, 17, 3, 12)),
        Case.of("conv(4,1) > gru(3)", 9002, 1, ragged(9002, 9, 1, 7)),
        Case.of("conv(7,3,same,relu) > lstm(3,rs) > dense(2)", 9003, 5, ragged(9003, 19, 1, 11)),
        Case.of("conv(3,7,same) > simple(4)", 9004, 2, ragged(9004, 11, 1, 5)),
        Case.of("conv(3,7,causal,tanh) > gru(5,rs)", 9005, 3, ragged(9005, 13, 1, 6)),
        Case.of("conv(6,4,same,s=2) > lstm(3,rs) > dense(1)", 9006, 3, ragged(9006, 15, 1, 14)),
        Case.of("conv(5,3,valid,s=3,nobias) > gru(4)", 9007, 4, ragged(9007, 13, 3, 16)),
        Case.of("conv(5,2,same,s=3) > gru(2,rs)", 9008, 1, ragged(9008, 10, 1, 10)),
        Case.of("conv(4,3,d=2) > lstm(3)", 9009, 3, ragged(9009, 12, 5, 13)),
        Case.of("conv(4,3,same,d=2,relu) > lstm(3,rs)", 9010, 2, ragged(9010, 12, 1, 9)),
        Case.of("conv(4,3,causal,d=2) > conv(3,2,causal,d=2) > gru(3,rs)", 9011, 3, ragged(9011, 14, 1, 9)),
        Case.of("conv(8,3,relu) > conv(8,3,relu) > maxpool(2) > lstm(5) > dense(1)", 9012, 7,
            ragged(9012, 16, 6, 30)),
        Case.of("lstm(4,rs) > conv(3,2) > dense(2)", 9013, 3, ragged(9013, 9, 2, 8)),
        Case.of("conv(5,3,same) > lstm(3)", 9014, 2, uniform(6, 4)),
        // Flatten after the convolution and pooling: every row the declared T, so ⌊(T − 2)/2⌋ steps each.
        Case.of("lstm(3,rs) > conv(4,3,relu) > maxpool(2) > flatten > dense(2)", 9016, 2, uniform(7, 9)).declared(9),
        // A mask before the convolution: Keras 3 drops it there (Masking's zeros still reach it).
        Case.of("masking(0) > conv(4,3,same) > lstm(3,rs)", 9015, 3, ragged(9015, 14, 1, 9)).masks(Masks.MODEL))
        .map(ForwardPassLayersTest::named);
  }

  @ParameterizedTest
  @MethodSource("convolutions")
  void score_conv1d_matchesDirectConvolution(Case c) {
    ForwardPassLayersTest.check(c);
  }

  static Stream<Arguments> pooling() {
    return Stream.of(
        Case.of("maxpool(2) > lstm(4) > dense(2)", 9101, 3, ragged(9101, 17, 2, 12)),
        Case.of("avgpool(3) > gru(3,rs)", 9102, 2, ragged(9102, 11, 3, 13)),
        Case.of("maxpool(3,same) > gru(3,rs)", 9103, 3, ragged(9103, 13, 1, 11)),
        Case.of("avgpool(3,same) > lstm(3,rs)", 9104, 3, ragged(9104, 13, 1, 11)),
        Case.of("avgpool(4,s=2,same) > lstm(3,rs) > dense(2)", 9105, 1, ragged(9105, 12, 1, 10)),
        Case.of("maxpool(2,s=1) > lstm(3)", 9106, 5, ragged(9106, 9, 2, 8)),
        Case.of("maxpool(2,s=3) > simple(3,rs)", 9107, 2, ragged(9107, 9, 2, 14)),
        Case.of("lstm(5,rs) > gmaxpool > dense(2)", 9108, 3, ragged(9108, 13, 1, 9)),
        Case.of("lstm(5,rs) > gavgpool > dense(2)", 9109, 3, ragged(9109, 13, 1, 9)),
        Case.of("conv(4,3,same) > gavgpool(keepdims) > lstm(3)", 9110, 3, ragged(9110, 9, 1, 9)),
        Case.of("gru(3,rs) > gmaxpool(keepdims)", 9111, 2, ragged(9111, 7, 1, 6)))
        .map(ForwardPassLayersTest::named);
  }

  @ParameterizedTest
  @MethodSource("pooling")
  void score_pooling_matchesReference(Case c) {
    ForwardPassLayersTest.check(c);
  }

  @Test
  void score_globalAveragePooling_averagesOnlyUnmaskedSteps() {
    // The same seeded LSTM with and without the pooling: the pooled row is the mean of the LSTM's
    // outputs at the unmasked steps (Keras: sum(x·mask) / sum(mask)), worked out here by hand.
    RnnModel sequence = ModelSpec.build("lstm(4,rs)", 31, 3, 0);
    RnnModel pooled = ModelSpec.build("lstm(4,rs) > gavgpool", 31, 3, 0);
    float[] x = new float[5 * 3];
    java.util.Random rnd = new java.util.Random(8);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    boolean[][] mask = {{true, false, true, false, true}};
    float[] steps = new ForwardPass(sequence).score(x, new int[] {0}, new int[] {5}, 1, mask)[0];
    float[] mean = new ForwardPass(pooled).score(x, new int[] {0}, new int[] {5}, 1, mask)[0];
    for (int j = 0; j < 4; j++) {
      double want = (steps[j] + steps[2 * 4 + j] + steps[4 * 4 + j]) / 3.0;
      assertEquals(want, mean[j], 1e-6, "feature " + j);
    }
    double[] reference = ReferenceForwardPass.forwardRow(pooled, toDouble(x, 5, 3), mask[0]);
    for (int j = 0; j < 4; j++) {
      assertEquals(reference[j], mean[j], 1e-5, "reference, feature " + j);
    }
  }

  private static double[][] toDouble(float[] x, int t, int d) {
    double[][] out = new double[t][d];
    for (int i = 0; i < t * d; i++) {
      out[i / d][i % d] = x[i];
    }
    return out;
  }

  @Test
  void outputSteps_followEachRowsLength() {
    RnnModel model = ModelSpec.build("conv(3,3) > maxpool(2) > lstm(2,rs)", 1, 2, 0);
    // (L − 3 + 1) steps after the convolution, then ⌊(that − 2)/2⌋ + 1.
    assertEquals(1, model.outputSteps(4));
    assertEquals(2, model.outputSteps(6));
    assertEquals(4, model.outputSteps(11));
    float[][] out = new ForwardPass(model).score(new float[11 * 2 + 4 * 2], new int[] {0, 22}, new int[] {11, 4}, 2);
    assertEquals(4 * 2, out[0].length);
    assertEquals(1 * 2, out[1].length);
  }

  @Test
  void stepMinimums_nameEachLayerWithItsReceptiveField() {
    RnnModel model = ModelSpec.build("conv(3,3) > conv(3,2,same) > maxpool(2) > lstm(2)", 1, 2, 0);
    assertEquals(List.of(new StepMinimum("conv_0", "Conv1D", 3), new StepMinimum("maxpool_2", "MaxPooling1D", 4)),
        model.stepMinimums());
    assertEquals("row of 2 steps is shorter than conv_0's receptive field of 3",
        model.stepMinimums().get(0).shortfall(2));
    assertEquals(null, model.stepMinimums().get(0).shortfall(3));
    assertEquals(List.of(), ModelSpec.build("conv(3,5,causal) > maxpool(2,same) > gru(2)", 1, 2, 0).stepMinimums(),
        "causal and same padding give a step for every row");
    assertEquals(List.of(new StepMinimum("conv_0", "Conv1D", 7)),
        ModelSpec.build("conv(3,4,d=2) > gru(2)", 1, 2, 0).stepMinimums(), "(k − 1)·d + 1 = 7");
  }

  @Test
  void score_rowShorterThanTheKernel_isRefusedByTheKernel() {
    RnnModel model = ModelSpec.build("conv(3,3) > lstm(2)", 1, 2, 0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ForwardPass(model).score(new float[4], new int[] {0}, new int[] {2}, 1));
    assertTrue(e.getMessage().contains("a row too short for the layer"), e.getMessage());
  }

  @Test
  void conv1d_stridesWithDilation_refusedAsKerasRefusesThem() {
    org.rnnscore.model.ModelFormatException e = assertThrows(org.rnnscore.model.ModelFormatException.class,
        () -> ModelSpec.build("conv(3,3,s=2,d=2) > lstm(2)", 1, 2, 0));
    assertEquals("layer 'conv_0' (Conv1D) has strides 2 and dilation_rate 2; Keras does not allow strides > 1"
        + " together with dilation_rate > 1", e.getMessage());
  }

  @Test
  void conv1d_declaredTimestepsShorterThanTheKernel_refused() {
    org.rnnscore.model.ModelFormatException e = assertThrows(org.rnnscore.model.ModelFormatException.class,
        () -> ModelSpec.build("conv(3,5) > lstm(2)", 1, 2, 4));
    assertEquals("layer 'conv_0' (Conv1D) spans 5 steps, but spec gives 4 ((None, 4, 2)): it would give no steps"
        + " at all", e.getMessage());
  }

  @Test
  void conv1d_largeBatch_cutIntoSeveralGemms_matchesOneGemm() {
    // More patch values than one GEMM takes: the chunks must join up exactly.
    RnnModel model = ModelSpec.build("conv(2,5,same) > gru(2,rs)", 77, 64, 0);
    int rows = Conv1DStage.MAX_PATCH_VALUES / (5 * 64) / 300 + 1;
    int t = 301;
    float[] x = new float[rows * t * 64];
    java.util.Random rnd = new java.util.Random(5);
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    int[] offsets = new int[rows];
    int[] lengths = new int[rows];
    for (int b = 0; b < rows; b++) {
      offsets[b] = b * t * 64;
      lengths[b] = t - b % 5;
    }
    assertTrue((long) rows * t * 5 * 64 > Conv1DStage.MAX_PATCH_VALUES, "the batch needs more than one GEMM");
    float[][] all = new ForwardPass(model).score(x, offsets, lengths, rows);
    for (int b : new int[] {0, rows / 2, rows - 1}) {
      float[][] alone = new ForwardPass(model).score(x, new int[] {offsets[b]}, new int[] {lengths[b]}, 1);
      for (int i = 0; i < alone[0].length; i++) {
        assertEquals(alone[0][i], all[b][i], 1e-5 + 1e-4 * Math.abs(alone[0][i]), "row " + b + " value " + i);
      }
    }
  }

  @Test
  void conv1dLayer_kernelOfAnotherShape_namesBoth() {
    org.rnnscore.model.ModelFormatException e = assertThrows(org.rnnscore.model.ModelFormatException.class,
        () -> new Conv1DLayer("c", 4, 3, 1, 1, org.rnnscore.model.Padding1D.VALID,
            new org.rnnscore.model.WeightArray("kernel", new int[] {2, 3, 4}, new float[24]), null,
            org.rnnscore.model.Activation.LINEAR));
    assertEquals("layer 'c' kernel has shape [2, 3, 4], expected [3, 3, 4] (kernel_size = 3, filters = 4)",
        e.getMessage());
  }
}
