package org.rnnscore.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Keras activations by their Keras names. {@link #apply(float)} is the definition the kernel
 * uses for the element-wise ones (computed in double, rounded once to float); {@code softmax}
 * works on a whole output vector and is applied by the kernel row by row.
 *
 * <p>{@code hard_sigmoid} changed between Keras versions: Keras 2 (and tf.keras) define it as
 * clip(0.2x + 0.5, 0, 1); Keras 3 as relu6(x + 3) / 6. The file's {@code keras_version} decides.
 */
public enum Activation {
  LINEAR("linear"),
  TANH("tanh"),
  SIGMOID("sigmoid"),
  RELU("relu"),
  RELU6("relu6"),
  ELU("elu"),
  SELU("selu"),
  SOFTPLUS("softplus"),
  SOFTSIGN("softsign"),
  EXPONENTIAL("exponential"),
  SWISH("silu"),
  GELU("gelu"),
  MISH("mish"),
  HARD_SIGMOID_KERAS2("hard_sigmoid (Keras 2)"),
  HARD_SIGMOID_KERAS3("hard_sigmoid (Keras 3)"),
  HARD_SILU("hard_silu"),
  LEAKY_RELU("leaky_relu"),
  SOFTMAX("softmax"),
  LOG_SOFTMAX("log_softmax");

  private static final double SELU_ALPHA = 1.6732632423543772848170429916717;
  private static final double SELU_SCALE = 1.0507009873554804934193349852946;

  private final String kerasName;

  Activation(String kerasName) {
    this.kerasName = kerasName;
  }

  /** The name as Keras writes it (with the Keras generation for the two hard sigmoids). */
  public String kerasName() {
    return kerasName;
  }

  /** False for softmax and log_softmax, which need the whole row. */
  public boolean isElementwise() {
    return this != SOFTMAX && this != LOG_SOFTMAX;
  }

  /**
   * The activation for a Keras name ({@code None} and {@code null} mean linear). {@code
   * hard_sigmoid} needs the Keras generation: 2 for Keras 2 / tf.keras, 3 for Keras 3.
   */
  public static Activation fromKerasName(String name, int kerasMajorVersion) {
    if (name == null || name.equals("None") || name.isEmpty()) {
      return LINEAR;
    }
    switch (name.toLowerCase(Locale.ROOT)) {
      case "linear":
        return LINEAR;
      case "tanh":
        return TANH;
      case "sigmoid":
        return SIGMOID;
      case "relu":
        return RELU;
      case "relu6":
        return RELU6;
      case "elu":
        return ELU;
      case "selu":
        return SELU;
      case "softplus":
        return SOFTPLUS;
      case "softsign":
        return SOFTSIGN;
      case "exponential":
        return EXPONENTIAL;
      case "swish":
      case "silu":
        return SWISH;
      case "gelu":
        return GELU;
      case "mish":
        return MISH;
      case "hard_sigmoid":
        return kerasMajorVersion >= 3 ? HARD_SIGMOID_KERAS3 : HARD_SIGMOID_KERAS2;
      case "hard_silu":
      case "hard_swish":
        return HARD_SILU;
      case "leaky_relu":
        return LEAKY_RELU;
      case "softmax":
        return SOFTMAX;
      case "log_softmax":
        return LOG_SOFTMAX;
      default:
        throw new ModelFormatException("activation '" + name + "' is not supported; supported: " + supportedNames());
    }
  }

  public static String supportedNames() {
    return "linear, tanh, sigmoid, relu, relu6, elu, selu, softplus, softsign, exponential, swish/silu, gelu, "
        + "mish, hard_sigmoid, hard_silu/hard_swish, leaky_relu, softmax, log_softmax";
  }

  /** All CLI spellings, for --activation. */
  public static String cliNames() {
    return Arrays.stream(values()).map(Activation::kerasName).collect(Collectors.joining(", "));
  }

  /** The element-wise definition, in double, rounded once to float. */
  public float apply(float x) {
    return (float) applyDouble(x);
  }

  /** The element-wise definition in double. Softmax and log_softmax have none. */
  public double applyDouble(double x) {
    switch (this) {
      case LINEAR:
        return x;
      case TANH:
        return Math.tanh(x);
      case SIGMOID:
        return sigmoid(x);
      case RELU:
        return x > 0 ? x : 0;
      case RELU6:
        return Math.min(Math.max(x, 0), 6);
      case ELU:
        return x > 0 ? x : Math.expm1(x);
      case SELU:
        return SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x));
      case SOFTPLUS:
        // log(1 + e^x) without overflow for large x.
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
      case SOFTSIGN:
        return x / (1 + Math.abs(x));
      case EXPONENTIAL:
        return Math.exp(x);
      case SWISH:
        return x * sigmoid(x);
      case GELU:
        // Keras' default gelu is the exact form: 0.5x(1 + erf(x/√2)).
        return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
      case MISH:
        return x * Math.tanh(SOFTPLUS.applyDouble(x));
      case HARD_SIGMOID_KERAS2:
        return Math.min(Math.max(0.2 * x + 0.5, 0), 1);
      case HARD_SIGMOID_KERAS3:
        return Math.min(Math.max(x + 3, 0), 6) / 6;
      case HARD_SILU:
        return x * HARD_SIGMOID_KERAS3.applyDouble(x);
      case LEAKY_RELU:
        // Keras' activation function default negative slope.
        return x > 0 ? x : 0.2 * x;
      default:
        throw new IllegalStateException(kerasName + " is not element-wise");
    }
  }

  private static double sigmoid(double x) {
    return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
  }

  /** erf to ~1e-15 (W. J. Cody's rational approximations are overkill here; this is float-exact). */
  static double erf(double x) {
    // Abramowitz-Stegun 7.1.26 is only 1e-7: not enough for a float-exact gelu near 0. Use the
    // series for small |x| and the complementary continued fraction beyond.
    double ax = Math.abs(x);
    double result;
    if (ax < 2.5) {
      double sum = ax;
      double term = ax;
      double x2 = ax * ax;
      for (int n = 1; n < 60; n++) {
        term *= -x2 / n;
        double add = term / (2 * n + 1);
        sum += add;
        if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
          break;
        }
      }
      result = 2 / Math.sqrt(Math.PI) * sum;
    } else {
      // erfc by Lentz's continued fraction.
      double tiny = 1e-300;
      double f = ax;
      double c = ax;
      double d = 0;
      for (int n = 1; n < 200; n++) {
        double an = n / 2.0;
        d = ax + an * d;
        d = d == 0 ? tiny : d;
        c = ax + an / c;
        c = c == 0 ? tiny : c;
        d = 1 / d;
        double delta = c * d;
        f *= delta;
        if (Math.abs(delta - 1) < 1e-16) {
          break;
        }
      }
      double erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
      result = 1 - erfc;
    }
    return x < 0 ? -result : result;
  }
}
