package org.rnnscore.kernel;

import java.lang.management.ManagementFactory;

/** What the CPU the JVM runs on can do, as HotSpot itself decided at startup (checked once). */
final class Cpu {
  /** {@link #hasFma()}, read once at class load: the kernels branch on it as a constant. */
  static final boolean FMA = hasFma();

  private Cpu() {}

  /**
   * Whether HotSpot uses the CPU's fused multiply-add (its UseFMA flag, on where the CPU has FMA
   * and off where it has not). Unknown (another JVM) counts as no: a multiply and an add are
   * always correct, an emulated FMA is very slow.
   */
  static boolean hasFma() {
    try {
      com.sun.management.HotSpotDiagnosticMXBean vm =
          ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
      return vm != null && Boolean.parseBoolean(vm.getVMOption("UseFMA").getValue());
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }
}
