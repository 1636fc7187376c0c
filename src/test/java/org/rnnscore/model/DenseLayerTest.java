package org.rnnscore.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.rnnscore.model.Weights.w;

import org.junit.jupiter.api.Test;

class DenseLayerTest {
  @Test
  void constructor_kernelWrongColumns_throwsNamingShapes() {
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> new DenseLayer("dense", 2, w("kernel", 5, 3), w("bias", 2), Activation.LINEAR));
    assertEquals("layer 'dense' kernel has shape [5, 3], expected [5, 2] (units = 2)", e.getMessage());
  }

  @Test
  void constructor_kernelRankOne_throws() {
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> new DenseLayer("dense", 2, w("kernel", 10), w("bias", 2), Activation.LINEAR));
    assertEquals("layer 'dense' kernel has shape [10], expected [input width, 2] (units = 2)", e.getMessage());
  }

  @Test
  void constructor_kernelMissing_throws() {
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> new DenseLayer("dense", 2, null, w("bias", 2), Activation.LINEAR));
    assertEquals("layer 'dense' kernel has shape (missing), expected [input width, 2] (units = 2)", e.getMessage());
  }

  @Test
  void constructor_biasWrongLength_throwsNamingShapes() {
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> new DenseLayer("dense", 2, w("kernel", 5, 2), w("bias", 3), Activation.SOFTMAX));
    assertEquals("layer 'dense' bias has shape [3], expected [2] (units = 2)", e.getMessage());
  }

  @Test
  void constructor_nonFiniteKernel_throwsNamingIndex() {
    float[] data = new float[10];
    data[9] = Float.POSITIVE_INFINITY;
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> new DenseLayer("dense", 2, new WeightArray("kernel", new int[] {5, 2}, data), null, Activation.LINEAR));
    assertEquals("layer 'dense' kernel holds a non-finite value (Infinity at flat index 9); "
        + "a trained model's weights are finite", e.getMessage());
  }

  @Test
  void constructor_zeroUnits_throws() {
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> new DenseLayer("dense", 0, w("kernel", 5, 0), null, Activation.LINEAR));
    assertEquals("layer 'dense' has units = 0, expected at least 1", e.getMessage());
  }

  @Test
  void paramCount_withAndWithoutBias_countsLikeKeras() {
    DenseLayer withBias = Weights.dense("dense", 5, 2);
    assertEquals(12, withBias.paramCount());
    DenseLayer noBias = new DenseLayer("dense", 2, w("kernel", 5, 2), null, Activation.LINEAR);
    assertFalse(noBias.bias().isPresent());
    assertEquals(10, noBias.paramCount());
    assertEquals("Dense", noBias.kerasClass());
    assertEquals(5, noBias.inputWidth());
    assertEquals(2, noBias.outputWidth());
  }

  @Test
  void withActivation_softmax_changesOnlyActivation() {
    DenseLayer layer = Weights.dense("dense", 5, 2);
    DenseLayer softmax = layer.withActivation(Activation.SOFTMAX);
    assertEquals(Activation.SOFTMAX, softmax.activation());
    assertEquals(Activation.LINEAR, layer.activation());
    assertEquals(layer.paramCount(), softmax.paramCount());
  }
}
