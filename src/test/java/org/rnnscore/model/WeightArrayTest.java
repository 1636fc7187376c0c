package org.rnnscore.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WeightArrayTest {
  @Test
  void constructor_sizeDisagreesWithShape_throwsWithBothCounts() {
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> new WeightArray("kernel", new int[] {3, 5}, new float[14]));
    assertEquals("weight 'kernel' has shape [3, 5] (15 values) but holds 14 values", e.getMessage());
  }

  @Test
  void constructor_tooManyValues_throws() {
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> new WeightArray("bias", new int[] {5}, new float[6]));
    assertEquals("weight 'bias' has shape [5] (5 values) but holds 6 values", e.getMessage());
  }

  @Test
  void constructor_negativeDimension_throws() {
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> new WeightArray("kernel", new int[] {-1, 5}, new float[5]));
    assertEquals("weight 'kernel' has a negative dimension in shape [-1, 5]", e.getMessage());
  }

  @Test
  void constructor_missingName_throwsIllegalArgument() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new WeightArray("", new int[] {1}, new float[1]));
    assertEquals("a weight array needs a name", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new WeightArray(null, new int[] {1}, new float[1]));
    assertEquals("a weight array needs a name", e.getMessage());
  }

  @Test
  void accessors_rowMajorArray_reportShapeAndValues() {
    WeightArray w = new WeightArray("kernel", new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6});
    assertEquals("kernel", w.name());
    assertEquals(2, w.rank());
    assertEquals(2, w.dim(0));
    assertEquals(3, w.dim(1));
    assertEquals(6, w.size());
    assertEquals(6f, w.get(5)); // element [1][2] at 1·3 + 2
    assertTrue(w.hasShape(2, 3));
    assertFalse(w.hasShape(3, 2));
    assertFalse(w.hasShape(6));
    assertEquals("[2, 3]", w.shapeText());
    assertEquals("kernel[2, 3]", w.toString());
    assertEquals(-1, w.firstNonFiniteIndex());
  }

  @Test
  void constructor_mutatingArraysPassedIn_doesNotChangeWeight() {
    int[] shape = {2, 2};
    float[] data = {1, 2, 3, 4};
    WeightArray w = new WeightArray("kernel", shape, data);
    shape[0] = 7;
    data[0] = 99;
    assertArrayEquals(new int[] {2, 2}, w.shape());
    assertArrayEquals(new float[] {1, 2, 3, 4}, w.data());
  }

  @Test
  void accessors_mutatingArraysReturned_doesNotChangeWeight() {
    WeightArray w = new WeightArray("kernel", new int[] {2, 2}, new float[] {1, 2, 3, 4});
    w.shape()[1] = 9;
    w.data()[3] = -1;
    assertArrayEquals(new int[] {2, 2}, w.shape());
    assertEquals(4f, w.get(3));
  }

  @Test
  void firstNonFiniteIndex_nanOrInfinity_givesFirstIndex() {
    assertEquals(2, new WeightArray("k", new int[] {4}, new float[] {0, 1, Float.NaN, Float.POSITIVE_INFINITY})
        .firstNonFiniteIndex());
    assertEquals(0, new WeightArray("k", new int[] {1}, new float[] {Float.NEGATIVE_INFINITY}).firstNonFiniteIndex());
  }

  @Test
  void constructor_zeroDimension_allowsEmptyArray() {
    WeightArray w = new WeightArray("k", new int[] {0, 3}, new float[0]);
    assertEquals(0, w.size());
  }
}
