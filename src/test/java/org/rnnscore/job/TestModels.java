package org.rnnscore.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.rnnscore.model.Activation;
import org.rnnscore.model.DenseLayer;
import org.rnnscore.model.Layer;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.SimpleRnnLayer;
import org.rnnscore.model.WeightArray;

/** Seeded random SimpleRNN → Dense models and sequences for the job's tests. */
final class TestModels {
  private TestModels() {}

  static RnnModel random(long seed, int d, int m, int k) {
    Random random = new Random(seed);
    List<Layer> layers = new ArrayList<>();
    layers.add(new SimpleRnnLayer("simple_rnn", m, array("kernel", random, 0.6, d, m),
        array("recurrent_kernel", random, 0.6, m, m), array("bias", random, 0.3, m), Activation.TANH));
    layers.add(new DenseLayer("dense", k, array("kernel", random, 0.6, m, k), array("bias", random, 0.3, k),
        Activation.LINEAR));
    return new RnnModel("input_1", 0, layers);
  }

  static WeightArray array(String name, Random random, double scale, int... shape) {
    int size = 1;
    for (int dim : shape) {
      size *= dim;
    }
    float[] data = new float[size];
    for (int i = 0; i < size; i++) {
      data[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
    }
    return new WeightArray(name, shape, data);
  }

  static float[][] sequence(Random random, int t, int d) {
    float[][] x = new float[t][d];
    for (int i = 0; i < t; i++) {
      for (int j = 0; j < d; j++) {
        x[i][j] = (float) random.nextGaussian();
      }
    }
    return x;
  }

  /** A sequence as Spark takes an array<array<float>> value in a Row. */
  static List<List<Float>> nested(float[][] x) {
    List<List<Float>> steps = new ArrayList<>();
    for (float[] step : x) {
      List<Float> values = new ArrayList<>();
      for (float v : step) {
        values.add(v);
      }
      steps.add(values);
    }
    return steps;
  }
}
