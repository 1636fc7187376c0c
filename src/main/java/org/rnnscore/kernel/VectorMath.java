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
      madd(tanh(x), HALF, HALF).intoArray(values, i);
    }
    for (; i < to; i++) {
      values[i] = FastMath.sigmoid(values[i]);
    }
  }

  private static final FloatVector HALF = FloatVector.broadcast(SPECIES, 0.5f);

  /**
   * a·b + c: one FMA where the CPU has it ({@link Cpu#FMA}, a constant to the JIT); a multiply and
   * an add elsewhere, since the Vector API emulates a missing FMA in software (exactly, slowly).
   */
  private static FloatVector madd(FloatVector a, FloatVector b, FloatVector c) {
    return Cpu.FMA ? a.fma(b, c) : a.mul(b).add(c);
  }

  private static FloatVector madd(FloatVector a, float b, float c) {
    return madd(a, FloatVector.broadcast(SPECIES, b), FloatVector.broadcast(SPECIES, c));
  }

  /** The same polynomial pair as {@link FastMath#tanh(float)}, on every lane. */
  private static FloatVector tanh(FloatVector input) {
    FloatVector x = input.max(-FastMath.CLAMP).min(FastMath.CLAMP);
    FloatVector x2 = x.mul(x);
    FloatVector p = madd(x2, FastMath.ALPHA_13, FastMath.ALPHA_11);
    p = madd(p, x2, FloatVector.broadcast(SPECIES, FastMath.ALPHA_9));
    p = madd(p, x2, FloatVector.broadcast(SPECIES, FastMath.ALPHA_7));
    p = madd(p, x2, FloatVector.broadcast(SPECIES, FastMath.ALPHA_5));
    p = madd(p, x2, FloatVector.broadcast(SPECIES, FastMath.ALPHA_3));
    p = madd(p, x2, FloatVector.broadcast(SPECIES, FastMath.ALPHA_1));
    p = p.mul(x);
    FloatVector q = madd(x2, FastMath.BETA_6, FastMath.BETA_4);
    q = madd(q, x2, FloatVector.broadcast(SPECIES, FastMath.BETA_2));
    q = madd(q, x2, FloatVector.broadcast(SPECIES, FastMath.BETA_0));
    return p.div(q);
  }
}
