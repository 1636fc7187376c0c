package org.rnnscore.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process command line: its exit code, stdout and stderr (the writers RnnScoreCli.run is given). */
record CliRun(int code, String out, String err) {
  static CliRun of(String... args) {
    StringWriter stdout = new StringWriter();
    StringWriter stderr = new StringWriter();
    int code = RnnScoreCli.run(args, new PrintWriter(stdout), new PrintWriter(stderr));
    return new CliRun(code, stdout.toString(), stderr.toString());
  }
}
