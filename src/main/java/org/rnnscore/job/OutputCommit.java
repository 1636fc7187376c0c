package org.rnnscore.job;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.rnnscore.model.UsageException;

/**
 * All-or-nothing output. The job writes into a hidden staging directory beside the target
 * ({@code .<name>.rnnscore-staging-<run>}; Spark and Hadoop skip names starting with a dot), and
 * only a successful job moves it into place: the old output, if any, is renamed aside, the staging
 * directory renamed to the target, and the old one deleted. A failed or killed run therefore
 * leaves the target exactly as it was (Spark's own overwrite deletes it first, and a killed Spark
 * write leaves {@code _temporary} behind). The next run deletes stale staging left by killed runs.
 *
 * <p>Two runs writing the same target at once are not supported (a scheduler runs one).
 */
final class OutputCommit {
  private static final String STAGING = ".rnnscore-staging-";
  private static final String REPLACED = ".rnnscore-replaced-";

  private final FileSystem fs;
  private final Path target;
  private final Path staging;
  private final String run;

  private OutputCommit(FileSystem fs, Path target, String run) {
    this.fs = fs;
    this.target = target;
    this.run = run;
    this.staging = sibling(target, STAGING + run);
  }

  /** Prepares a commit to {@code output}, first deleting what killed runs left beside it. */
  static OutputCommit begin(String output, Configuration conf) {
    Path target = new Path(output);
    try {
      FileSystem fs = target.getFileSystem(conf);
      Path qualified = fs.makeQualified(target);
      Path parent = qualified.getParent();
      if (parent != null && fs.exists(parent)) {
        String prefix = "." + qualified.getName();
        for (FileStatus status : fs.listStatus(parent)) {
          String name = status.getPath().getName();
          if (name.startsWith(prefix + STAGING) || name.startsWith(prefix + REPLACED)) {
            fs.delete(status.getPath(), true);
          }
        }
      }
      return new OutputCommit(fs, qualified, Long.toString(System.currentTimeMillis(), 36)
          + Long.toString(System.nanoTime() & 0xffffff, 36));
    } catch (IOException e) {
      throw new UsageException("--output " + output + " cannot be prepared: " + e.getMessage(), e);
    }
  }

  /** Where the job writes. */
  String stagingPath() {
    return staging.toString();
  }

  /** Moves the staged output into place; the old output, if any, is replaced. */
  void commit() {
    Path replaced = sibling(target, REPLACED + run);
    try {
      boolean hadOld = fs.exists(target);
      if (hadOld && !fs.rename(target, replaced)) {
        throw new IOException("could not move the previous output " + target + " aside to " + replaced);
      }
      if (!fs.rename(staging, target)) {
        if (hadOld) {
          fs.rename(replaced, target); // put the previous output back
        }
        throw new IOException("could not move " + staging + " to " + target);
      }
      if (hadOld) {
        fs.delete(replaced, true);
      }
    } catch (IOException e) {
      abort();
      throw new IllegalStateException("committing the output failed: " + e.getMessage(), e);
    }
  }

  /**
   * Moves each partition directory of the staged output into the target, replacing a partition
   * of the same value and leaving the others (Spark's dynamic partition overwrite, done as
   * renames). Each partition is replaced whole; a failure between two leaves the earlier ones
   * replaced and the rest as they were, and the next run writes them again.
   */
  void commitPartitions() {
    try {
      if (!fs.exists(target)) {
        commit();
        return;
      }
      for (FileStatus status : fs.listStatus(staging)) {
        Path from = status.getPath();
        Path to = new Path(target, from.getName());
        if (!status.isDirectory()) {
          fs.delete(to, false); // _SUCCESS: the marker of the latest run
          fs.rename(from, to);
          continue;
        }
        Path replaced = sibling(to, REPLACED + run);
        boolean hadOld = fs.exists(to);
        if (hadOld && !fs.rename(to, replaced)) {
          throw new IOException("could not move the previous partition " + to + " aside");
        }
        if (!fs.rename(from, to)) {
          if (hadOld) {
            fs.rename(replaced, to);
          }
          throw new IOException("could not move " + from + " to " + to);
        }
        if (hadOld) {
          fs.delete(replaced, true);
        }
      }
      fs.delete(staging, true);
    } catch (IOException e) {
      abort();
      throw new IllegalStateException("committing the output's partitions failed: " + e.getMessage(), e);
    }
  }

  /** Deletes the staged output (the job failed); the target is untouched. */
  void abort() {
    try {
      fs.delete(staging, true);
    } catch (IOException e) {
      // The next run deletes stale staging anyway.
    }
  }

  private static Path sibling(Path target, String suffix) {
    return new Path(target.getParent(), "." + target.getName() + suffix);
  }
}
