package org.rnnscore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnscore.job.CopyingFileSystem;
import org.rnnscore.job.SharedSpark;

/** What a user sees when the output is held by another run, or its move into place fails: exit 5, one line. */
class CommitCliTest {
  private static final Path SAMPLE = Path.of("sample-data");

  @TempDir
  Path dir;

  private String err;

  private int score(String output) {
    SharedSpark.get().sparkContext().hadoopConfiguration().set("fs.copyfs.impl", CopyingFileSystem.class.getName());
    StringWriter stderr = new StringWriter();
    int code = RnnScoreCli.run(new String[] {"score", "--model", SAMPLE.resolve("model.npz").toString(), "--input",
        SAMPLE.resolve("input.parquet").toString(), "--output", output, "--mode", "overwrite", "--quiet",
        "--master", "local[2]", "--conf", "spark.hadoop.fs.copyfs.impl=" + CopyingFileSystem.class.getName()},
        new PrintWriter(new StringWriter()), new PrintWriter(stderr));
    err = stderr.toString();
    return code;
  }

  @AfterEach
  void reset() {
    CopyingFileSystem.reset();
  }

  @Test
  void score_outputLockedByLiveRun_exit5OneLineNamingTheRun() throws Exception {
    Files.writeString(dir.resolve(".out.rnnscore-lock"), "run=nightly\npid=77\nhost=etl-7\nheartbeat="
        + System.currentTimeMillis() + "\n");
    int code = score(dir.resolve("out").toString());
    assertEquals(5, code, err);
    assertEquals("rnnscore: file:" + dir.resolve("out") + " is being written by run nightly (pid 77, host etl-7,"
        + " heartbeat N s ago); retry when it ends\n", err.replaceFirst("heartbeat \\d+ s ago", "heartbeat N s ago"));
  }

  private int validate(String... outputSide) {
    String[] base = {"validate", "--model", SAMPLE.resolve("model.npz").toString(), "--input",
        SAMPLE.resolve("input.parquet").toString(), "--master", "local[2]"};
    String[] args = java.util.Arrays.copyOf(base, base.length + outputSide.length);
    System.arraycopy(outputSide, 0, args, base.length, outputSide.length);
    StringWriter stderr = new StringWriter();
    int code = RnnScoreCli.run(args, new PrintWriter(new StringWriter()), new PrintWriter(stderr));
    err = stderr.toString();
    return code;
  }

  @Test
  void validate_outputLockedByLiveRun_exit5AsScoreWouldAndTheLockLeftAlone() throws Exception {
    Path lock = dir.resolve(".out.rnnscore-lock");
    String held = "run=nightly\npid=77\nhost=etl-7\nheartbeat=" + System.currentTimeMillis() + "\n";
    Files.writeString(lock, held);

    int code = validate("--output", dir.resolve("out").toString(), "--mode", "overwrite");

    assertEquals(5, code, err);
    assertEquals("rnnscore: file:" + dir.resolve("out") + " is being written by run nightly (pid 77, host etl-7,"
        + " heartbeat N s ago); retry when it ends\n", err.replaceFirst("heartbeat \\d+ s ago", "heartbeat N s ago"));
    assertEquals(held, Files.readString(lock));
  }

  @Test
  void validate_partitionedOverwriteOntoAFlatOutput_usageExit2AsScoreWould() throws Exception {
    Path out = Files.createDirectories(dir.resolve("flat"));
    Files.writeString(out.resolve("part-00000-old.snappy.parquet"), "previous");

    int code = validate("--output", out.toString(), "--mode", "overwrite", "--partition-by", "id");

    assertEquals(2, code, err);
    assertEquals("rnnscore: --partition-by 'id' with --mode overwrite replaces partitions, but --output " + out
        + " holds a non-partitioned output (file part-00000-old.snappy.parquet); write to a new path, or delete it"
        + " first\n", err);
    assertEquals("previous", Files.readString(out.resolve("part-00000-old.snappy.parquet")));
  }

  @Test
  void score_copyingMoveRunsOutOfSpace_exit5OneLineAndPreviousOutputIntact() throws Exception {
    Path out = Files.createDirectories(dir.resolve("out"));
    Files.writeString(out.resolve("part-00000-old.snappy.parquet"), "previous");
    Files.writeString(out.resolve("_SUCCESS"), "");
    CopyingFileSystem.failCopyInto(new org.apache.hadoop.fs.Path(out.toString()), 1000);

    int code = score("copyfs:" + out);

    assertEquals(5, code, err);
    assertEquals("rnnscore: moving the new output into --output copyfs:" + out + " failed: No space left on device;"
        + " nothing was changed, and a retry can succeed\n", err);
    try (var files = Files.list(out)) {
      assertEquals("[_SUCCESS, part-00000-old.snappy.parquet]",
          files.map(p -> p.getFileName().toString()).sorted().toList().toString());
    }
    assertEquals("previous", Files.readString(out.resolve("part-00000-old.snappy.parquet")));
  }
}
