package org.rnnscore.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The kernels' FMA switch follows HotSpot's UseFMA flag. Surefire runs this and the layer cases a
 * second time with -XX:-UseFMA (the pom's kernel-without-fma execution), which sets
 * rnnscore.expect.fma=false, so that the multiply-and-add branches are exercised too.
 */
class CpuTest {
  @Test
  void fmaFollowsHotSpotsUseFmaFlag() {
    boolean flag = Boolean.parseBoolean(ManagementFactory.getPlatformMXBean(
        com.sun.management.HotSpotDiagnosticMXBean.class).getVMOption("UseFMA").getValue());
    assertEquals(flag, Cpu.FMA);
    assertEquals(flag, FusedRecurrence.FMA);
    String expected = System.getProperty("rnnscore.expect.fma");
    if (expected != null) {
      assertEquals(Boolean.parseBoolean(expected), Cpu.FMA, "this run was started with -XX:-UseFMA");
    }
  }
}
