package org.rnnscore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class archive's workload refuses a working directory that holds anything (it writes its
 * data there, and the launcher deletes that directory after). The workload itself runs in every
 * build's package phase, which fails if it does.
 */
class ClassArchiveWorkloadTest {
  @TempDir
  Path dir;

  @Test
  void nonEmptyWorkingDirectory_usageError() throws Exception {
    Files.writeString(dir.resolve("keep.txt"), "a user's file");
    StringWriter err = new StringWriter();
    int code = RnnScoreCli.run(new String[] {"class-archive-workload", dir.toString()}, new PrintWriter(new StringWriter()),
        new PrintWriter(err));
    assertEquals(ExitCode.USAGE.code(), code, err.toString());
    assertEquals("rnnscore: class-archive-workload: " + dir + " exists and is not an empty directory\n",
        err.toString());
    assertEquals("a user's file", Files.readString(dir.resolve("keep.txt")));
  }
}
