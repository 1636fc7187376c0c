package org.rnnscore.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import java.nio.file.Path;
import org.rnnscore.job.BadRowCensus;
import org.rnnscore.job.BadRowPolicy;
import org.rnnscore.kernel.KernelPath;
import org.rnnscore.kernel.Nd4jRuntime;
import org.rnnscore.job.ModelLoader;
import org.rnnscore.job.PathGuards;
import org.rnnscore.job.Redaction;
import org.rnnscore.job.ScoreJob;
import org.rnnscore.job.InputSource;
import org.rnnscore.job.ScoreOptions;
import org.rnnscore.job.EventGrouping;
import org.rnnscore.job.SparkSessions;
import org.rnnscore.job.StateOptions;
import org.rnnscore.model.Activation;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.UsageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import org.rnnscore.job.SeveralModels;

@Command(name = "score", mixinStandardHelpOptions = true,
    description = "Scores every row of a Parquet dataset and writes the predictions as Parquet.")
final class ScoreCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  ModelOptions modelOptions;

  @Mixin
  InputOptions inputOptions;

  @Option(names = "--output", paramLabel = "PATH", description = "Parquet directory to write.")
  String output;

  @Option(names = "--output-table", paramLabel = "DB.TABLE",
      description = "Write to this catalog table instead (Hive, or Iceberg/Delta where the cluster has them); the"
          + " rows are scored into a staging path first (--output, or under the warehouse directory).")
  String outputTable;

  @Option(names = "--features-col", paramLabel = "NAME", defaultValue = ScoreOptions.DEFAULT_FEATURES_COLUMN,
      description = "The sequence column: array<array<float>> (T×D) or flat array<float> with --timesteps "
          + "(default: ${DEFAULT-VALUE}). A model of several inputs: INPUT=COL,... (INPUT an Input layer's name),"
          + " each an array<array<float>> column of its own lengths.")
  String featuresColumn;

  @Option(names = "--timesteps", paramLabel = "T|NAME=T",
      description = "T, to read a flat array<float> of T·D values; with a nested column, every row must have T steps."
          + " With --named-model, NAME=T sets one model's (repeatable).")
  List<String> timesteps;

  @Option(names = "--named-model", paramLabel = "NAME=PATH",
      description = "Score every row with several models in one pass over the input (repeatable, instead of --model):"
          + " NAME [a-z][a-z0-9_]* names the model's columns, <NAME>_<prediction-col>.")
  List<String> namedModels;

  @Option(names = "--frame-shape", paramLabel = "H,W,C",
      description = "For a per-step image model (input (None, T, H, W, C)) read from a flat array<float> column: each"
          + " row is T frames of H·W·C values (row, column, channel order); must be the model's frame. A nested"
          + " column is array<array<array<array<float>>>> (T × H × W × C) and needs no option.")
  String frameShape;

  @Option(names = "--keep", paramLabel = "COL", split = ",",
      description = "Columns to pass through, in this order (default: all but the sequence column).")
  List<String> keep;

  @Option(names = "--prediction-col", paramLabel = "NAME", defaultValue = ScoreOptions.DEFAULT_PREDICTION_COLUMN,
      description = "Name of the output column (default: ${DEFAULT-VALUE}).")
  String predictionColumn;

  @Option(names = "--outputs", paramLabel = "LIST|NAME=LIST",
      description = "What the prediction columns hold, a comma list in column order (default raw): raw, softmax,"
          + " sigmoid, argmax, top-k=N, threshold=X. With --named-model, NAME=LIST for one model.")
  List<String> outputs;

  @Option(names = "--class-names", paramLabel = "A,B,..|NAME=A,B,..",
      description = "With argmax: the K class names, index order (adds <prediction>_label_name).")
  List<String> classNames;

  @Option(names = "--positive-class", paramLabel = "INDEX|NAME",
      description = "With threshold=X: the class whose score is compared (an index or a class name; default K-1).")
  List<String> positiveClass;

  @Option(names = "--force-outputs",
      description = "Apply softmax or sigmoid even over a model whose last layer already applies one.")
  boolean forceOutputs;

  @Option(names = "--key", paramLabel = "COL",
      description = "Column that identifies a row in messages (default: id when present).")
  String key;

  @Option(names = "--mode", paramLabel = "MODE", defaultValue = "error",
      description = "error (refuse an existing output) or overwrite (default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(names = "--batch-size", paramLabel = "B", defaultValue = "" + ScoreOptions.DEFAULT_BATCH_SIZE,
      description = "Rows per forward pass (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--batch-bytes", paramLabel = "SIZE", defaultValue = "64m",
      description = "At most this many bytes of input values per forward pass, besides --batch-size rows (64m, 1g,"
          + " or bytes; default: ${DEFAULT-VALUE}); a single row larger than this is scored alone.")
  String batchBytes;

  @Option(names = "--activation", paramLabel = "NAME",
      description = "Override the recurrent layer's activation (npz files default to tanh).")
  String activation;

  @Option(names = "--output-activation", paramLabel = "NAME",
      description = "Override the last Dense layer's activation (npz files default to linear).")
  String outputActivation;

  @Option(names = "--on-bad-row", paramLabel = "fail|quarantine", defaultValue = "fail",
      description = "fail: stop at a bad row, write nothing (default); quarantine: score the good rows, write the bad"
          + " ones to --rejects with reason_code and reason.")
  String onBadRow;

  @Option(names = "--rejects", paramLabel = "PATH", description = "Where quarantined rows go (Parquet).")
  String rejects;

  // Descriptions are format strings to picocli: %% is a percent sign.
  @Option(names = "--max-bad-rows", paramLabel = "N|N%",
      description = "With quarantine, fail (writing nothing) when more rows than N, or than N%% of them, are bad.")
  String maxBadRows;

  @Option(names = "--output-files", paramLabel = "N", defaultValue = "0",
      description = "Write N output files (default: one per input partition).")
  int outputFiles;

  @Option(names = "--partition-by", paramLabel = "COL",
      description = "Partition the output by this kept column; with --mode overwrite only the partitions written are"
          + " replaced (a nightly run into its dated partition).")
  String partitionBy;

  @Option(names = "--backend", paramLabel = "cpu|cuda|auto", defaultValue = "auto",
      description = "ND4J backend on the executors: cpu, cuda (fails clearly where no GPU or CUDA runtime is), or auto"
          + " (CUDA where packaged and usable, else CPU). Default: ${DEFAULT-VALUE}.")
  String backend;

  @Option(names = "--kernel", paramLabel = "auto|fused|blas", defaultValue = "auto",
      description = "Recurrent layers' implementation: fused (Vector API on the heap, CPU only), blas (a GEMM per"
          + " step on ND4J's BLAS), or auto (per layer, by the measured rule in the README's 'Kernel paths')."
          + " Default: ${DEFAULT-VALUE}.")
  String kernel;

  @Option(names = "--emit-state",
      description = "Write every recurrent layer's final state after the prediction (state_<layer>_h, and _c for"
          + " LSTM), to continue the sequences in a later run.")
  boolean emitState;

  @Option(names = "--initial-state-from", paramLabel = "PATH",
      description = "Start each row from the state columns of this previous output (joined on --key; no match:"
          + " zeros).")
  String initialStateFrom;

  @Option(names = "--state-broadcast-max", paramLabel = "SIZE", defaultValue = "512m",
      description = "With --initial-state-from: broadcast the states to the input's tasks when Spark estimates them"
          + " (key and state columns) at no more than SIZE, else sort-merge join both sides. Default: ${DEFAULT-VALUE}.")
  String stateBroadcastMax;

  @Option(names = "--force-state", description = "Accept states written by a model with another sha256.")
  boolean forceState;

  @Option(names = "--group-by", paramLabel = "KEY",
      description = "The input has one row per event: build each key's sequence from its events' feature arrays.")
  String groupBy;

  @Option(names = "--order-by", paramLabel = "COL", description = "With --group-by: the events' order (e.g. a time).")
  String orderBy;

  @Option(names = "--metrics", paramLabel = "FILE",
      description = "Write a JSON report of the run here (also when it fails).")
  Path metrics;

  @Option(names = "--quiet", description = "No progress line.")
  boolean quiet;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Defaults for these options from a properties file, keys named as the long options without"
          + " dashes (batch-size=2048); options on the command line win.")
  Path config;

  @Mixin
  SparkOptions sparkOptions;

  @Override
  public Integer call() {
    long start = System.nanoTime();
    Redaction redaction = Redaction.of(sparkOptions.conf);
    Run run = new Run();
    Map<String, Object> report;
    try {
      report = score(run, redaction, start);
    } catch (Throwable e) { // also Spark's checked exceptions, which Scala throws undeclared
      if (run.metricsWritable) {
        writeMetrics(MetricsReport.of("failed", e, run.result, run.loaded, run.spark, millisSince(start), redaction),
            false);
      }
      throw e;
    } finally {
      if (run.spark != null) {
        run.spark.stop();
      }
    }
    // After the commit: a report that cannot be written is a warning, never a failed run.
    writeMetrics(report, true);
    return ExitCode.OK.code();
  }

  /** What a run has got so far, for the metrics of a run that fails midway. */
  private static final class Run {
    boolean metricsWritable;
    SparkSession spark;
    ModelLoader.Loaded loaded;
    ScoreJob.Result result;
  }

  /** Checks everything that needs no Spark, then starts Spark and scores; returns the metrics to write. */
  private Map<String, Object> score(Run run, Redaction redaction, long start) {
    if (metrics != null) {
      PathGuards.probeMetrics(metrics); // so that a failure below can still be reported
    }
    run.metricsWritable = true;
    if (output == null && outputTable == null) {
      throw new UsageException("give --output PATH or --output-table DB.TABLE");
    }
    if (groupBy != null && key == null) {
      key = groupBy; // the grouped rows are named, and joined to states, by the grouping key
    }
    NamedModels named = namedModels == null ? null : NamedModels.parse(namedModels, timesteps, modelOptions);
    if (named == null) {
      modelOptions.require(spec);
    } else {
      named.refuse(initialStateFrom, groupBy);
    }
    int sharedTimesteps = NamedModels.sharedTimesteps(timesteps, named != null);
    InputSource source = inputOptions.source();
    ScoreOptions options = new ScoreOptions(inputOptions.label(), output != null ? output : stagingFor(outputTable), featuresColumn, sharedTimesteps, keep, predictionColumn, key,
        Modes.parse(mode), batchSize, outputFiles, partitionBy, Backends.parse(backend), outputTable,
        frameShape == null ? null : ScoreOptions.parseFrame("--frame-shape", frameShape),
        ScoreOptions.parseBytes("--batch-bytes", batchBytes), KernelPath.parse(kernel, "--kernel"));
    OutputOptions classOutputs = OutputOptions.parse(outputs, classNames, positiveClass,
        named == null ? java.util.Set.of() : new java.util.LinkedHashSet<>(named.names()));
    options = options.withClassOutputs(classOutputs.shared(), forceOutputs);
    options = options.withSource(source);
    Nd4jRuntime.Backend chosenBackend = options.backend();
    if (chosenBackend == Nd4jRuntime.Backend.CUDA && options.kernel() == KernelPath.FUSED) {
      throw new UsageException("--kernel fused runs on the CPU only, but --backend is cuda: use --kernel auto or blas"
          + " (the GPU runs the recurrent layers on ND4J)");
    }
    if (chosenBackend == Nd4jRuntime.Backend.CUDA && !Nd4jRuntime.cudaPackaged()) {
      Nd4jRuntime.requireBackend(chosenBackend); // the clear "not packaged" error, before Spark starts
    }
    BadRowPolicy policy = BadRowPolicy.parse(onBadRow, rejects, maxBadRows);
    Activation recurrentOverride = Activations.parse("--activation", activation);
    Activation outputOverride = Activations.parse("--output-activation", outputActivation);
    PrintWriter err = spec.commandLine().getErr();

    // Fail fast: the model and the paths are checked with the Hadoop settings the job will have
    // (spark-defaults, --conf spark.hadoop.*), before a SparkContext costs its seconds.
    SparkConf sparkConf = SparkSessions.conf("rnnscore score", sparkOptions.master, sparkOptions.conf, chosenBackend);
    Configuration hadoopConf = SparkSessions.hadoopConfiguration(sparkConf);
    List<ModelLoader.Loaded> loadedModels = named == null ? List.of(modelOptions.loadWithProvenance(hadoopConf))
        : named.load(modelOptions, hadoopConf);
    run.loaded = loadedModels.get(0);
    RnnModel scored = run.loaded.model().withActivations(recurrentOverride, outputOverride);
    // Outputs the model cannot give (K, its final activation) are exit 2 before Spark starts.
    for (int m = 0; m < loadedModels.size(); m++) {
      (named == null ? options.classOutputs() : classOutputs.forModel(named.names().get(m)))
          .check(loadedModels.get(m).model().withActivations(recurrentOverride, outputOverride), forceOutputs);
    }
    StateOptions stateOptions = new StateOptions(emitState, initialStateFrom, forceState,
        ScoreOptions.parseBytes("--state-broadcast-max", stateBroadcastMax));
    PathGuards.requirePersistentCatalog(outputTable, PathGuards.sparkConf(sparkOptions.conf));
    PathGuards.check(hadoopConf, PathGuards.Request.forScore(options, policy, stateOptions, metrics));

    run.spark = SparkSessions.start(sparkConf);
    SparkSession spark = run.spark;
    if (!quiet && spark.sparkContext().uiWebUrl().isDefined()) {
      err.println("rnnscore: Spark UI at " + spark.sparkContext().uiWebUrl().get());
    }
    ScoreJob.Provenance provenance = new ScoreJob.Provenance(run.loaded.file(), run.loaded.sha256(),
        RnnScoreCli.version(), redaction.redactArgs(spec.commandLine().getParseResult().originalArgs()));
    ScoreJob.Progress progress = quiet ? ScoreJob.NO_PROGRESS : new ProgressLine(err, 5000);
    ScoreJob.Result result;
    if (named == null) {
      result = ScoreJob.run(spark, scored, options, policy, provenance, progress, stateOptions,
          EventGrouping.of(groupBy, orderBy));
    } else {
      List<SeveralModels.Named> models = new java.util.ArrayList<>();
      for (int m = 0; m < loadedModels.size(); m++) {
        ModelLoader.Loaded loaded = loadedModels.get(m);
        models.add(new SeveralModels.Named(named.names().get(m),
            loaded.model().withActivations(recurrentOverride, outputOverride), new ScoreJob.Provenance(loaded.file(),
                loaded.sha256(), provenance.version(), provenance.options()), named.timesteps(m),
            classOutputs.forModel(named.names().get(m))));
      }
      result = ScoreJob.runSeveral(spark, models, options, policy, progress, emitState);
    }
    run.result = result;
    err.printf(Locale.ROOT, "rnnscore: scored N=%d rows in %.2f s (%.0f rows/s); model %s%n", result.rowsScored(),
        result.wallMillis() / 1000.0, result.rowsPerSecond(), scored.dimensionsText());
    if (policy.quarantine()) {
      err.printf(Locale.ROOT, "rnnscore: %d rows read = %d scored + %d rejected to %s%s%n", result.rowsIn(),
          result.rowsScored(), result.rowsRejected(), policy.rejects(), result.rejectsByCode().isEmpty() ? ""
              : " (" + BadRowCensus.describe(result.rejectsByCode()) + ")");
    }
    err.flush();
    return MetricsReport.of("ok", null, result, run.loaded, spark, millisSince(start), redaction);
  }

  private static long millisSince(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  /** Where a table's rows are scored before they go into the table, when --output is not given. */
  private static String stagingFor(String table) {
    String warehouse = new org.apache.spark.SparkConf(true).get("spark.sql.warehouse.dir", "spark-warehouse");
    return warehouse + "/.rnnscore-staging-" + table.replaceAll("[^A-Za-z0-9_.-]", "_");
  }

  /**
   * @param committed the run's output is in place: a failed write is a warning, not an error
   *     (either way, the run's own outcome stands)
   */
  private void writeMetrics(Map<String, Object> report, boolean committed) {
    if (metrics == null) {
      return;
    }
    try {
      MetricsReport.write(metrics, report);
    } catch (RuntimeException e) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("rnnscore: warning: " + e.getMessage() + (committed ? "; the output was committed" : ""));
      err.flush();
    }
  }
}
