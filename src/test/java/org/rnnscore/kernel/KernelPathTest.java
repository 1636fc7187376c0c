package org.rnnscore.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.UsageException;

/** --kernel's parsing, the per-layer choice, and what a forward pass reports it chose. */
class KernelPathTest {
  @Test
  void parse_anyCase_andBadValueNamesItAndTheChoices() {
    assertEquals(KernelPath.FUSED, KernelPath.parse(" Fused ", "--kernel"));
    assertEquals(KernelPath.BLAS, KernelPath.parse("blas", "--kernel"));
    assertEquals(KernelPath.AUTO, KernelPath.parse("AUTO", "--kernel"));
    UsageException e = assertThrows(UsageException.class, () -> KernelPath.parse("fast", "--kernel"));
    assertEquals("--kernel is 'fast', expected one of auto, fused, blas", e.getMessage());
    e = assertThrows(UsageException.class, () -> KernelPath.parse(null, "system property rnnscore.kernel"));
    assertEquals("system property rnnscore.kernel is 'null', expected one of auto, fused, blas", e.getMessage());
  }

  @Test
  void fusedRunsHere() {
    // The test JVM has the Vector API module and ND4J's CPU backend, as the launcher's does.
    assertNull(KernelPath.fusedUnavailable());
  }

  @Test
  void forwardPass_reportsEachRecurrentLayerAndBidirectionalHalf() {
    RnnModel model = ModelSpec.build("lstm(5,rs) > bi(gru,4,concat) > dense(2)", 1, 3, 0);
    for (KernelPath asked : List.of(KernelPath.FUSED, KernelPath.BLAS)) {
      Map<String, KernelPath.Choice> paths = new ForwardPass(model, asked).kernelPaths();
      assertEquals(3, paths.size(), paths.toString());
      for (KernelPath.Choice choice : paths.values()) {
        assertEquals(asked, choice.path(), paths.toString());
        assertEquals("asked for", choice.reason());
      }
      String[] names = paths.keySet().toArray(new String[0]);
      assertEquals(names[0], model.nodes().get(0).layer().name());
      assertEquals(model.nodes().get(1).layer().name() + "/forward", names[1]);
      assertEquals(model.nodes().get(1).layer().name() + "/backward", names[2]);
    }
  }

  @Test
  void auto_followsTheMeasuredRule_andSaysWhy() {
    for (String cell : List.of("simple", "lstm", "gru")) {
      for (int m : new int[] {1, 5, 32, 64, 128, 256, 512}) {
        for (int d : new int[] {1, 8, 64, 256}) {
          RnnModel model = ModelSpec.build(cell + "(" + m + ")", 1, d, 0);
          KernelPath.Choice choice = new ForwardPass(model, KernelPath.AUTO).kernelPaths().values().iterator().next();
          boolean fused = KernelPath.prefersFused(CellKind.of(model.recurrent()), d, m);
          assertEquals(fused ? KernelPath.FUSED : KernelPath.BLAS, choice.path(), cell + " D " + d + " M " + m);
          assertEquals(true, choice.reason().startsWith("auto: "), choice.reason());
        }
      }
    }
  }
}
