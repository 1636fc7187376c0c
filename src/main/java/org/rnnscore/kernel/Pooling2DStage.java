package org.rnnscore.kernel;

import org.rnnscore.model.Frame;
import org.rnnscore.model.Pooling2DLayer;
import org.rnnscore.model.Window2D;

/**
 * TimeDistributed(MaxPooling2D / AveragePooling2D) over every running frame of the batch: per
 * output position and channel, the max or mean of the window's values inside the frame (the
 * padding of {@code same} takes no part, as in TensorFlow).
 */
public final class Pooling2DStage implements Stage {
  private final Window2D window;
  private final boolean max;

  public Pooling2DStage(Pooling2DLayer layer) {
    this.window = layer.window();
    this.max = layer.max();
  }

  @Override
  public Tensor apply(Tensor input, Batch batch) {
    Frame in = input.frame;
    if (in == null) {
      throw new IllegalArgumentException("pooling needs frames, given rows of " + input.width);
    }
    Frame out = window.outputFrame("pooling", "Pooling2D", in, in.channels());
    int c = in.channels();
    int top = window.padTop(in.height());
    int left = window.padLeft(in.width());
    float[] data = input.data;
    float[] result = new float[input.rows() * out.size()];
    float[] acc = new float[c];
    for (int r : PerFrame.activeRows(input, batch)) {
      int base = r * in.size();
      int o = r * out.size();
      for (int i = 0; i < out.height(); i++) {
        int y0 = Math.max(0, i * window.strideH() - top);
        int y1 = Math.min(in.height(), i * window.strideH() - top + window.kernelH());
        for (int j = 0; j < out.width(); j++) {
          int x0 = Math.max(0, j * window.strideW() - left);
          int x1 = Math.min(in.width(), j * window.strideW() - left + window.kernelW());
          java.util.Arrays.fill(acc, max ? Float.NEGATIVE_INFINITY : 0f);
          for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
              int at = base + (y * in.width() + x) * c;
              for (int ch = 0; ch < c; ch++) {
                acc[ch] = max ? Math.max(acc[ch], data[at + ch]) : acc[ch] + data[at + ch];
              }
            }
          }
          float count = (y1 - y0) * (x1 - x0);
          for (int ch = 0; ch < c; ch++) {
            result[o + ch] = max ? acc[ch] : acc[ch] / count;
          }
          o += c;
        }
      }
    }
    return input.withFrames(result, out);
  }
}
