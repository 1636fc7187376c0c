package org.rnnscore.model;

/**
 * How a 1-D window (a convolution's kernel, a pooling window) is laid over a row of L steps, as
 * TensorFlow lays it: {@code valid} only where it fits, {@code same} ⌈L/s⌉ windows with a total
 * pad of max((⌈L/s⌉ − 1)·s + w − L, 0) split as evenly as possible, the extra step on the right,
 * and {@code causal} (convolutions only) w − 1 zeros on the left. {@code w} is the window as it
 * spans steps: (k − 1)·d + 1 for a kernel of k taps dilated by d.
 */
public enum Padding1D {
  VALID("valid"),
  SAME("same"),
  CAUSAL("causal");

  private final String kerasName;

  Padding1D(String kerasName) {
    this.kerasName = kerasName;
  }

  public String kerasName() {
    return kerasName;
  }

  /** The padding Keras names {@code name}, or null for a name it does not have. */
  public static Padding1D fromKerasName(String name) {
    for (Padding1D padding : values()) {
      if (padding.kerasName.equals(name)) {
        return padding;
      }
    }
    return null;
  }

  /** Windows over a row of {@code steps} steps: 0 when a valid window does not fit (the row is too short). */
  public int outputSteps(int steps, int span, int stride) {
    if (this == VALID) {
      return steps < span ? 0 : (steps - span) / stride + 1;
    }
    return (steps + stride - 1) / stride; // same and causal: ⌈L/s⌉
  }

  /** Zeros (or, for pooling, absent steps) before a row's first step. */
  public int padLeft(int steps, int span, int stride) {
    switch (this) {
      case SAME:
        int out = (steps + stride - 1) / stride;
        return Math.max((out - 1) * stride + span - steps, 0) / 2;
      case CAUSAL:
        return span - 1;
      default:
        return 0;
    }
  }

  /** The shortest row that gives at least one window: the window's span for valid, 1 otherwise. */
  public int minimumSteps(int span) {
    return this == VALID ? span : 1;
  }
}
