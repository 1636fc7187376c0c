package org.rnnscore.cli;

import java.util.Locale;
import org.rnnscore.kernel.Nd4jRuntime;
import org.rnnscore.model.UsageException;

final class Backends {
  private Backends() {}

  static Nd4jRuntime.Backend parse(String name) {
    try {
      return Nd4jRuntime.Backend.valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--backend '" + name + "' is not one of: cpu, cuda, auto");
    }
  }
}
