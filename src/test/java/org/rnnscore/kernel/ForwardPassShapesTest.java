package org.rnnscore.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** The layers that reshape the per-row tensor (RepeatVector, Reshape, Permute), fast path against the reference. */
class ForwardPassShapesTest {
  static Stream<Arguments> repeatVector() {
    return Stream.of(
        // The LSTM autoencoder: every row, whatever its length, decodes to n steps.
        Case.of("lstm(5) > repeat(7) > lstm(3,rs) > dense(2)", 8001, 3, ragged(8001, 19, 1, 11)),
        Case.of("gru(4) > repeat(1) > gru(6,rs) > dense(5)", 8002, 3, ragged(8002, 9, 1, 6)),
        Case.of("simple(3) > dense(5,relu) > repeat(13) > lstm(7,rs,back) > dense(1)", 8003, 2,
            ragged(8003, 23, 1, 17)),
        Case.of("bi(lstm,3,concat) > repeat(4) > bi(gru,5,sum,rs)", 8004, 5, ragged(8004, 11, 2, 9)),
        // A mask before the encoder shapes the code; the decoder's n steps carry none.
        Case.of("masking(0) > lstm(5) > repeat(6) > lstm(3,rs,zero) > dense(2)", 8005, 3, ragged(8005, 21, 1, 10))
            .masks(Masks.BOTH),
        Case.of("embedding(9,4,mask_zero) > gru(5) > repeat(3) > simple(4,rs) > flatten > dense(2)", 8006, 1,
            ragged(8006, 14, 1, 8)).masks(Masks.MODEL),
        // RepeatVector as the output, and after a Flatten of the declared length.
        Case.of("lstm(4) > repeat(5)", 8007, 3, uniform(6, 4)),
        Case.of("lstm(3,rs) > flatten > repeat(2) > gru(3)", 8008, 2, uniform(7, 5)).declared(5))
        .map(ForwardPassLayersTest::named);
  }

  @ParameterizedTest
  @MethodSource("repeatVector")
  void score_repeatVector_matchesReference(Case c) {
    ForwardPassLayersTest.check(c);
  }

  static Stream<Arguments> reshapeAndPermute() {
    return Stream.of(
        // Forms that keep the steps run at any row length, and drop the mask (Keras 3).
        Case.of("lstm(4,rs) > reshape(-1,4) > gru(3) > dense(2)", 8201, 3, ragged(8201, 17, 1, 9)),
        Case.of("dense(5) > reshape(6,5) > lstm(3,rs)", 8202, 3, ragged(8202, 13, 1, 11)).declared(6),
        Case.of("masking(0) > reshape(-1,3) > lstm(4) > dense(2)", 8203, 3, ragged(8203, 21, 1, 10))
            .masks(Masks.MODEL),
        Case.of("gru(5,rs) > permute(1,2) > simple(3,rs) > dense(2)", 8204, 2, ragged(8204, 11, 1, 8)),
        Case.of("masking(0) > permute(1,2) > gru(3)", 8205, 2, ragged(8205, 14, 1, 8)).masks(Masks.BOTH),
        // A vector to a vector, and a vector to a new sequence (nssa: BiLSTM state (128,) to (128, 1)).
        Case.of("lstm(6) > reshape(6) > dense(2)", 8206, 3, ragged(8206, 9, 1, 7)),
        Case.of("bi(lstm,3,concat) > reshape(6,1) > lstm(4) > dense(2)", 8207, 3, ragged(8207, 15, 1, 9)),
        Case.of("gru(6) > reshape(-1,2) > lstm(3,rs)", 8208, 2, ragged(8208, 9, 1, 6)),
        Case.of("gru(6) > reshape(2,-1) > lstm(3,rs)", 8209, 2, ragged(8209, 9, 1, 6)),
        // Forms that merge or move the time axis: every row the declared T.
        Case.of("lstm(3,rs) > reshape(15) > dense(2)", 8210, 2, uniform(7, 5)).declared(5),
        Case.of("lstm(3,rs) > reshape(5,3) > gru(4) > dense(1)", 8211, 2, uniform(9, 5)).declared(5),
        Case.of("simple(4,rs) > reshape(-1,10) > lstm(3,rs)", 8212, 3, uniform(6, 5)).declared(5),
        Case.of("simple(4,rs) > reshape(2,-1) > lstm(3)", 8213, 3, uniform(6, 5)).declared(5),
        Case.of("gru(3,rs) > permute(2,1) > lstm(4,rs) > dense(2)", 8214, 2, uniform(11, 7)).declared(7),
        Case.of("masking(0) > lstm(5,rs) > permute(2,1) > flatten > dense(3)", 8215, 3, uniform(14, 4)).declared(4)
            .masks(Masks.MODEL))
        .map(ForwardPassLayersTest::named);
  }

  @ParameterizedTest
  @MethodSource("reshapeAndPermute")
  void score_reshapeAndPermute_matchReference(Case c) {
    ForwardPassLayersTest.check(c);
  }

  @Test
  void score_repeatVectorOutput_givesNStepsForEveryRowLength() {
    RnnModel model = ModelSpec.build("lstm(3) > repeat(4) > lstm(2,rs)", 8100, 2, 0);
    float[] values = {0.5f, -1, 0.25f, 0.75f, -0.5f, 1};
    float[][] out = new ForwardPass(model).score(values, new int[] {0, 2}, new int[] {1, 2}, 2);
    assertEquals(4 * 2, out[0].length);
    assertEquals(4 * 2, out[1].length);
    assertEquals(4, model.outputSteps(1));
    assertEquals(4, model.outputSteps(100));
  }
}
