package org.rnnscore.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnnscore.model.Activation;

/** The fast activations against the exact ones, and the direct BLAS path against ND4J's. */
class FastMathTest {
  @Test
  void tanh_denseGridFromMinus20To20_withinEightUlpOrOneE7Absolute() {
    double worstUlps = 0;
    for (float x = -20f; x <= 20f; x += 1e-3f) {
      float exact = (float) Math.tanh(x);
      float fast = FastMath.tanh(x);
      double error = Math.abs(fast - exact);
      if (Math.abs(exact) > 1e-3) {
        worstUlps = Math.max(worstUlps, error / Math.ulp(exact));
      } else {
        assertTrue(error <= 1e-7, "tanh(" + x + ") = " + fast + ", exact " + exact);
      }
    }
    assertTrue(worstUlps <= 8, "worst error " + worstUlps + " ulp");
  }

  @Test
  void sigmoid_denseGrid_withinTwoE7Absolute() {
    for (float x = -30f; x <= 30f; x += 1e-3f) {
      double exact = 1 / (1 + Math.exp(-x));
      assertEquals(exact, FastMath.sigmoid(x), 2e-7, "sigmoid(" + x + ")");
    }
  }

  @Test
  void activate_vectorizedAndScalarPaths_agreeOnOddLengthsAndOffsets() {
    assertTrue(FastMath.VECTORIZED, "tests run with --add-modules=jdk.incubator.vector (Spark's options)");
    Random random = new Random(3);
    for (Activation activation : new Activation[] {Activation.TANH, Activation.SIGMOID}) {
      float[] values = new float[1037];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) (random.nextGaussian() * 6);
      }
      float[] vectorized = values.clone();
      FastMath.activate(vectorized, 3, 1030, activation);
      for (int i = 0; i < values.length; i++) {
        float expected = i < 3 || i >= 1030 ? values[i]
            : activation == Activation.TANH ? FastMath.tanh(values[i]) : FastMath.sigmoid(values[i]);
        // fma in the vector path rounds differently: a few ulp apart
        float tolerance = activation == Activation.TANH ? 4 * Math.ulp(Math.abs(expected)) + 1e-9f : 2e-7f;
        assertEquals(expected, vectorized[i], tolerance, activation + " at " + i);
      }
    }
  }

  @Test
  void activate_vectorized_keepsSignOfZeroAndSaturatesInfinitiesAndHugeValuesLikeTheScalarClamp() {
    float[] specials = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e30f, -1e30f, FastMath.CLAMP,
        -FastMath.CLAMP, Math.nextUp(FastMath.CLAMP), -Math.nextUp(FastMath.CLAMP), Math.nextDown(FastMath.CLAMP),
        Float.MIN_VALUE, -Float.MIN_VALUE, 1e-20f, -1e-20f, 40f};
    float[] values = new float[64]; // whole vectors: the scalar tail is not what is tested
    for (int i = 0; i < values.length; i++) {
      values[i] = specials[i % specials.length];
    }
    for (Activation activation : new Activation[] {Activation.TANH, Activation.SIGMOID}) {
      float[] vectorized = values.clone();
      FastMath.activate(vectorized, 0, values.length, activation);
      for (int i = 0; i < values.length; i++) {
        float expected = activation == Activation.TANH ? FastMath.tanh(values[i]) : FastMath.sigmoid(values[i]);
        float tolerance = activation == Activation.TANH ? 4 * Math.ulp(Math.abs(expected)) : 2e-7f;
        assertEquals(expected, vectorized[i], tolerance, activation + "(" + values[i] + ")");
        if (activation == Activation.TANH && values[i] == 0f) {
          assertEquals(Float.floatToRawIntBits(values[i]), Float.floatToRawIntBits(vectorized[i]),
              "tanh keeps the sign of " + values[i]);
        }
      }
    }
  }

  @Test
  void activate_vectorized_nanPreActivation_givesTheClampedValue_asDocumented() {
    float[] values = new float[64];
    java.util.Arrays.fill(values, Float.NaN);
    FastMath.activate(values, 0, values.length, Activation.TANH);
    // Only an overflowed sum can be NaN (inputs and weights are checked finite): see VectorMath.
    assertEquals(FastMath.tanh(FastMath.CLAMP), values[0], 4 * Math.ulp(1f));
  }

  @Test
  void multiply_prefixRows_equalsNd4jProductAndLeavesOtherRows() {
    assertTrue(Gemm.direct(), "the CPU backend calls OpenBLAS directly");
    INDArray a = Nd4j.rand(DataType.FLOAT, 37, 13);
    INDArray b = Nd4j.rand(DataType.FLOAT, 13, 19);
    INDArray c = Nd4j.zeros(DataType.FLOAT, 37, 19).addi(-5f);
    Gemm.multiply(a, 29, b, c);
    INDArray expected = a.mmul(b);
    for (int r = 0; r < 37; r++) {
      for (int col = 0; col < 19; col++) {
        float want = r < 29 ? expected.getFloat(r, col) : -5f;
        assertEquals(want, c.getFloat(r, col), 1e-5f, "row " + r + " column " + col);
      }
    }
  }
}
