package org.rnnscore.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FastMath}'s tanh and sigmoid over arrays with the Vector API (an incubator module on
 * Java 17: {@code --add-modules jdk.incubator.vector}, which Spark's own JVM options carry). The
 * JIT does not vectorize the scalar loops (the clamp and the division defeat it); measured on
 * the S1 shape the scalar pass was most of each recurrent step. Loaded only through {@link
 * FastMath}, which falls back to its scalar loops where the module is absent.
 */
final class VectorMath {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();

  private VectorMath() {}

  static void tanh(float[] values, int from, int to) {
    int i = from;
    for (int upper = from + SPECIES.loopBound(to - from); i < upper; i += LANES) {
      tanh(FloatVector.fromArray(SPECIES, values, i)).intoArray(values, i);
    }
    for (; i < to; i++) {
      values[i] = FastMath.tanh(values[i]);
    }
  }

  static void sigmoid(float[] values, int from, int to) {
    int i = from;
    for (int upper = from + SPECIES.loopBound(to - from); i < upper; i += LANES) {
      FloatVector x = FloatVector.fromArray(SPECIES, values, i).mul(0.5f);
      tanh(x).fma(0.5f, 0.5f).intoArray(values, i);
    }
    for (; i < to; i++) {
      values[i] = FastMath.sigmoid(values[i]);
    }
  }

  /** The same polynomial pair as {@link FastMath#tanh(float)}, on every lane. */
  private static FloatVector tanh(FloatVector input) {
    FloatVector x = input.max(-FastMath.CLAMP).min(FastMath.CLAMP);
    FloatVector x2 = x.mul(x);
    FloatVector p = x2.fma(FastMath.ALPHA_13, FastMath.ALPHA_11);
    p = p.fma(x2, FloatVector.broadcast(SPECIES, FastMath.ALPHA_9));
    p = p.fma(x2, FloatVector.broadcast(SPECIES, FastMath.ALPHA_7));
    p = p.fma(x2, FloatVector.broadcast(SPECIES, FastMath.ALPHA_5));
    p = p.fma(x2, FloatVector.broadcast(SPECIES, FastMath.ALPHA_3));
    p = p.fma(x2, FloatVector.broadcast(SPECIES, FastMath.ALPHA_1));
    p = p.mul(x);
    FloatVector q = x2.fma(FastMath.BETA_6, FastMath.BETA_4);
    q = q.fma(x2, FloatVector.broadcast(SPECIES, FastMath.BETA_2));
    q = q.fma(x2, FloatVector.broadcast(SPECIES, FastMath.BETA_0));
    return p.div(q);
  }
}
