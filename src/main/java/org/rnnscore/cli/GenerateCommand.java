package org.rnnscore.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.rnnscore.job.GenerateJob;
import org.rnnscore.job.SparkSessions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "generate", mixinStandardHelpOptions = true,
    description = "Writes synthetic input: id (0…N−1) and features, T×D standard-normal floats; "
        + "the same data for a seed whatever the cores or partitions.")
final class GenerateCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--output", required = true, paramLabel = "PATH", description = "Parquet directory to write.")
  String output;

  @Option(names = "--rows", required = true, paramLabel = "N", description = "Rows to write.")
  long rows;

  @Option(names = "--timesteps", required = true, paramLabel = "T", description = "Timesteps per row.")
  int timesteps;

  @Option(names = "--min-timesteps", paramLabel = "TMIN", defaultValue = "0",
      description = "Draw each row's length uniformly from [TMIN, T] (ragged data; default: every row has T).")
  int minTimesteps;

  @Option(names = "--features", required = true, paramLabel = "D", description = "Features per timestep.")
  int features;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--partitions", paramLabel = "P", defaultValue = "0",
      description = "Output files (default: one per 131,072 rows, at least the default parallelism).")
  int partitions;

  @Option(names = "--mode", paramLabel = "MODE", defaultValue = "error",
      description = "error (refuse an existing output) or overwrite (default: ${DEFAULT-VALUE}).")
  String mode;

  @Mixin
  SparkOptions sparkOptions;

  @Override
  public Integer call() {
    GenerateJob.Options options =
        new GenerateJob.Options(output, rows, timesteps, minTimesteps, features, seed, partitions,
            Modes.parse(mode));
    PrintWriter err = spec.commandLine().getErr();
    SparkSession spark = SparkSessions.start("rnnscore generate", sparkOptions.master, sparkOptions.conf);
    try {
      long start = System.nanoTime();
      GenerateJob.run(spark, options);
      err.printf(java.util.Locale.ROOT, "rnnscore: wrote N=%d rows (T=%d, D=%d, seed %d) to %s in %.2f s%n", rows,
          timesteps, features, seed, output, (System.nanoTime() - start) / 1e9);
      err.flush();
      return ExitCode.OK.code();
    } finally {
      spark.stop();
    }
  }
}
