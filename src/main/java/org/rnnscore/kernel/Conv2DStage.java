package org.rnnscore.kernel;

import org.rnnscore.model.Activation;
import org.rnnscore.model.Conv2DLayer;
import org.rnnscore.model.Frame;
import org.rnnscore.model.Window2D;

/**
 * TimeDistributed(Conv2D) as GEMMs over the whole batch (im2col): every output position of every
 * frame of the batch (B·T frames, the steps still running) is one row of kh·kw·C input values
 * — zeros where the window leaves the padded frame — and one product with the (kh·kw·C)×F kernel
 * gives all their outputs at once. The im2col matrix is built in chunks of whole frames of at
 * most {@link #CHUNK_VALUES} values, so that a 64 MiB batch of frames does not become a
 * gigabyte one; each chunk is still one GEMM over many rows' frames, never a loop per row.
 */
public final class Conv2DStage implements Stage {
  /** The largest im2col block one GEMM reads (floats): 32 MiB. */
  static final int CHUNK_VALUES = 1 << 23;

  private final Window2D window;
  private final int filters;
  private final int channels;
  private final Affine affine;
  private final Activation activation;
  private final int chunkValues;
  private float[] columns;

  public Conv2DStage(Conv2DLayer layer) {
    this(layer, CHUNK_VALUES);
  }

  /** @param chunkValues the largest im2col block per GEMM (whole frames; at least one frame) */
  Conv2DStage(Conv2DLayer layer, int chunkValues) {
    this.chunkValues = chunkValues;
    this.window = layer.window();
    this.filters = layer.filters();
    this.channels = layer.inputChannels();
    int k = window.kernelH() * window.kernelW() * channels;
    this.affine = new Affine(Matrices.matrix(layer.kernel().data(), k, filters),
        layer.bias().map(b -> b.data()).orElse(null));
    this.activation = layer.activation();
  }

  @Override
  public Tensor apply(Tensor input, Batch batch) {
    Frame in = input.frame;
    if (in == null || in.channels() != channels) {
      throw new IllegalArgumentException("Conv2D needs frames of " + channels + " channels, given "
          + (in == null ? "no frames" : in.text()));
    }
    Frame out = window.outputFrame("conv2d", "Conv2D", in, filters);
    int[] frames = PerFrame.activeRows(input, batch);
    int positions = out.height() * out.width();
    int k = window.kernelH() * window.kernelW() * channels;
    float[] result = new float[input.rows() * out.size()];
    int perChunk = Math.max(1, chunkValues / Math.max(1, positions * k));
    for (int start = 0; start < frames.length; start += perChunk) {
      int n = Math.min(perChunk, frames.length - start);
      float[] cols = columns = Buffers.reuse(columns, n * positions * k);
      for (int f = 0; f < n; f++) {
        im2col(input.data, frames[start + f] * in.size(), in, out, cols, f * positions * k);
      }
      float[] y = affine.apply(cols, n * positions);
      Matrices.activate(y, filters, activation);
      for (int f = 0; f < n; f++) {
        System.arraycopy(y, f * out.size(), result, frames[start + f] * out.size(), out.size());
      }
    }
    return input.withFrames(result, out);
  }

  /** One frame's im2col rows: per output position (i, j), the window's (u, v, c) values, zero in the padding. */
  private void im2col(float[] data, int base, Frame in, Frame out, float[] cols, int at) {
    int top = window.padTop(in.height());
    int left = window.padLeft(in.width());
    int c = in.channels();
    int rowStride = in.width() * c;
    int o = at;
    for (int i = 0; i < out.height(); i++) {
      for (int j = 0; j < out.width(); j++) {
        for (int u = 0; u < window.kernelH(); u++) {
          int y = i * window.strideH() + u * window.dilationH() - top;
          for (int v = 0; v < window.kernelW(); v++) {
            int x = j * window.strideW() + v * window.dilationW() - left;
            if (y < 0 || y >= in.height() || x < 0 || x >= in.width()) {
              java.util.Arrays.fill(cols, o, o + c, 0f);
            } else {
              System.arraycopy(data, base + y * rowStride + x * c, cols, o, c);
            }
            o += c;
          }
        }
      }
    }
  }
}
