package org.rnnscore.kernel;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Process-wide ND4J settings. Spark runs one task per core, so each task's BLAS and ND4J ops
 * get one thread by default: two tasks each starting two OpenMP threads on two cores
 * oversubscribe the machine and run slower and less steadily than one thread each.
 */
public final class Nd4jRuntime {
  private static volatile int configuredThreads = -1;

  private Nd4jRuntime() {}

  /** Limits ND4J's own ops and its BLAS to {@code threads} threads; cheap to call again. */
  public static void limitThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    if (configuredThreads == threads) {
      return;
    }
    synchronized (Nd4jRuntime.class) {
      if (configuredThreads != threads) {
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
        configuredThreads = threads;
      }
    }
  }

  /** "CPU (nd4j-native, openblas)", for the run report. */
  public static String backendDescription() {
    return Nd4j.getBackend().getClass().getSimpleName() + " (" + Nd4j.factory().blas().getBlasVendor() + ")";
  }
}
