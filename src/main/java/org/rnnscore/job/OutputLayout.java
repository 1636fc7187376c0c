package org.rnnscore.job;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.rnnscore.model.UsageException;

/**
 * A partitioned overwrite replaces the partitions it writes and keeps the others, so the existing
 * output must be partitioned the same way: its flat files, or directories of another column,
 * would stay beside the new ones and readers would see both.
 */
final class OutputLayout {
  private OutputLayout() {}

  /** Checked under the lock, after recovery and before any work. */
  static void checkPartitionedOverwrite(String output, String column, Configuration conf) {
    Path out = new Path(output);
    try {
      FileSystem fs = out.getFileSystem(conf);
      if (!fs.exists(out)) {
        return;
      }
      if (fs.getFileStatus(out).isFile()) {
        throw refused(output, column, "is a file, not a partitioned output");
      }
      for (FileStatus child : fs.listStatus(out)) {
        String name = child.getPath().getName();
        if (name.startsWith(".") || name.startsWith("_")) {
          continue; // hidden: markers, checksums, Spark's own
        }
        if (!child.isDirectory()) {
          throw refused(output, column, "holds a non-partitioned output (file " + name + ")");
        }
        if (!name.startsWith(column + "=")) {
          String other = name.contains("=") ? "'" + name.substring(0, name.indexOf('=')) + "'" : "nothing";
          throw refused(output, column, "is partitioned by " + other + " (directory " + name + "), not by '"
              + column + "'");
        }
      }
    } catch (IOException e) {
      throw new UsageException("--output " + output + " cannot be checked: " + e.getMessage(), e);
    }
  }

  private static UsageException refused(String output, String column, String found) {
    return new UsageException("--partition-by '" + column + "' with --mode overwrite replaces partitions, but --output "
        + output + " " + found + "; write to a new path, or delete it first");
  }
}
