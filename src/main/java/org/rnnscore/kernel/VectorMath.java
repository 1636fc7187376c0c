package org.rnnscore.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FastMath}'s tanh and sigmoid over arrays with the Vector API (an incubator module on
 * Java 17: {@code --add-modules jdk.incubator.vector}, which Spark's own JVM options carry). The
 * JIT does not vectorize the scalar loops (the clamp and the division defeat it); measured on
 * the S1 shape the scalar pass was most of each recurrent step. Loaded only through {@link
 * FastMath}, which falls back to its scalar loops where the module is absent.
 *
 * <p>Each loop spells its polynomials out with no helper method of ours: C2 inlines the Vector
 * API's own methods whatever the size of the compilation, but ours only while the compilation
 * is under its node budget (NodeCountInliningCutoff). When the callers' activations were
 * inlined together, a helper taking a vector was refused there and every vector it took or
 * returned was boxed on the heap (LSTM S1 5× slower, seen with -XX:+PrintInlining). The array
 * loops themselves may be refused too; that costs a call per pass, not a box per vector.
 *
 * <p>The clamp of |x| is an integer min on the magnitude's bits (a non-negative float orders as
 * its bits do), one instruction, and x's sign is put back at the end (tanh is odd): the same
 * clamped value as the scalar max/min, ±0 and ±∞ included (FastMathTest). The float max/min it
 * replaced carry Java's NaN and −0 rules, several instructions each: they took 40% of the pass
 * (5.4 vs 3.9 ns per 16 lanes, measured side by side; LSTM S1 351k → 416k rows/s in one bench
 * run). The one difference: a NaN pre-activation gives ±tanh(clamp), not NaN; inputs, states
 * and weights are checked finite before they get here, so only an overflowed sum could be NaN.
 */
final class VectorMath {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();
  private static final int CLAMP_BITS = Float.floatToRawIntBits(FastMath.CLAMP);
  private static final int MAGNITUDE = 0x7fffffff;
  private static final int SIGN = 0x80000000;
  /**
   * Where the CPU fuses multiply-add ({@link Cpu#FMA}, a constant to the JIT, so only one branch of
   * each {@code FMA ? ... : ...} is compiled); elsewhere a multiply and an add, since the Vector
   * API emulates a missing FMA in software (exactly, slowly).
   */
  private static final boolean FMA = Cpu.FMA;

  private VectorMath() {}

  static void tanh(float[] values, int from, int to) {
    int i = from;
    FloatVector a13 = FloatVector.broadcast(SPECIES, FastMath.ALPHA_13);
    FloatVector a11 = FloatVector.broadcast(SPECIES, FastMath.ALPHA_11);
    FloatVector a9 = FloatVector.broadcast(SPECIES, FastMath.ALPHA_9);
    FloatVector a7 = FloatVector.broadcast(SPECIES, FastMath.ALPHA_7);
    FloatVector a5 = FloatVector.broadcast(SPECIES, FastMath.ALPHA_5);
    FloatVector a3 = FloatVector.broadcast(SPECIES, FastMath.ALPHA_3);
    FloatVector a1 = FloatVector.broadcast(SPECIES, FastMath.ALPHA_1);
    FloatVector b6 = FloatVector.broadcast(SPECIES, FastMath.BETA_6);
    FloatVector b4 = FloatVector.broadcast(SPECIES, FastMath.BETA_4);
    FloatVector b2 = FloatVector.broadcast(SPECIES, FastMath.BETA_2);
    FloatVector b0 = FloatVector.broadcast(SPECIES, FastMath.BETA_0);
    for (int upper = from + SPECIES.loopBound(to - from); i < upper; i += LANES) {
      IntVector bits = FloatVector.fromArray(SPECIES, values, i).reinterpretAsInts();
      FloatVector x = bits.and(MAGNITUDE).min(CLAMP_BITS).reinterpretAsFloats();
      FloatVector x2 = x.mul(x);
      FloatVector p = FMA ? x2.fma(a13, a11) : x2.mul(a13).add(a11);
      p = FMA ? p.fma(x2, a9) : p.mul(x2).add(a9);
      p = FMA ? p.fma(x2, a7) : p.mul(x2).add(a7);
      p = FMA ? p.fma(x2, a5) : p.mul(x2).add(a5);
      p = FMA ? p.fma(x2, a3) : p.mul(x2).add(a3);
      p = FMA ? p.fma(x2, a1) : p.mul(x2).add(a1);
      FloatVector q = FMA ? x2.fma(b6, b4) : x2.mul(b6).add(b4);
      q = FMA ? q.fma(x2, b2) : q.mul(x2).add(b2);
      q = FMA ? q.fma(x2, b0) : q.mul(x2).add(b0);
      p.mul(x).div(q).reinterpretAsInts().or(bits.and(SIGN)).reinterpretAsFloats().intoArray(values, i);
    }
    for (; i < to; i++) {
      values[i] = FastMath.tanh(values[i]);
    }
  }

  /**
   * σ(x) = (1 + tanh(x/2)) / 2, the loop of {@link #tanh(float[], int, int)} with the halvings. A
   * copy of that loop rather than one loop taking scales: the two extra operations per vector would
   * slow every tanh pass, and a shared helper is what C2 refused (above). Storing the sigmoid gates'
   * weights halved, so that this loop could skip its first halving, gained 1% on LSTM S1 and was
   * not kept.
   */
  static void sigmoid(float[] values, int from, int to) {
    int i = from;
    FloatVector a13 = FloatVector.broadcast(SPECIES, FastMath.ALPHA_13);
    FloatVector a11 = FloatVector.broadcast(SPECIES, FastMath.ALPHA_11);
    FloatVector a9 = FloatVector.broadcast(SPECIES, FastMath.ALPHA_9);
    FloatVector a7 = FloatVector.broadcast(SPECIES, FastMath.ALPHA_7);
    FloatVector a5 = FloatVector.broadcast(SPECIES, FastMath.ALPHA_5);
    FloatVector a3 = FloatVector.broadcast(SPECIES, FastMath.ALPHA_3);
    FloatVector a1 = FloatVector.broadcast(SPECIES, FastMath.ALPHA_1);
    FloatVector b6 = FloatVector.broadcast(SPECIES, FastMath.BETA_6);
    FloatVector b4 = FloatVector.broadcast(SPECIES, FastMath.BETA_4);
    FloatVector b2 = FloatVector.broadcast(SPECIES, FastMath.BETA_2);
    FloatVector b0 = FloatVector.broadcast(SPECIES, FastMath.BETA_0);
    FloatVector half = FloatVector.broadcast(SPECIES, 0.5f);
    for (int upper = from + SPECIES.loopBound(to - from); i < upper; i += LANES) {
      IntVector bits = FloatVector.fromArray(SPECIES, values, i).mul(half).reinterpretAsInts();
      FloatVector x = bits.and(MAGNITUDE).min(CLAMP_BITS).reinterpretAsFloats();
      FloatVector x2 = x.mul(x);
      FloatVector p = FMA ? x2.fma(a13, a11) : x2.mul(a13).add(a11);
      p = FMA ? p.fma(x2, a9) : p.mul(x2).add(a9);
      p = FMA ? p.fma(x2, a7) : p.mul(x2).add(a7);
      p = FMA ? p.fma(x2, a5) : p.mul(x2).add(a5);
      p = FMA ? p.fma(x2, a3) : p.mul(x2).add(a3);
      p = FMA ? p.fma(x2, a1) : p.mul(x2).add(a1);
      FloatVector q = FMA ? x2.fma(b6, b4) : x2.mul(b6).add(b4);
      q = FMA ? q.fma(x2, b2) : q.mul(x2).add(b2);
      q = FMA ? q.fma(x2, b0) : q.mul(x2).add(b0);
      FloatVector t = p.mul(x).div(q).reinterpretAsInts().or(bits.and(SIGN)).reinterpretAsFloats();
      (FMA ? t.fma(half, half) : t.mul(half).add(half)).intoArray(values, i);
    }
    for (; i < to; i++) {
      values[i] = FastMath.sigmoid(values[i]);
    }
  }
}
