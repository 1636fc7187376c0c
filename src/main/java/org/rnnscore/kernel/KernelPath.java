package org.rnnscore.kernel;

import java.util.Locale;
import java.util.function.Supplier;
import org.nd4j.linalg.factory.Nd4j;
import org.rnnscore.model.RecurrentLayer;
import org.rnnscore.model.UsageException;

/**
 * Which implementation runs a recurrent layer: {@code fused} ({@link FusedRecurrence}: the Vector
 * API on the heap, CPU only), {@code blas} (per-step GEMMs on OpenBLAS or ND4J's backend), or
 * {@code auto}, which picks per layer by the rule in {@link #prefersFused}. Asked for with
 * {@code --kernel} (score, bench) or the system property {@value #PROPERTY} (tests).
 */
public enum KernelPath {
  AUTO,
  FUSED,
  BLAS;

  /** The system property a JVM's default comes from (auto when unset). */
  public static final String PROPERTY = "rnnscore.kernel";

  private static final ThreadLocal<KernelPath> BUILDING = new ThreadLocal<>();

  /** The lower-case name, as --kernel takes it. */
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The path named {@code text} (auto, fused or blas, any case).
   *
   * @param where what the text came from, for the message (an option or property name)
   * @throws UsageException naming the value and the choices
   */
  public static KernelPath parse(String text, String where) {
    if (text != null) {
      for (KernelPath path : values()) {
        if (path.text().equals(text.trim().toLowerCase(Locale.ROOT))) {
          return path;
        }
      }
    }
    throw new UsageException(where + " is '" + text + "', expected one of auto, fused, blas");
  }

  /** This JVM's default: the system property, else auto. */
  public static KernelPath fromSystemProperty() {
    String text = System.getProperty(PROPERTY);
    return text == null || text.isBlank() ? AUTO : parse(text, "system property " + PROPERTY);
  }

  /** Builds something (a forward pass) whose recurrent stages take {@code path}, on this thread. */
  static <T> T building(KernelPath path, Supplier<T> build) {
    KernelPath before = BUILDING.get();
    BUILDING.set(path);
    try {
      return build.get();
    } finally {
      if (before == null) {
        BUILDING.remove();
      } else {
        BUILDING.set(before);
      }
    }
  }

  /** What a stage being built now was asked for: the enclosing {@link #building} call's, else the JVM's default. */
  static KernelPath requested() {
    KernelPath path = BUILDING.get();
    return path != null ? path : fromSystemProperty();
  }

  /** The path a layer runs on and why (shown by inspect, the metrics and bench). */
  public record Choice(KernelPath path, String reason) {
    @Override
    public String toString() {
      return path.text() + " (" + reason + ")";
    }
  }

  /**
   * The path {@code layer} runs on when {@code requested} is asked for.
   *
   * @throws UsageException when fused is asked for where it cannot run (no Vector API module,
   *     or ND4J's CUDA backend)
   */
  public static Choice choose(RecurrentLayer layer, KernelPath requested) {
    String unavailable = fusedUnavailable();
    if (requested == BLAS) {
      return new Choice(BLAS, "asked for");
    }
    if (unavailable != null) {
      if (requested == FUSED) {
        throw new UsageException("--kernel fused cannot run here: " + unavailable
            + "; use --kernel auto or blas");
      }
      return new Choice(BLAS, unavailable);
    }
    if (requested == FUSED) {
      return new Choice(FUSED, "asked for");
    }
    int m = layer.units();
    int d = layer.inputWidth();
    return prefersFused(CellKind.of(layer), d, m)
        ? new Choice(FUSED, "auto: M " + m + " ≤ " + FUSED_MAX_UNITS)
        : new Choice(BLAS, "auto: M " + m + " > " + FUSED_MAX_UNITS);
  }

  /**
   * The widest layer auto runs fused. Measured with {@code bench --kernel-grid} (README, "Kernel
   * paths"; T 20, B 1024, one thread): fused/blas was 1.2–9× for every cell, D in 3..256 and M in
   * 4..512, and 0.68–0.86 at M = 1024 in 5 of 6 points (a layer's weights, 4–17 MB there, no
   * longer stay in L2/L3 while a tile of rows re-reads them every step; BLAS blocks over the batch).
   */
  static final int FUSED_MAX_UNITS = 512;

  /**
   * auto's rule: the width M alone decides (D moved no crossover in the grid: the fused step's
   * x·W costs D/(D+M) of its FMAs at the same efficiency as h·U). Kind is kept in the signature so
   * that a per-cell threshold can be measured in later.
   */
  static boolean prefersFused(CellKind kind, int inputWidth, int units) {
    return units <= FUSED_MAX_UNITS;
  }

  /** Why the fused path cannot run in this JVM, or null when it can. */
  static String fusedUnavailable() {
    if (!FastMath.VECTORIZED) {
      return "the JVM runs without the Vector API module (start it with --add-modules jdk.incubator.vector,"
          + " as the launcher and Spark's options do)";
    }
    String backend = Nd4j.getBackend().getClass().getName();
    if (!backend.contains("nativecpu")) {
      return "the fused step is CPU only and ND4J runs its " + Nd4j.getBackend().getClass().getSimpleName()
          + " backend (the GPU path stays on ND4J)";
    }
    return null;
  }
}
