package org.rnnscore.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.rnnscore.io.NpzWriter;
import org.rnnscore.job.Benchmark;
import org.rnnscore.job.GenerateJob;
import org.rnnscore.job.ScoreOptions;
import org.rnnscore.model.UsageException;
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

  @Option(names = "--features", paramLabel = "D",
      description = "Features per timestep (required unless --model-shape gives it).")
  Integer features;

  @Option(names = "--model-shape", paramLabel = "S",
      description = "Also write the bench's SimpleRNN → Dense model of shape S1, S2 or S3 (seeded weights, as"
          + " bench scores it) to --model-output, as an .npz score reads; D defaults to the shape's.")
  String modelShape;

  @Option(names = "--model-output", paramLabel = "FILE", description = "Where --model-shape's .npz goes (a local file).")
  java.nio.file.Path modelOutput;

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
  public Integer call() throws java.io.IOException {
    Benchmark.Shape shape = null;
    if (modelShape != null || modelOutput != null) {
      if (modelShape == null || modelOutput == null) {
        throw new UsageException("--model-shape and --model-output go together (the shape names the model, the"
            + " file is where it is written)");
      }
      shape = Benchmark.SHAPES.stream().filter(s -> s.name().equals(modelShape)).findFirst().orElseThrow(
          () -> new UsageException("--model-shape is '" + modelShape + "', expected one of S1, S2, S3"));
      if (features != null && features != shape.features()) {
        throw new UsageException("--features " + features + " does not match --model-shape " + modelShape + " (D = "
            + shape.features() + ")");
      }
      features = shape.features();
      if (java.nio.file.Files.exists(modelOutput) && Modes.parse(mode) != ScoreOptions.WriteMode.OVERWRITE) {
        throw new UsageException("--model-output " + modelOutput + " exists; use --mode overwrite to replace it");
      }
    }
    if (features == null) {
      throw new UsageException("--features is required (or --model-shape, whose D it takes)");
    }
    GenerateJob.Options options =
        new GenerateJob.Options(output, rows, timesteps, minTimesteps, features, seed, partitions,
            Modes.parse(mode));
    PrintWriter err = spec.commandLine().getErr();
    SparkSession spark = SparkSessions.start("rnnscore generate", sparkOptions.master, sparkOptions.conf);
    try {
      long start = System.nanoTime();
      GenerateJob.run(spark, options);
      if (shape != null) {
        java.nio.file.Path tmp = modelOutput.resolveSibling(modelOutput.getFileName() + ".tmp");
        try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(tmp)) {
          NpzWriter.write(out, Benchmark.model(shape));
        }
        java.nio.file.Files.move(tmp, modelOutput, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        err.printf(java.util.Locale.ROOT, "rnnscore: wrote the %s model (SimpleRNN(%d) → Dense(%d), D=%d) to %s%n",
            shape.name(), shape.units(), shape.outputs(), shape.features(), modelOutput);
      }
      err.printf(java.util.Locale.ROOT, "rnnscore: wrote N=%d rows (T=%d, D=%d, seed %d) to %s in %.2f s%n", rows,
          timesteps, features, seed, output, (System.nanoTime() - start) / 1e9);
      err.flush();
      return ExitCode.OK.code();
    } finally {
      spark.stop();
    }
  }
}
