package org.rnnscore.job;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.rnnscore.model.UsageException;

/** Checks on the driver, before any work, that an output may be written in the chosen mode. */
final class OutputPaths {
  private OutputPaths() {}

  /** @throws UsageException in {@code error} mode when the output exists (Spark would fail later, less clearly) */
  static void checkWritable(String option, String output, ScoreOptions.WriteMode mode, Configuration hadoopConf) {
    if (mode != ScoreOptions.WriteMode.ERROR) {
      return;
    }
    Path out = new Path(output);
    try {
      FileSystem fs = out.getFileSystem(hadoopConf);
      if (fs.exists(out)) {
        throw new UsageException(option + " " + output
            + " already exists; choose another path or pass --mode overwrite to replace it");
      }
    } catch (IOException e) {
      throw new UsageException(option + " " + output + " cannot be checked: " + e.getMessage(), e);
    }
  }
}
