package org.rnnscore.model;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A named float32 array with its shape, as Keras stores a weight: row-major ("C" order), so a
 * D×M kernel holds element [d][m] at {@code d * M + m}. Immutable: the data is copied in and
 * handed out as copies, so a model shared by many tasks cannot be changed by one of them.
 */
public final class WeightArray implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final int[] shape;
  private final float[] data;

  public WeightArray(String name, int[] shape, float[] data) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a weight array needs a name");
    }
    long size = 1;
    for (int dim : shape) {
      if (dim < 0) {
        throw new ModelFormatException("weight '" + name + "' has a negative dimension in shape " + Arrays.toString(shape));
      }
      size *= dim;
    }
    if (size != data.length) {
      throw new ModelFormatException("weight '" + name + "' has shape " + Arrays.toString(shape) + " (" + size
          + " values) but holds " + data.length + " values");
    }
    this.name = name;
    this.shape = shape.clone();
    this.data = data.clone();
  }

  public String name() {
    return name;
  }

  public int[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  public int dim(int axis) {
    return shape[axis];
  }

  public int size() {
    return data.length;
  }

  /** A copy of the values, row-major. */
  public float[] data() {
    return data.clone();
  }

  public float get(int flatIndex) {
    return data[flatIndex];
  }

  public boolean hasShape(int... expected) {
    return Arrays.equals(shape, expected);
  }

  /** "[3, 5]", as messages print shapes. */
  public static String shapeText(int... shape) {
    return Arrays.toString(shape);
  }

  public String shapeText() {
    return shapeText(shape);
  }

  /** True if every value is finite: a NaN or infinite weight would silently poison every prediction. */
  public int firstNonFiniteIndex() {
    for (int i = 0; i < data.length; i++) {
      if (!Float.isFinite(data[i])) {
        return i;
      }
    }
    return -1;
  }

  @Override
  public String toString() {
    return name + shapeText();
  }
}
