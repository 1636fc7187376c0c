package org.rnnscore.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.rnnscore.model.Activation;
import org.rnnscore.model.DenseLayer;
import org.rnnscore.model.Layer;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.SimpleRnnLayer;
import org.rnnscore.model.WeightArray;

/** Seeded random models for tests: weights uniform in [-1, 1), any shapes and activations. */
public final class RandomModels {
  private RandomModels() {}

  public static WeightArray array(Random random, String name, int... shape) {
    int size = 1;
    for (int dim : shape) {
      size *= dim;
    }
    float[] data = new float[size];
    for (int i = 0; i < size; i++) {
      data[i] = random.nextFloat() * 2 - 1;
    }
    return new WeightArray(name, shape, data);
  }

  /**
   * A SimpleRNN(d → m) followed by Dense layers of the given widths.
   *
   * @param timesteps declared timesteps, 0 for none
   */
  public static RnnModel model(long seed, int timesteps, int d, int m, boolean bias, Activation rnnActivation,
      Activation denseActivation, int... denseUnits) {
    Random random = new Random(seed);
    List<Layer> layers = new ArrayList<>();
    layers.add(new SimpleRnnLayer("simple_rnn", m, array(random, "kernel", d, m), array(random, "recurrent_kernel", m, m),
        bias ? array(random, "bias", m) : null, rnnActivation));
    int width = m;
    for (int i = 0; i < denseUnits.length; i++) {
      int k = denseUnits[i];
      layers.add(new DenseLayer(i == 0 ? "dense" : "dense_" + i, k, array(random, "kernel", width, k),
          bias ? array(random, "bias", k) : null, denseActivation));
      width = k;
    }
    return new RnnModel(null, timesteps, layers);
  }
}
