package org.rnnscore.kernel;

import java.util.List;

/** Runs a check once per recurrent implementation (fused, then blas), naming the path in a failure. */
final class BothKernelPaths {
  static final List<KernelPath> PATHS = List.of(KernelPath.FUSED, KernelPath.BLAS);

  interface Check {
    void run() throws Exception;
  }

  private BothKernelPaths() {}

  static void run(Check check) throws Exception {
    for (KernelPath path : PATHS) {
      try {
        KernelPath.building(path, () -> {
          try {
            check.run();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          return null;
        });
      } catch (AssertionError e) {
        throw new AssertionError("kernel " + path.text() + ": " + e.getMessage(), e);
      }
    }
  }
}
