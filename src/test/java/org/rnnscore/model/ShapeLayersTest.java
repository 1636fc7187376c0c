package org.rnnscore.model;

import org.rnnscore.layers.RepeatVectorUnit.RepeatVectorLayer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Shape rules and construction checks of the layers that reshape a row: RepeatVector, Reshape, Permute. */
class ShapeLayersTest {
  @Test
  void repeatVector_onAVector_givesNStepsOfIt() {
    RepeatVectorLayer layer = new RepeatVectorLayer("repeat_vector", 7);
    assertEquals(Shape.sequence(7, 5), layer.outputShape(Shape.vector(5), "layer 'lstm'"));
    assertTrue(layer.mixesTime(Shape.vector(5)));
    assertFalse(layer.needsDeclaredTimesteps(Shape.vector(5)));
    assertEquals("n 7", layer.details());
    assertEquals(0, layer.paramCount());
  }

  @Test
  void repeatVector_onASequence_throws() {
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> new RepeatVectorLayer("repeat_vector", 3).outputShape(Shape.sequence(0, 4), "layer 'lstm'"));
    assertEquals("layer 'repeat_vector' (RepeatVector) needs one vector per row, but layer 'lstm' gives a sequence"
        + " ((None, None, 4)); put it after a layer without return_sequences", e.getMessage());
  }

  @Test
  void repeatVector_nBelowOne_throws() {
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> new RepeatVectorLayer("repeat_vector", 0));
    assertEquals("layer 'repeat_vector' has n = 0, expected at least 1", e.getMessage());
  }

  @Test
  void requiresDeclaredTimesteps_flattenAfterRepeatVector_doesNot() {
    RnnModel model = new RnnModel("input", 0, java.util.List.of(
        new LstmLayer("lstm", 2, Weights.w("kernel", 2, 8), Weights.w("recurrent_kernel", 2, 8), null, Activation.TANH,
            Activation.SIGMOID, Sequencing.LAST),
        new RepeatVectorLayer("repeat_vector", 3), new FlattenLayer("flatten")));
    assertFalse(model.requiresDeclaredTimesteps());
    assertEquals(Shape.vector(6), model.outputShapes().get(2));
  }

  @Test
  void reshape_forms_shapesAndWhatTheyNeed() {
    Shape seq = Shape.sequence(6, 4);
    ReshapeLayer keep = new ReshapeLayer("r", new int[] {-1, 4});
    assertEquals(Shape.sequence(0, 4), keep.outputShape(Shape.sequence(0, 4), "x"));
    assertFalse(keep.needsDeclaredTimesteps(seq));
    assertFalse(keep.mixesTime(seq));
    ReshapeLayer toVector = new ReshapeLayer("r", new int[] {24});
    assertEquals(Shape.vector(24), toVector.outputShape(seq, "x"));
    assertTrue(toVector.needsDeclaredTimesteps(seq));
    assertFalse(toVector.mixesTime(seq));
    ReshapeLayer regroup = new ReshapeLayer("r", new int[] {-1, 3});
    assertEquals(Shape.sequence(8, 3), regroup.outputShape(seq, "x"));
    assertTrue(regroup.needsDeclaredTimesteps(seq));
    assertTrue(regroup.mixesTime(seq));
    ReshapeLayer fromVector = new ReshapeLayer("r", new int[] {128, 1});
    assertEquals(Shape.sequence(128, 1), fromVector.outputShape(Shape.vector(128), "x"));
    assertFalse(fromVector.needsDeclaredTimesteps(Shape.vector(128)));
    assertTrue(fromVector.mixesTime(Shape.vector(128)));
    assertEquals("target_shape (128, 1)", fromVector.details());
    assertEquals("target_shape (24,)", toVector.details());
  }

  @Test
  void reshape_unsupportedOrInconsistent_throwsNamingIt() {
    assertEquals("layer 'r' (Reshape) has target_shape (4, 4, 2); rnnscore reshapes a row to a vector (n,) or a"
        + " sequence (steps, width), not to a tensor of rank 3",
        assertThrows(ModelFormatException.class, () -> new ReshapeLayer("r", new int[] {4, 4, 2})).getMessage());
    assertEquals("layer 'r' (Reshape) has target_shape (-1, -1), expected positive sizes and at most one -1",
        assertThrows(ModelFormatException.class, () -> new ReshapeLayer("r", new int[] {-1, -1})).getMessage());
    assertEquals("layer 'r' (Reshape) cannot reshape what layer 'lstm' gives, (None, 6, 4) (24 values per row), to"
        + " target_shape (5, -1)", assertThrows(ModelFormatException.class,
            () -> new ReshapeLayer("r", new int[] {5, -1}).outputShape(Shape.sequence(6, 4), "layer 'lstm'"))
            .getMessage());
    assertEquals("layer 'r' (Reshape) to (12, 2) merges the time axis of layer 'lstm', so it needs a fixed number of"
        + " timesteps, but the model declares None; declare the input length (Input(shape=(T, D)))",
        assertThrows(ModelFormatException.class,
            () -> new ReshapeLayer("r", new int[] {12, 2}).outputShape(Shape.sequence(0, 4), "layer 'lstm'"))
            .getMessage());
  }

  @Test
  void permute_swapAndKeep_shapesAndRefusals() {
    PermuteLayer swap = new PermuteLayer("p", new int[] {2, 1});
    assertEquals(Shape.sequence(4, 6), swap.outputShape(Shape.sequence(6, 4), "x"));
    assertTrue(swap.needsDeclaredTimesteps(Shape.sequence(6, 4)));
    assertTrue(swap.mixesTime(Shape.sequence(6, 4)));
    PermuteLayer keep = new PermuteLayer("p", new int[] {1, 2});
    assertEquals(Shape.sequence(0, 4), keep.outputShape(Shape.sequence(0, 4), "x"));
    assertFalse(keep.needsDeclaredTimesteps(Shape.sequence(0, 4)));
    assertEquals("layer 'p' (Permute) has dims (2, 3, 1); rnnscore permutes a row's (steps, features) as (1, 2) or"
        + " (2, 1), or a vector as (1,), and no tensor of higher rank",
        assertThrows(ModelFormatException.class, () -> new PermuteLayer("p", new int[] {2, 3, 1})).getMessage());
    assertEquals("layer 'p' (Permute) has dims (1, 2), but layer 'gru' gives (None, 4), expected (1,)",
        assertThrows(ModelFormatException.class, () -> keep.outputShape(Shape.vector(4), "layer 'gru'")).getMessage());
    assertEquals("layer 'p' (Permute) with dims (2, 1) swaps the time axis of layer 'gru', so it needs a fixed number"
        + " of timesteps, but the model declares None; declare the input length (Input(shape=(T, D)))",
        assertThrows(ModelFormatException.class, () -> swap.outputShape(Shape.sequence(0, 4), "layer 'gru'"))
            .getMessage());
  }

  @Test
  void maskedLayerWithoutMaskSupport_followsTheMaskThroughTheGraph() {
    LstmLayer seq = new LstmLayer("lstm", 2, Weights.w("kernel", 2, 8), Weights.w("recurrent_kernel", 2, 8), null,
        Activation.TANH, Activation.SIGMOID, Sequencing.SEQUENCES);
    LstmLayer last = new LstmLayer("lstm_1", 2, Weights.w("kernel", 2, 8), Weights.w("recurrent_kernel", 2, 8), null,
        Activation.TANH, Activation.SIGMOID, Sequencing.LAST);
    ReshapeLayer reshape = new ReshapeLayer("reshape", new int[] {-1, 2});
    RnnModel reached = new RnnModel("input", 0, java.util.List.of(new MaskingLayer("masking", 0), seq, reshape, last));
    assertEquals(reshape, reached.maskedLayerWithoutMaskSupport());
    RnnModel unmasked = new RnnModel("input", 0, java.util.List.of(seq, reshape, last));
    assertEquals(null, unmasked.maskedLayerWithoutMaskSupport());
    RnnModel dropped = new RnnModel("input", 0, java.util.List.of(new MaskingLayer("masking", 0), last,
        new RepeatVectorLayer("repeat_vector", 3), new ReshapeLayer("reshape", new int[] {6})));
    assertEquals(null, dropped.maskedLayerWithoutMaskSupport(), "an LSTM without return_sequences drops the mask");
  }
}
