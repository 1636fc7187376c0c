package org.rnnscore.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.rnnscore.model.Activation;
import org.rnnscore.model.Conv2DLayer;
import org.rnnscore.model.Frame;
import org.rnnscore.model.FrameFlattenLayer;
import org.rnnscore.model.Layer;
import org.rnnscore.model.Node;
import org.rnnscore.model.Pooling2DLayer;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.Sequencing;
import org.rnnscore.model.Shape;
import org.rnnscore.model.Window2D;

/**
 * Seeded per-step image models (CNN-LSTMs): TimeDistributed(Conv2D) and poolings over N×T×H×W×C
 * frames, TimeDistributed(Flatten), a recurrent layer, Dense. The layers before Flatten are given
 * as a small text spec: {@code conv:F:kh,kw:sh,sw:dh,dw:same|valid:act[:nobias]},
 * {@code max:ph,pw:sh,sw:same|valid}, {@code avg:...}.
 */
public final class FrameModels {
  private FrameModels() {}

  public static RnnModel model(long seed, int timesteps, Frame frame, String recurrentKind, int m, int k,
      String... frameLayers) {
    Random random = new Random(seed);
    List<Layer> layers = new ArrayList<>();
    Shape shape = Shape.frames(timesteps, frame);
    int index = 0;
    for (String spec : frameLayers) {
      String[] p = spec.split(":");
      String name = "time_distributed" + (index == 0 ? "" : "_" + index);
      index++;
      Layer layer;
      if (p[0].equals("conv")) {
        int filters = Integer.parseInt(p[1]);
        int[] kernel = pair(p[2]);
        int[] strides = pair(p[3]);
        int[] dilation = pair(p[4]);
        Window2D window = new Window2D(kernel[0], kernel[1], strides[0], strides[1], dilation[0], dilation[1],
            p[5].equals("same"));
        boolean bias = p.length < 8 || !p[7].equals("nobias");
        int c = shape.frame().channels();
        layer = new Conv2DLayer(name, filters, window, RandomModels.array(random, "kernel", kernel[0], kernel[1], c,
            filters), bias ? RandomModels.array(random, "bias", filters) : null,
            Activation.fromKerasName(p[6], 3));
      } else if (p[0].equals("bn")) {
        // TimeDistributed(BatchNormalization) over frames: per-channel statistics, variance in [0.05, 2).
        int c = shape.frame().channels();
        float[] variance = new float[c];
        for (int i = 0; i < c; i++) {
          variance[i] = (float) (0.05 + 1.95 * random.nextDouble());
        }
        layer = new org.rnnscore.model.BatchNormalizationLayer(name, -1, 1e-3,
            p.length > 1 && p[1].equals("noscale") ? null : RandomModels.array(random, "gamma", c),
            RandomModels.array(random, "beta", c), RandomModels.array(random, "moving_mean", c),
            new org.rnnscore.model.WeightArray("moving_variance", new int[] {c}, variance));
      } else {
        int[] pool = pair(p[1]);
        int[] strides = pair(p[2]);
        layer = new Pooling2DLayer(name, p[0].equals("max"), new Window2D(pool[0], pool[1], strides[0], strides[1], 1,
            1, p[3].equals("same")));
      }
      shape = layer.outputShape(shape, "test");
      layers.add(layer);
    }
    String flatten = "time_distributed" + (index == 0 ? "" : "_" + index);
    layers.add(new FrameFlattenLayer(flatten));
    int d = shape.width();
    layers.add(RandomModels.recurrent(random, recurrentKind, recurrentKind.toLowerCase(java.util.Locale.ROOT), d, m,
        true, Activation.TANH, Activation.SIGMOID, true, new Sequencing(false, false, false)));
    layers.add(RandomModels.dense(random, "dense", m, k, true, Activation.LINEAR));
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      nodes.add(Node.of(layers.get(i), i - 1));
    }
    return RnnModel.graph("input_layer", timesteps, frame, nodes, nodes.size() - 1);
  }

  private static int[] pair(String text) {
    String[] parts = text.split(",");
    return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[parts.length - 1])};
  }

  /** Seeded rows: row b has lengths[b] frames of H·W·C values in [-1, 1). */
  public static double[][][] rows(long seed, int[] lengths, Frame frame) {
    Random random = new Random(seed);
    double[][][] x = new double[lengths.length][][];
    for (int b = 0; b < lengths.length; b++) {
      x[b] = new double[lengths[b]][frame.size()];
      for (int t = 0; t < lengths[b]; t++) {
        for (int i = 0; i < frame.size(); i++) {
          x[b][t][i] = (float) (random.nextDouble() * 2 - 1);
        }
      }
    }
    return x;
  }
}
