package org.rnnscore.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.rnnscore.kernel.ReferenceForwardPass;

class ActivationTest {
  @ParameterizedTest
  @CsvSource({
    "linear, LINEAR", "tanh, TANH", "sigmoid, SIGMOID", "relu, RELU", "relu6, RELU6", "elu, ELU", "selu, SELU",
    "softplus, SOFTPLUS", "softsign, SOFTSIGN", "exponential, EXPONENTIAL", "swish, SWISH", "silu, SWISH",
    "gelu, GELU", "mish, MISH", "hard_silu, HARD_SILU", "hard_swish, HARD_SILU", "leaky_relu, LEAKY_RELU",
    "softmax, SOFTMAX", "log_softmax, LOG_SOFTMAX", "None, LINEAR"
  })
  void fromKerasName_knownName_givesActivation(String name, Activation expected) {
    assertEquals(expected, Activation.fromKerasName(name, 2));
    assertEquals(expected, Activation.fromKerasName(name, 3));
  }

  @Test
  void fromKerasName_nullOrEmpty_givesLinear() {
    assertEquals(Activation.LINEAR, Activation.fromKerasName(null, 3));
    assertEquals(Activation.LINEAR, Activation.fromKerasName("", 2));
  }

  @Test
  void fromKerasName_hardSigmoid_dependsOnKerasGeneration() {
    assertEquals(Activation.HARD_SIGMOID_KERAS2, Activation.fromKerasName("hard_sigmoid", 2));
    assertEquals(Activation.HARD_SIGMOID_KERAS3, Activation.fromKerasName("hard_sigmoid", 3));
    assertEquals(Activation.HARD_SIGMOID_KERAS2, Activation.fromKerasName("hard_sigmoid", 1));
    // Keras 2: clip(0.2x + 0.5, 0, 1); Keras 3: relu6(x + 3) / 6. They differ at x = 1.
    assertEquals(0.7, Activation.HARD_SIGMOID_KERAS2.applyDouble(1), 1e-15);
    assertEquals(4.0 / 6, Activation.HARD_SIGMOID_KERAS3.applyDouble(1), 1e-15);
    assertEquals(1.0, Activation.HARD_SIGMOID_KERAS2.applyDouble(2.5), 0);
    assertEquals(5.5 / 6, Activation.HARD_SIGMOID_KERAS3.applyDouble(2.5), 1e-15);
  }

  @Test
  void fromKerasName_unknownName_throwsListingSupported() {
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> Activation.fromKerasName("hard_tanh", 3));
    assertEquals("activation 'hard_tanh' is not supported; supported: linear, tanh, sigmoid, relu, relu6, elu, selu, "
        + "softplus, softsign, exponential, swish/silu, gelu, mish, hard_sigmoid, hard_silu/hard_swish, leaky_relu, "
        + "softmax, log_softmax", e.getMessage());
  }

  @Test
  void isElementwise_softmaxFamily_false() {
    for (Activation a : Activation.values()) {
      assertEquals(a != Activation.SOFTMAX && a != Activation.LOG_SOFTMAX, a.isElementwise(), a.kerasName());
    }
  }

  @Test
  void applyDouble_softmax_throwsIllegalState() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Activation.SOFTMAX.applyDouble(1));
    assertEquals("softmax is not element-wise", e.getMessage());
  }

  @Test
  void applyDouble_tabulatedValues_match() {
    // Values from Python's math module (erf, log1p, exp, tanh) in double precision.
    assertEquals(0.8413447460685429, Activation.GELU.applyDouble(1), 1e-15);
    assertEquals(-0.15865525393145707, Activation.GELU.applyDouble(-1), 1e-15);
    assertEquals(2.99595030590511, Activation.GELU.applyDouble(3), 1e-14);
    assertEquals(0.8650983882673103, Activation.MISH.applyDouble(1), 1e-15);
    assertEquals(-0.30340146137410895, Activation.MISH.applyDouble(-1), 1e-15);
    assertEquals(-1.1113307378125625, Activation.SELU.applyDouble(-1), 1e-15);
    assertEquals(0.7310585786300049, Activation.SWISH.applyDouble(1), 1e-15);
    assertEquals(0.6931471805599453, Activation.SOFTPLUS.applyDouble(0), 1e-15);
    assertEquals(3.048587351573742, Activation.SOFTPLUS.applyDouble(3), 1e-15);
    assertEquals(1000.0, Activation.SOFTPLUS.applyDouble(1000), 0);
    assertEquals(-0.2, Activation.LEAKY_RELU.applyDouble(-1), 1e-15);
    assertEquals(6.0, Activation.RELU6.applyDouble(7), 0);
    assertEquals(0.5, Activation.SOFTSIGN.applyDouble(1), 0);
    assertEquals(2.0 / 3, Activation.HARD_SILU.applyDouble(1), 1e-15);
    assertEquals(0.0, Activation.SIGMOID.applyDouble(-1000), 0);
    assertEquals(1.0, Activation.SIGMOID.applyDouble(1000), 0);
  }

  @ParameterizedTest
  @EnumSource(value = Activation.class, names = {"SOFTMAX", "LOG_SOFTMAX"}, mode = EnumSource.Mode.EXCLUDE)
  void applyDouble_gridOfInputs_matchesIndependentReference(Activation a) {
    for (int i = -1200; i <= 1200; i++) {
      double x = i / 100.0;
      double expected = ReferenceForwardPass.activate(a, x);
      double actual = a.applyDouble(x);
      assertEquals(expected, actual, 1e-14 + 1e-13 * Math.abs(expected), a.kerasName() + "(" + x + ")");
      // apply(float) is applyDouble rounded once to float: within one float ulp of the reference at that float.
      float xf = (float) x;
      double expectedAtFloat = ReferenceForwardPass.activate(a, xf);
      assertEquals(expectedAtFloat, a.apply(xf), Math.ulp((float) expectedAtFloat) + 1e-14, a.kerasName() + "(" + xf + "f)");
    }
  }

  @Test
  void cliNames_listsEveryKerasName() {
    String names = Activation.cliNames();
    assertTrue(names.contains("hard_sigmoid (Keras 2)") && names.contains("hard_sigmoid (Keras 3)"), names);
    assertEquals(Activation.values().length, names.split(", ").length);
    assertFalse(Arrays.stream(Activation.values()).anyMatch(a -> !names.contains(a.kerasName())));
  }
}
