package org.rnnscore.job;

import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;

/**
 * The commit protocol alone, without Spark, for the kill tests that fork a JVM per commit step:
 * {@code commit TARGET NEW_FILES partitioned|flat} opens the commit (lock, recovery), copies
 * NEW_FILES into the staging as the job would write it, and commits; {@code recover TARGET}
 * only opens and closes it, which is what any later run does first.
 */
public final class CommitProtocolMain {
  private CommitProtocolMain() {}

  public static void main(String[] args) throws Exception {
    Configuration conf = new Configuration();
    conf.set("fs." + CopyingFileSystem.SCHEME + ".impl", CopyingFileSystem.class.getName());
    boolean partitioned = args.length > 3 && args[3].equals("partitioned");
    try (OutputCommit commit = OutputCommit.open(conf,
        List.of(new OutputCommit.Target("--output", args[1], partitioned)))) {
      if (args[0].equals("commit")) {
        Path from = new Path(args[2]);
        Path staging = new Path(commit.stagingPath("--output"));
        FileSystem fs = staging.getFileSystem(conf);
        FileUtil.copy(from.getFileSystem(conf), from, fs, staging, false, conf);
        commit.commit();
      }
    }
  }
}
