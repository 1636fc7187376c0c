package org.rnnscore.model;

import java.io.Serializable;

/**
 * The sliding window of a 2-D convolution or pooling over a frame: its size, strides, dilation
 * and padding, and what they make of a frame's height and width (Keras' rules, per axis).
 * {@code valid}: out = ⌊(in − ((k − 1)·d + 1)) / s⌋ + 1, no padding. {@code same}: out = ⌈in / s⌉,
 * total padding max((out − 1)·s + (k − 1)·d + 1 − in, 0), half of it (rounded down) before and
 * the rest after — the extra row or column on the bottom or right, as TensorFlow pads.
 */
public record Window2D(int kernelH, int kernelW, int strideH, int strideW, int dilationH, int dilationW,
    boolean same) implements Serializable {
  /** @throws ModelFormatException when a size, stride or dilation is below 1 */
  public Window2D {
    if (kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1) {
      throw new ModelFormatException("a 2-D window of size (" + kernelH + ", " + kernelW + "), strides (" + strideH
          + ", " + strideW + ") and dilation (" + dilationH + ", " + dilationW + "); expected each at least 1");
    }
  }

  /** The output height for an input of {@code in} rows; below 1 when the window does not fit (valid). */
  public int outH(int in) {
    return out(in, kernelH, strideH, dilationH);
  }

  public int outW(int in) {
    return out(in, kernelW, strideW, dilationW);
  }

  /** Rows of padding before the first input row (top). */
  public int padTop(int in) {
    return padBefore(in, kernelH, strideH, dilationH);
  }

  /** Columns of padding before the first input column (left). */
  public int padLeft(int in) {
    return padBefore(in, kernelW, strideW, dilationW);
  }

  private int out(int in, int k, int s, int d) {
    if (same) {
      return (in + s - 1) / s;
    }
    int span = (k - 1) * d + 1;
    return in < span ? 0 : (in - span) / s + 1;
  }

  private int padBefore(int in, int k, int s, int d) {
    if (!same) {
      return 0;
    }
    int total = Math.max((out(in, k, s, d) - 1) * s + (k - 1) * d + 1 - in, 0);
    return total / 2;
  }

  /**
   * The output frame for {@code input}, with {@code channels} channels.
   *
   * @throws ModelFormatException when the window does not fit the frame (valid padding)
   */
  public Frame outputFrame(String layer, String kerasClass, Frame input, int channels) {
    int h = outH(input.height());
    int w = outW(input.width());
    if (h < 1 || w < 1) {
      throw new ModelFormatException("layer '" + layer + "' (" + kerasClass + ") has a window of ("
          + ((kernelH - 1) * dilationH + 1) + ", " + ((kernelW - 1) * dilationW + 1) + ") with padding valid, larger"
          + " than its input frames of " + input.height() + "×" + input.width() + "; expected frames at least that"
          + " large (or padding same)");
    }
    return new Frame(h, w, channels);
  }

  /** "3×3, strides 2×2, dilation 1×1, same", for inspect. */
  public String text() {
    return kernelH + "×" + kernelW + ", strides " + strideH + "×" + strideW
        + (dilationH != 1 || dilationW != 1 ? ", dilation " + dilationH + "×" + dilationW : "")
        + (same ? ", same" : ", valid");
  }
}
