package org.rnnscore.job;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.rnnscore.kernel.Nd4jRuntime;
import org.rnnscore.model.UsageException;

/**
 * Whether this host shows an NVIDIA GPU at all, checked before ND4J is first used. ND4J tries its
 * CUDA backend (where the -Pcuda build packages it) by loading the CUDA runtime, and on a host
 * without the driver prints that failure's UnsatisfiedLinkError trace to stderr before falling
 * back to the CPU. With no device node there is nothing to try: {@code --backend cuda} is refused
 * with the reason, without the trace. (The launcher, for {@code auto}, puts ND4J on the CPU on
 * such a host for the same reason.)
 */
public final class GpuDevices {
  /** The NVIDIA driver's control device, and WSL2's GPU device. */
  static final List<Path> DEVICES = List.of(Path.of("/dev/nvidiactl"), Path.of("/dev/dxg"));

  private GpuDevices() {}

  /**
   * Whether ND4J's first use in this JVM would try the CUDA backend and fail on the way: it is
   * packaged and asked for first (BACKEND_PRIORITY_GPU above BACKEND_PRIORITY_CPU, as the launcher
   * sets them for --backend cuda), and no GPU device exists. The run report then names the backend
   * without loading ND4J.
   */
  public static boolean cudaWouldFailHere() {
    return Nd4jRuntime.cudaPackaged() && priority("BACKEND_PRIORITY_GPU") > priority("BACKEND_PRIORITY_CPU")
        && !visible(DEVICES);
  }

  private static int priority(String variable) {
    try {
      return Integer.parseInt(System.getenv().getOrDefault(variable, "0").trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static boolean visible(List<Path> devices) {
    return devices.stream().anyMatch(Files::exists);
  }

  /** Where scoring runs: this host, its devices. */
  static void requireFor(Nd4jRuntime.Backend backend) {
    requireFor(backend, Nd4jRuntime.cudaPackaged(), DEVICES, Nd4jRuntime.hostName());
  }

  /**
   * @throws UsageException when CUDA is asked for, packaged, and no device of {@code devices} exists
   *     (a build without CUDA is refused by {@link Nd4jRuntime#requireBackend}, with its own message)
   */
  static void requireFor(Nd4jRuntime.Backend backend, boolean cudaPackaged, List<Path> devices, String host) {
    if (backend != Nd4jRuntime.Backend.CUDA || !cudaPackaged || visible(devices)) {
      return;
    }
    throw new UsageException("--backend cuda: ND4J's CUDA backend is packaged but cannot run on " + host
        + " (no NVIDIA GPU device: none of " + devices + " exists). Use --backend cpu or auto, or run on GPU"
        + " executors");
  }
}
