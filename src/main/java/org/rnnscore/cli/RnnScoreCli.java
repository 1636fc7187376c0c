package org.rnnscore.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The rnnscore command line: score, inspect, generate. Exit codes are {@link ExitCode}'s. */
@Command(
    name = "rnnscore",
    mixinStandardHelpOptions = true,
    versionProvider = RnnScoreCli.Version.class,
    description = "Scores Parquet sequences with a Keras SimpleRNN→Dense model on Spark.",
    subcommands = {ScoreCommand.class, InspectCommand.class, ValidateCommand.class, GenerateCommand.class,
        BenchCommand.class,
        CommandLine.HelpCommand.class})
public final class RnnScoreCli implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    System.exit(code);
  }

  /** Runs one command line; returns the exit code. Tests call this directly. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new RnnScoreCli());
    // --config FILE: defaults for the long options from a properties file; the command line wins.
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("--config")) {
        java.io.File file = new java.io.File(args[i + 1]);
        if (!file.isFile()) {
          err.println("rnnscore: --config " + args[i + 1] + " is not a readable file");
          err.flush();
          return ExitCode.USAGE.code();
        }
        cli.setDefaultValueProvider(new CommandLine.PropertiesDefaultProvider(file));
      }
    }
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler((ex, arguments) -> {
      err.println("rnnscore: " + ex.getMessage());
      err.println("Try 'rnnscore " + commandName(ex.getCommandLine()) + "--help' for the options.");
      return ExitCode.USAGE.code();
    });
    cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      Failures.Outcome outcome = Failures.classify(ex);
      err.println("rnnscore: " + outcome.message());
      if (outcome.showTrace()) {
        StringWriter trace = new StringWriter();
        ex.printStackTrace(new PrintWriter(trace));
        err.println(trace);
      }
      err.flush();
      return outcome.code().code();
    });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  private static String commandName(CommandLine commandLine) {
    String name = commandLine.getCommandName();
    return "rnnscore".equals(name) ? "" : name + " ";
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: score, inspect, validate, generate or bench");
  }

  /** The build's version (from the jar manifest), or "development". */
  static String version() {
    String version = RnnScoreCli.class.getPackage().getImplementationVersion();
    return version == null ? "development" : version;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = RnnScoreCli.class.getPackage().getImplementationVersion();
      return new String[] {"rnnscore " + (version == null ? "(development build)" : version)};
    }
  }
}
