package org.rnnscore.cli;

import java.util.Locale;
import org.rnnscore.job.ScoreOptions;
import org.rnnscore.model.UsageException;

final class Modes {
  private Modes() {}

  static ScoreOptions.WriteMode parse(String mode) {
    switch (mode.toLowerCase(Locale.ROOT)) {
      case "error":
      case "errorifexists":
        return ScoreOptions.WriteMode.ERROR;
      case "overwrite":
        return ScoreOptions.WriteMode.OVERWRITE;
      default:
        throw new UsageException("--mode '" + mode + "' is not one of: error, overwrite");
    }
  }
}
