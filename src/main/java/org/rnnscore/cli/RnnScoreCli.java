package org.rnnscore.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.rnnscore.job.Redaction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The rnnscore command line: score, inspect, generate. Exit codes are {@link ExitCode}'s. */
@Command(
    name = "rnnscore",
    mixinStandardHelpOptions = true,
    versionProvider = RnnScoreCli.Version.class,
    description = "Scores Parquet sequences with a Keras SimpleRNN→Dense model on Spark.",
    subcommands = {ScoreCommand.class, InspectCommand.class, ValidateCommand.class, GenerateCommand.class,
        BenchCommand.class, ClassArchiveWorkload.class,
        CommandLine.HelpCommand.class})
public final class RnnScoreCli implements Runnable {
  static final String VERBOSE = "--verbose";

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  // Read from the arguments before parsing (the log is set up before anything runs); declared so
  // that every command accepts it and lists it in its help.
  @Option(names = VERBOSE, scope = ScopeType.INHERIT,
      description = "Spark's and Hadoop's log as configured, and the stack trace of a failure (default: only"
          + " rnnscore's messages).")
  boolean verbose;

  public static void main(String[] args) {
    int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    System.exit(code);
  }

  /** Runs one command line; returns the exit code. Tests call this directly. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    boolean verbose = Arrays.asList(args).contains(VERBOSE);
    Reporter reporter = new Reporter(err, verbose, Redaction.of(confPairs(args)), System.nanoTime());
    QuietLogs quiet = verbose ? null : QuietLogs.apply();
    try {
      return execute(args, out, err, reporter);
    } catch (Throwable e) { // an Error from a command: picocli passes only Exceptions to its handler
      return reporter.failed(e).code().code();
    } finally {
      out.flush();
      err.flush();
      if (quiet != null) {
        quiet.close();
      }
    }
  }

  private static int execute(String[] args, PrintWriter out, PrintWriter err, Reporter reporter) {
    CommandLine cli = new CommandLine(new RnnScoreCli());
    cli.setOut(out);
    cli.setErr(err);
    // --metrics is honoured from here on, for every failure: a usage error too.
    reporter.metrics = pathOrNull(ConfigDefaults.valueOf(args, "--metrics"));
    ConfigDefaults config;
    try {
      config = ConfigDefaults.fromArgs(args);
      if (config != null) {
        if (reporter.metrics == null) {
          reporter.metrics = pathOrNull(config.get("metrics"));
        }
        CommandLine command = commandIn(cli, args);
        if (command != null) {
          config.check(command);
        }
        cli.setDefaultValueProvider(config.provider());
      }
    } catch (RuntimeException e) {
      return reporter.failedWithMetrics(e).code();
    }
    cli.setParameterExceptionHandler((ex, arguments) -> {
      reporter.failedWithMetrics(ex);
      err.println("Try 'rnnscore " + commandName(ex.getCommandLine()) + "--help' for the options.");
      return ExitCode.USAGE.code();
    });
    // The command itself wrote its --metrics (with what it knew of the run).
    cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> reporter.failed(ex).code().code());
    return cli.execute(args);
  }

  /** The subcommand named in {@code args}, or null. */
  private static CommandLine commandIn(CommandLine cli, String[] args) {
    for (String arg : args) {
      CommandLine command = cli.getSubcommands().get(arg);
      if (command != null) {
        return command;
      }
    }
    return null;
  }

  private static Path pathOrNull(String location) {
    try {
      return location == null || location.isEmpty() ? null : Path.of(location);
    } catch (java.nio.file.InvalidPathException e) {
      return null;
    }
  }

  /** The {@code --conf KEY=VALUE} pairs of {@code args}, to know which values are secret before parsing. */
  static Map<String, String> confPairs(String[] args) {
    Map<String, String> pairs = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String setting = args[i].equals("--conf") && i + 1 < args.length ? args[i + 1]
          : args[i].startsWith("--conf=") ? args[i].substring("--conf=".length()) : null;
      int eq = setting == null ? -1 : setting.indexOf('=');
      if (eq > 0) {
        pairs.put(setting.substring(0, eq), setting.substring(eq + 1));
      }
    }
    return pairs;
  }

  private static String commandName(CommandLine commandLine) {
    String name = commandLine.getCommandName();
    return "rnnscore".equals(name) ? "" : name + " ";
  }

  /**
   * How a failure ends the process: one {@code rnnscore:} line (the trace too for a bug, or with
   * --verbose), secrets hidden, and --metrics where the command did not write its own.
   */
  private static final class Reporter {
    private final PrintWriter err;
    private final boolean verbose;
    private final Redaction redaction;
    private final long start;
    Path metrics;

    Reporter(PrintWriter err, boolean verbose, Redaction redaction, long start) {
      this.err = err;
      this.verbose = verbose;
      this.redaction = redaction;
      this.start = start;
    }

    Failures.Outcome failed(Throwable failure) {
      Failures.Outcome outcome = Failures.classify(failure);
      err.println("rnnscore: " + redaction.redact(outcome.message()));
      if (outcome.showTrace() || verbose) {
        err.println(redaction.redact(Failures.stackTrace(failure)));
      }
      err.flush();
      return outcome;
    }

    /** Before a command ran: nothing else writes the metrics. */
    ExitCode failedWithMetrics(Throwable failure) {
      Failures.Outcome outcome = failed(failure);
      if (metrics != null) {
        try {
          MetricsReport.write(metrics, MetricsReport.of("failed", failure, null, null, null,
              (System.nanoTime() - start) / 1_000_000, redaction));
        } catch (RuntimeException e) {
          err.println("rnnscore: warning: " + e.getMessage());
          err.flush();
        }
      }
      return outcome.code();
    }
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
