package org.rnnscore.kernel;

import org.rnnscore.model.Activation;

/**
 * float tanh and sigmoid as TensorFlow's CPU kernels compute them: Eigen's rational
 * approximation of tanh (a degree-13/6 odd/even polynomial pair, clamped), within a few ulp of
 * the exact value (8 ulp at worst, FastMathTest). Java's Math.tanh is exact but ~10× slower, and the activations are most of a
 * small recurrent layer's work. Branch-free, so loops over arrays of them vectorize.
 */
final class FastMath {
  static final float CLAMP = 7.90531110763549805f;
  static final float ALPHA_1 = 4.89352455891786e-03f;
  static final float ALPHA_3 = 6.37261928875436e-04f;
  static final float ALPHA_5 = 1.48572235717979e-05f;
  static final float ALPHA_7 = 5.12229709037114e-08f;
  static final float ALPHA_9 = -8.60467152213735e-11f;
  static final float ALPHA_11 = 2.00018790482477e-13f;
  static final float ALPHA_13 = -2.76076847742355e-16f;
  static final float BETA_0 = 4.89352518554385e-03f;
  static final float BETA_2 = 2.26843463243900e-03f;
  static final float BETA_4 = 1.18534705686654e-04f;
  static final float BETA_6 = 1.19825839466702e-06f;

  /** True where the JVM was started with the Vector API module (Spark's options add it). */
  static final boolean VECTORIZED = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
      && !Boolean.getBoolean("rnnscore.scalarMath");

  private FastMath() {}

  static float tanh(float input) {
    float x = Math.max(-CLAMP, Math.min(CLAMP, input));
    float x2 = x * x;
    float p = x2 * ALPHA_13 + ALPHA_11;
    p = p * x2 + ALPHA_9;
    p = p * x2 + ALPHA_7;
    p = p * x2 + ALPHA_5;
    p = p * x2 + ALPHA_3;
    p = p * x2 + ALPHA_1;
    p = p * x;
    float q = x2 * BETA_6 + BETA_4;
    q = q * x2 + BETA_2;
    q = q * x2 + BETA_0;
    return p / q;
  }

  /** σ(x) = (1 + tanh(x/2)) / 2: absolute error below 1e-7 everywhere. */
  static float sigmoid(float x) {
    return 0.5f * tanh(0.5f * x) + 0.5f;
  }

  /**
   * Applies an element-wise activation in place over values[from, to). The switch sits outside
   * the loops so that each loop is a plain array pass the JIT can vectorize.
   */
  static void activate(float[] values, int from, int to, Activation activation) {
    switch (activation) {
      case LINEAR:
        return;
      case TANH:
        if (VECTORIZED) {
          VectorMath.tanh(values, from, to);
          return;
        }
        for (int i = from; i < to; i++) {
          values[i] = tanh(values[i]);
        }
        return;
      case SIGMOID:
        if (VECTORIZED) {
          VectorMath.sigmoid(values, from, to);
          return;
        }
        for (int i = from; i < to; i++) {
          values[i] = sigmoid(values[i]);
        }
        return;
      case RELU:
        for (int i = from; i < to; i++) {
          values[i] = Math.max(values[i], 0f);
        }
        return;
      default:
        for (int i = from; i < to; i++) {
          values[i] = activation.apply(values[i]);
        }
    }
  }
}
