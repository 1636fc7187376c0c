package org.rnnscore.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Shape rules and construction checks of the layers that reshape a row: RepeatVector. */
class ShapeLayersTest {
  @Test
  void repeatVector_onAVector_givesNStepsOfIt() {
    RepeatVectorLayer layer = new RepeatVectorLayer("repeat_vector", 7);
    assertEquals(Shape.sequence(7, 5), layer.outputShape(Shape.vector(5), "layer 'lstm'"));
    assertEquals(7, layer.outputSteps(3));
    assertTrue(layer.mixesTime());
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
}
