package org.rnnscore.job;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnscore.kernel.Nd4jRuntime.Backend;
import org.rnnscore.model.UsageException;

/** The GPU device check before ND4J's first use: refused with the reason only where CUDA is asked for, packaged and absent. */
class GpuDevicesTest {
  @TempDir
  Path dir;

  @Test
  void cudaPackagedWithoutAnyDevice_refusedNamingTheHostAndTheDevices() {
    List<Path> devices = List.of(dir.resolve("nvidiactl"), dir.resolve("dxg"));
    UsageException e = assertThrows(UsageException.class,
        () -> GpuDevices.requireFor(Backend.CUDA, true, devices, "worker-7"));
    assertEquals("--backend cuda: ND4J's CUDA backend is packaged but cannot run on worker-7 (no NVIDIA GPU device:"
        + " none of " + devices + " exists). Use --backend cpu or auto, or run on GPU executors", e.getMessage());
  }

  @Test
  void aDeviceNode_orAnotherBackend_orNoCudaInTheBuild_passes() throws Exception {
    Path control = Files.createFile(dir.resolve("nvidiactl"));
    List<Path> present = List.of(dir.resolve("missing"), control);
    List<Path> absent = List.of(dir.resolve("missing"));
    assertDoesNotThrow(() -> GpuDevices.requireFor(Backend.CUDA, true, present, "h"));
    assertDoesNotThrow(() -> GpuDevices.requireFor(Backend.AUTO, true, absent, "h"));
    assertDoesNotThrow(() -> GpuDevices.requireFor(Backend.CPU, true, absent, "h"));
    // A build without the CUDA backend: Nd4jRuntime.requireBackend says so, in its own words.
    assertDoesNotThrow(() -> GpuDevices.requireFor(Backend.CUDA, false, absent, "h"));
  }
}
