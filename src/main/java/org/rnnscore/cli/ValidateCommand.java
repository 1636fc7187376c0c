package org.rnnscore.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.rnnscore.job.BadRowCensus;
import org.rnnscore.job.InputSource;
import org.rnnscore.job.PathGuards;
import org.rnnscore.job.ScoreOptions;
import org.rnnscore.job.SparkSessions;
import org.rnnscore.job.ValidateJob;
import org.rnnscore.kernel.Nd4jRuntime;
import org.rnnscore.model.InputDataException;
import org.rnnscore.model.RnnModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "validate", mixinStandardHelpOptions = true,
    description = "Checks an input against a model without scoring: the schema, then every row (a census of bad rows"
        + " by reason code). Exit 0 when every row can be scored, 4 otherwise.")
final class ValidateCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  ModelOptions modelOptions;

  @Mixin
  InputOptions inputOptions;

  @Option(names = "--features-col", paramLabel = "NAME", defaultValue = ScoreOptions.DEFAULT_FEATURES_COLUMN,
      description = "The sequence column (default: ${DEFAULT-VALUE}); for a model of several inputs INPUT=COL,...")
  String featuresColumn;

  @Option(names = "--timesteps", paramLabel = "T", description = "As for score.")
  int timesteps;

  @Option(names = "--frame-shape", paramLabel = "H,W,C", description = "As for score.")
  String frameShape;

  @Option(names = "--key", paramLabel = "COL", description = "As for score.")
  String key;

  // The output side of the score run to come: checked as score checks it (paths, mode, layout), nothing written.
  @Option(names = "--output", paramLabel = "PATH", description = "As for score: checked, not written.")
  String output;

  @Option(names = "--rejects", paramLabel = "PATH", description = "As for score: checked, not written.")
  String rejects;

  @Option(names = "--initial-state-from", paramLabel = "PATH", description = "As for score: must match something.")
  String initialStateFrom;

  @Option(names = "--metrics", paramLabel = "FILE", description = "As for score: its directory is checked.")
  java.nio.file.Path metrics;

  @Option(names = "--mode", paramLabel = "MODE", defaultValue = "error",
      description = "As for score: in error mode an existing --output or --rejects is refused.")
  String mode;

  @Option(names = "--partition-by", paramLabel = "COL", description = "As for score: must be an output column.")
  String partitionBy;

  @Mixin
  SparkOptions sparkOptions;

  @Override
  public Integer call() {
    modelOptions.require(spec);
    PrintWriter out = spec.commandLine().getOut();
    ScoreOptions.WriteMode writeMode = Modes.parse(mode);
    // As score does: the paths, the lock, the layout and the model are checked before Spark starts.
    SparkConf sparkConf = SparkSessions.conf("rnnscore validate", sparkOptions.master,
        sparkOptions.conf, Nd4jRuntime.Backend.AUTO);
    Configuration hadoopConf = SparkSessions.hadoopConfiguration(sparkConf);
    InputSource source = inputOptions.source();
    String input = inputOptions.label();
    PathGuards.check(hadoopConf, new PathGuards.Request(source.isTable() ? null : input, output, rejects,
        initialStateFrom, null, metrics, writeMode, false));
    PathGuards.checkOutputsFree(hadoopConf, output, rejects, writeMode, partitionBy);
    org.rnnscore.model.Frame frame = frameShape == null ? null : ScoreOptions.parseFrame("--frame-shape", frameShape);
    RnnModel model = modelOptions.load(hadoopConf);
    SparkSession spark = SparkSessions.start(sparkConf);
    try {
      ValidateJob.Report report = ValidateJob.run(spark, model, input, featuresColumn, timesteps, key, partitionBy,
          frame, source, output, rejects);
      out.printf("input: %s: %d rows; sequence column '%s' %s; key %s%n", input, report.rows(), featuresColumn,
          report.sequenceType(), report.keyColumn() == null ? "(none: rows named by position)"
              : "'" + report.keyColumn() + "'");
      out.printf("model: %s: %s%n", modelOptions.model, model.dimensionsText());
      out.printf("bad rows: %d%n", report.badRows());
      report.badRowsByCode().forEach((code, count) -> out.printf("  %s: %d%n", code, count));
      out.flush();
      if (report.badRows() > 0) {
        throw new InputDataException(input + ": " + report.badRows() + " of " + report.rows()
            + " rows cannot be scored (" + BadRowCensus.describe(report.badRowsByCode()) + ")");
      }
      return ExitCode.OK.code();
    } finally {
      spark.stop();
    }
  }
}
