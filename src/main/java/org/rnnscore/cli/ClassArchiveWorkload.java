package org.rnnscore.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.rnnscore.model.UsageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * The run whose loaded classes go into the launcher's class archive ({@code target/rnnscore
 * class-archive}, which the build runs): what a night of scoring loads, in one JVM. A generated
 * S1 model and input, a full score that keeps its states, an incremental score from them (the
 * states' table and key tally), and an inspect. The JVM writes the archive when it exits; the
 * launcher checks it and moves it into place. Hidden: not a user's command.
 */
@Command(name = "class-archive-workload", hidden = true,
    description = "Runs the workload whose classes the launcher archives (target/rnnscore class-archive runs it).")
final class ClassArchiveWorkload implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR", description = "An empty working directory, for the generated data.")
  Path work;

  @Override
  public Integer call() throws Exception {
    if (Files.exists(work) && !emptyDirectory(work)) {
      throw new UsageException("class-archive-workload: " + work + " exists and is not an empty directory");
    }
    String model = work.resolve("s1.npz").toString();
    String history = work.resolve("history").toString();
    String today = work.resolve("today").toString();
    String night1 = work.resolve("night1").toString();
    List<String[]> steps = List.of(
        new String[] {"generate", "--model-shape", "S1", "--model-output", model, "--output", history, "--rows",
            "40000", "--timesteps", "20", "--seed", "1"},
        new String[] {"generate", "--output", today, "--rows", "40000", "--timesteps", "5", "--features", "8",
            "--seed", "2"},
        new String[] {"inspect", "--model", model},
        new String[] {"score", "--model", model, "--input", history, "--output", night1, "--emit-state", "--quiet"},
        new String[] {"score", "--model", model, "--input", today, "--output", work.resolve("night2").toString(),
            "--initial-state-from", night1, "--emit-state", "--quiet"});
    for (String[] step : steps) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      // --verbose: this command's own quiet log already holds; a second one inside it would nest.
      String[] args = java.util.Arrays.copyOf(step, step.length + 1);
      args[step.length] = RnnScoreCli.VERBOSE;
      int code = RnnScoreCli.run(args, new PrintWriter(out), new PrintWriter(err));
      if (code != ExitCode.OK.code()) {
        throw new IllegalStateException("class-archive-workload: 'rnnscore " + String.join(" ", step)
            + "' exited with " + code + ": " + err.toString().strip());
      }
    }
    return ExitCode.OK.code();
  }

  private static boolean emptyDirectory(Path path) throws java.io.IOException {
    if (!Files.isDirectory(path)) {
      return false;
    }
    try (java.util.stream.Stream<Path> entries = Files.list(path)) {
      return entries.findAny().isEmpty();
    }
  }
}
