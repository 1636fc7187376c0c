package org.rnnscore.model;

import java.util.List;

/** Small builders for the model tests: weights filled with distinct finite values, and the seeds' model. */
final class Weights {
  private Weights() {}

  static WeightArray w(String name, int... shape) {
    int size = 1;
    for (int s : shape) {
      size *= s;
    }
    float[] data = new float[size];
    for (int i = 0; i < size; i++) {
      data[i] = (i % 7 - 3) * 0.125f;
    }
    return new WeightArray(name, shape, data);
  }

  static SimpleRnnLayer rnn(String name, int d, int m) {
    return new SimpleRnnLayer(name, m, w("kernel", d, m), w("recurrent_kernel", m, m), w("bias", m), Activation.TANH);
  }

  static DenseLayer dense(String name, int in, int k) {
    return new DenseLayer(name, k, w("kernel", in, k), w("bias", k), Activation.LINEAR);
  }

  /** The seeds' model: T=10, D=3, M=5, K=2. */
  static RnnModel seedModel() {
    return new RnnModel("input_1", 10, List.of(rnn("simple_rnn", 3, 5), dense("dense", 5, 2)));
  }
}
