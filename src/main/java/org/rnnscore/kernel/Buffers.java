package org.rnnscore.kernel;

/**
 * Heap buffers kept from one batch to the next. A batch's arrays run to megabytes (T·B·M floats)
 * and the JVM allocates such arrays outside its young generation, zeroed: allocating them per
 * batch measured as the largest single cost of a SimpleRNN batch. Partitions of equal-length
 * rows repeat one shape, so an array of exactly the needed length is reused as it is.
 */
final class Buffers {
  private Buffers() {}

  /** {@code current} when it has exactly {@code size} elements (contents left as they are), else a new array. */
  static float[] reuse(float[] current, int size) {
    return current != null && current.length == size ? current : new float[size];
  }
}
