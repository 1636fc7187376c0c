package org.rnnscore.kernel;

import org.nd4j.linalg.factory.Nd4j;
import org.rnnscore.model.UsageException;

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

  /** The ND4J backends rnnscore can be asked for. */
  public enum Backend {
    CPU,
    CUDA,
    AUTO
  }

  private static final String CUDA_BACKEND_CLASS = "org.nd4j.linalg.jcublas.JCublasBackend";

  /** Whether this build packages ND4J's CUDA backend (the -Pcuda cluster jar). */
  public static boolean cudaPackaged() {
    try {
      Class.forName(CUDA_BACKEND_CLASS, false, Nd4jRuntime.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /**
   * Checks, where scoring runs, that ND4J loaded the backend asked for. ND4J chooses its backend
   * when first used, by the BACKEND_PRIORITY_CPU / BACKEND_PRIORITY_GPU environment variables (the
   * launcher and spark.executorEnv set them from --backend), and quietly falls back to the CPU when
   * the CUDA backend cannot run: this turns that fallback into a clear error instead.
   *
   * @throws UsageException when CUDA was asked for and is not packaged, or cannot run here
   */
  public static void requireBackend(Backend requested) {
    if (requested != Backend.CUDA) {
      return;
    }
    if (!cudaPackaged()) {
      throw new UsageException("--backend cuda: this build packages only ND4J's CPU backend; build the cluster jar"
          + " with mvn -Pcuda -DskipTests package (ND4J's nd4j-cuda-11.6, which needs the CUDA 11.6 / cuDNN 8.3"
          + " runtime on the executors)");
    }
    String loaded = Nd4j.getBackend().getClass().getName();
    if (!loaded.equals(CUDA_BACKEND_CLASS)) {
      throw new UsageException("--backend cuda: ND4J's CUDA backend is packaged but cannot run on "
          + hostName() + " (no NVIDIA GPU visible, or no CUDA 11.6 runtime on the library path); ND4J loaded "
          + Nd4j.getBackend().getClass().getSimpleName() + " instead. Use --backend cpu or auto, or run on GPU"
          + " executors");
    }
  }

  /** This host's name, for messages; "this host" where it has none. */
  public static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "this host";
    }
  }

  /** "CPU (nd4j-native, openblas)", for the run report. */
  public static String backendDescription() {
    return Nd4j.getBackend().getClass().getSimpleName() + " (" + Nd4j.factory().blas().getBlasVendor() + ")";
  }
}
