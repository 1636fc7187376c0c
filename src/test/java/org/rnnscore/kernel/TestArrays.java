package org.rnnscore.kernel;

import java.util.Arrays;
import org.rnnscore.model.WeightArray;

/** Small array helpers shared by the kernel's oracle tests. */
final class TestArrays {
  private TestArrays() {}

  static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  /** A weight filled with one value (the Keras 3 unit tests' constant initializers). */
  static WeightArray constant(String name, float value, int... shape) {
    int size = 1;
    for (int s : shape) {
      size *= s;
    }
    float[] data = new float[size];
    Arrays.fill(data, value);
    return new WeightArray(name, shape, data);
  }
}
