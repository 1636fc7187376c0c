package org.rnnscore.kernel;

import org.rnnscore.model.Activation;
import org.rnnscore.model.DenseLayer;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.SimpleRnnLayer;
import org.rnnscore.model.WeightArray;

/**
 * The slow, obviously-right twin of {@link ForwardPass}: double precision, one sample at a time,
 * plain scalar loops, and activation definitions of its own (written from the Keras definitions,
 * not from {@link Activation#applyDouble}).
 *
 * <p>h_0 = 0; h_t = act(x_t·Wx + h_{t-1}·Wh + bh); then for each Dense layer y = act(y_prev·W + b).
 * Keras layout, row-major: Wx D×M at [d*M + m], Wh M×M at [j*M + m], W in×K at [i*K + k].
 */
public final class ReferenceForwardPass {
  private static final double SELU_ALPHA = 1.6732632423543772;
  private static final double SELU_SCALE = 1.0507009873554805;
  private static final double LEAKY_SLOPE = 0.2;

  private ReferenceForwardPass() {}

  /** input[b][t][d] → predictions[b][k]. */
  public static double[][] forward(RnnModel model, double[][][] input) {
    double[][] out = new double[input.length][];
    for (int b = 0; b < input.length; b++) {
      double[] y = finalHidden(model, input[b]);
      for (DenseLayer dense : model.denseLayers()) {
        y = dense(dense, y);
      }
      out[b] = y;
    }
    return out;
  }

  /** h_T of one sample x[t][d]. */
  public static double[] finalHidden(RnnModel model, double[][] x) {
    SimpleRnnLayer rnn = model.recurrent();
    int d = rnn.inputWidth();
    int m = rnn.units();
    double[] wx = toDouble(rnn.kernel());
    double[] wh = toDouble(rnn.recurrentKernel());
    double[] bh = rnn.bias().map(ReferenceForwardPass::toDouble).orElse(new double[m]);
    double[] h = new double[m];
    for (int t = 0; t < x.length; t++) {
      double[] next = new double[m];
      for (int j = 0; j < m; j++) {
        double z = bh[j];
        for (int i = 0; i < d; i++) {
          z += x[t][i] * wx[i * m + j];
        }
        for (int i = 0; i < m; i++) {
          z += h[i] * wh[i * m + j];
        }
        next[j] = activate(rnn.activation(), z);
      }
      h = next;
    }
    return h;
  }

  private static double[] dense(DenseLayer layer, double[] in) {
    int n = layer.inputWidth();
    int k = layer.units();
    double[] w = toDouble(layer.kernel());
    double[] b = layer.bias().map(ReferenceForwardPass::toDouble).orElse(new double[k]);
    double[] z = new double[k];
    for (int j = 0; j < k; j++) {
      double s = b[j];
      for (int i = 0; i < n; i++) {
        s += in[i] * w[i * k + j];
      }
      z[j] = s;
    }
    return activateVector(layer.activation(), z);
  }

  /** The activation of a whole row (softmax / log_softmax need all of it). */
  public static double[] activateVector(Activation activation, double[] z) {
    double[] out = new double[z.length];
    if (activation == Activation.SOFTMAX || activation == Activation.LOG_SOFTMAX) {
      double max = Double.NEGATIVE_INFINITY;
      for (double v : z) {
        max = Math.max(max, v);
      }
      double sum = 0;
      for (double v : z) {
        sum += Math.exp(v - max);
      }
      for (int i = 0; i < z.length; i++) {
        out[i] = activation == Activation.SOFTMAX ? Math.exp(z[i] - max) / sum : z[i] - max - Math.log(sum);
      }
      return out;
    }
    for (int i = 0; i < z.length; i++) {
      out[i] = activate(activation, z[i]);
    }
    return out;
  }

  /** Element-wise Keras activations, from their textbook definitions. */
  public static double activate(Activation activation, double x) {
    switch (activation) {
      case LINEAR:
        return x;
      case TANH: {
        double e = Math.exp(-2 * Math.abs(x));
        return Math.signum(x) * (1 - e) / (1 + e);
      }
      case SIGMOID:
        return 1 / (1 + Math.exp(-x));
      case RELU:
        return Math.max(0, x);
      case RELU6:
        return Math.min(6, Math.max(0, x));
      case ELU:
        return x >= 0 ? x : Math.exp(x) - 1;
      case SELU:
        return x >= 0 ? SELU_SCALE * x : SELU_SCALE * SELU_ALPHA * (Math.exp(x) - 1);
      case SOFTPLUS:
        return softplus(x);
      case SOFTSIGN:
        return x / (Math.abs(x) + 1);
      case EXPONENTIAL:
        return Math.exp(x);
      case SWISH:
        return x / (1 + Math.exp(-x));
      case GELU:
        return x / 2 * (1 + erf(x / Math.sqrt(2)));
      case MISH:
        return x * activate(Activation.TANH, softplus(x));
      case HARD_SIGMOID_KERAS2:
        return Math.min(1, Math.max(0, 0.2 * x + 0.5));
      case HARD_SIGMOID_KERAS3:
        return Math.min(6, Math.max(0, x + 3)) / 6;
      case HARD_SILU:
        return x * (Math.min(6, Math.max(0, x + 3)) / 6);
      case LEAKY_RELU:
        return x >= 0 ? x : LEAKY_SLOPE * x;
      default:
        throw new IllegalArgumentException(activation + " is not element-wise");
    }
  }

  /** log(1 + e^x) = max(x, 0) + log(1 + e^{-|x|}). */
  private static double softplus(double x) {
    return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  }

  /**
   * erf by the everywhere-convergent series of positive terms (no cancellation):
   * erf(x) = 2/√π · e^{-x²} · Σ_{n≥0} 2^n x^{2n+1} / (1·3·…·(2n+1)); beyond |x| = 6, erfc &lt; 3e-17.
   */
  public static double erf(double x) {
    double ax = Math.abs(x);
    if (ax >= 6) {
      return Math.signum(x);
    }
    double term = ax;
    double sum = ax;
    double twoX2 = 2 * ax * ax;
    for (int n = 1; n < 1000; n++) {
      term *= twoX2 / (2 * n + 1);
      sum += term;
      if (term < 1e-18 * sum) {
        break;
      }
    }
    double r = 2 / Math.sqrt(Math.PI) * Math.exp(-ax * ax) * sum;
    return x < 0 ? -r : r;
  }

  private static double[] toDouble(WeightArray array) {
    float[] f = array.data();
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
