package org.rnnscore.api;

import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructType;
import org.rnnscore.io.ReadOptions;
import org.rnnscore.job.BadRowHandling;
import org.rnnscore.job.InputPlan;
import org.rnnscore.job.ModelLoader;
import org.rnnscore.job.ScoreOptions;
import org.rnnscore.job.Scoring;
import org.rnnscore.job.ScoringCounters;
import org.rnnscore.kernel.KernelPath;
import org.rnnscore.model.ClassOutputs;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.UsageException;

/**
 * Scores a DataFrame you already hold with a Keras recurrent model: predictions as more columns,
 * lazily, with the same checks, bad-row handling and kernels as the {@code score} command.
 *
 * <pre>{@code
 * try (RnnScorer scorer = RnnScorer.load(spark, "hdfs:///models/churn.keras").featuresCol("events")) {
 *   Dataset<Row> scored = scorer.transform(customers.where("active"));   // no job yet
 *   scored.write().parquet("hdfs:///out/churn");                          // scores here
 * }
 * }</pre>
 *
 * <p>Immutable: every setter returns a copy, and the copies share the model (read once, on the
 * driver, by {@link #load}), its broadcast (made by the first {@link #transform}, then reused)
 * and the counters behind {@link #stats}. {@link #close} destroys the broadcast; close once, when
 * every Dataset that any copy returned is done with.
 *
 * <p>The API never writes files: writing, the all-or-nothing commit, the path guards and the
 * metrics are the CLI's layer over the same scoring step ({@link Scoring}).
 */
public final class RnnScorer implements AutoCloseable {
  /** What the copies share. */
  private static final class Shared {
    final SparkSession spark;
    final ModelLoader.Loaded loaded;
    final ScoringCounters counters;
    private Broadcast<RnnModel> broadcast;
    private boolean closed;

    Shared(SparkSession spark, ModelLoader.Loaded loaded) {
      this.spark = spark;
      this.loaded = loaded;
      this.counters = ScoringCounters.register(spark.sparkContext());
    }

    synchronized Broadcast<RnnModel> broadcast() {
      requireOpen();
      if (broadcast == null) {
        broadcast = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(loaded.model());
      }
      return broadcast;
    }

    synchronized void requireOpen() {
      if (closed) {
        throw new IllegalStateException("this RnnScorer (model " + loaded.file() + ") is closed; load the model again");
      }
    }

    synchronized void close() {
      if (broadcast != null) {
        broadcast.destroy();
        broadcast = null;
      }
      closed = true;
    }
  }

  private final Shared shared;
  // Not final so that each setter can change its copy's one field (see copy()); never changed after.
  private String featuresCol = ScoreOptions.DEFAULT_FEATURES_COLUMN;
  private String predictionCol = ScoreOptions.DEFAULT_PREDICTION_COLUMN;
  private String keyCol;
  private int timesteps;
  private int batchSize = ScoreOptions.DEFAULT_BATCH_SIZE;
  private BadRowHandling onBadRow = BadRowHandling.FAIL;
  private Dataset<Row> initialStates;
  private boolean emitState;
  private KernelPath kernel = KernelPath.fromSystemProperty();
  private String outputs = "raw";
  private List<String> classNames = List.of();
  private String positiveClass;
  private boolean forceOutputs;

  private RnnScorer(Shared shared) {
    this.shared = shared;
  }

  /** A copy sharing the model, its broadcast and the counters, for a setter to change one field of. */
  private RnnScorer copy() {
    RnnScorer c = new RnnScorer(shared);
    c.featuresCol = featuresCol;
    c.predictionCol = predictionCol;
    c.keyCol = keyCol;
    c.timesteps = timesteps;
    c.batchSize = batchSize;
    c.onBadRow = onBadRow;
    c.initialStates = initialStates;
    c.emitState = emitState;
    c.kernel = kernel;
    c.outputs = outputs;
    c.classNames = classNames;
    c.positiveClass = positiveClass;
    c.forceOutputs = forceOutputs;
    return c;
  }

  /**
   * Reads a full-model file (.keras, .h5, .npz) from any Hadoop path, once, on the driver.
   *
   * @throws UsageException when the file is missing or unreadable
   * @throws org.rnnscore.model.ModelFormatException when it is not a model rnnscore can score
   */
  public static RnnScorer load(SparkSession spark, String model) {
    return load(spark, model, null);
  }

  /**
   * @param weights the weights-only .h5 that goes with a {@code model.to_json()} architecture file
   *     at {@code model}; null for a full-model file
   */
  public static RnnScorer load(SparkSession spark, String model, String weights) {
    if (!(spark instanceof org.apache.spark.sql.classic.SparkSession)) {
      throw new UsageException("RnnScorer needs a classic Spark session (the JVM driver's), not Spark Connect: it"
          + " runs its scoring step inside the session's executors");
    }
    ModelLoader.Loaded loaded = ModelLoader.loadWithProvenance(model, weights, ReadOptions.DEFAULTS,
        spark.sparkContext().hadoopConfiguration());
    return new RnnScorer(new Shared(spark, loaded));
  }

  /** The sequence column (default {@code features}); for a model of several inputs INPUT=COL,... */
  public RnnScorer featuresCol(String column) {
    RnnScorer c = copy();
    c.featuresCol = column;
    return c;
  }

  /** The prediction column (default {@code prediction}). */
  public RnnScorer predictionCol(String column) {
    RnnScorer c = copy();
    c.predictionCol = column;
    return c;
  }

  /** The column that names a row in bad-row messages and joins initial states (default {@code id} when present). */
  public RnnScorer keyCol(String column) {
    RnnScorer c = copy();
    c.keyCol = column;
    return c;
  }

  /** T, for a flat {@code array<float>} column of T·D values a row. */
  public RnnScorer timesteps(int steps) {
    RnnScorer c = copy();
    c.timesteps = steps;
    return c;
  }

  /** Rows per forward pass (default 1024). */
  public RnnScorer batchSize(int rows) {
    RnnScorer c = copy();
    c.batchSize = rows;
    return c;
  }

  /**
   * {@code fail} (the default): the action that meets a bad row fails with its message (file,
   * row, key, reason). {@code quarantine}: every row comes out, a bad one with null predictions
   * and its {@code reason_code} and {@code reason} (both null for good rows). {@code skip}: bad
   * rows are left out (counted in {@link #stats}).
   */
  public RnnScorer onBadRow(String policy) {
    BadRowHandling handling = switch (policy == null ? "" : policy.toLowerCase(Locale.ROOT)) {
      case "fail" -> BadRowHandling.FAIL;
      case "quarantine" -> BadRowHandling.KEEP;
      case "skip" -> BadRowHandling.SKIP;
      default -> throw new UsageException("onBadRow '" + policy + "' is not one of: fail, quarantine, skip");
    };
    RnnScorer c = copy();
    c.onBadRow = handling;
    return c;
  }

  /**
   * Each row starts from the state a previous scoring left for its key (the columns {@code
   * emitState(true)} wrote, joined on {@link #keyCol}); a row without a match starts from zeros.
   * Keys must be unique on both sides: a repeated key repeats rows. The CLI checks that before
   * it commits; here it is the caller's (transform starts no job to count keys).
   */
  public RnnScorer initialStates(Dataset<Row> states) {
    RnnScorer c = copy();
    c.initialStates = states;
    return c;
  }

  /** Adds each recurrent layer's final state as columns {@code state_<layer>_h} (and {@code _c}). */
  public RnnScorer emitState(boolean emit) {
    RnnScorer c = copy();
    c.emitState = emit;
    return c;
  }

  /** Which implementation runs the recurrent layers ({@code auto}, {@code fused} or {@code blas}). */
  public RnnScorer kernel(String path) {
    RnnScorer c = copy();
    c.kernel = KernelPath.parse(path, "kernel");
    return c;
  }

  /**
   * What the prediction columns hold, in this order (default {@code raw}): {@code raw}, {@code
   * softmax} or {@code sigmoid} ({@code <p>_prob}), {@code argmax} ({@code <p>_label}, and {@code
   * <p>_label_name} with {@link #classNames}), {@code top-k=N} ({@code <p>_top_indices}, {@code
   * <p>_top_scores}), {@code threshold=X} ({@code <p>_positive}); as the CLI's {@code --outputs}.
   */
  public RnnScorer outputs(String... items) {
    RnnScorer c = copy();
    c.outputs = String.join(",", items);
    return c;
  }

  /** The K class names, in index order, for {@code argmax}'s {@code <p>_label_name}. */
  public RnnScorer classNames(String... names) {
    RnnScorer c = copy();
    c.classNames = List.of(names);
    return c;
  }

  /** For {@code threshold=X}: the class (an index or a class name) whose score is compared; default K − 1. */
  public RnnScorer positiveClass(String indexOrName) {
    RnnScorer c = copy();
    c.positiveClass = indexOrName;
    return c;
  }

  /** Apply softmax or sigmoid even over a model whose last layer already applies one. */
  public RnnScorer forceOutputs(boolean force) {
    RnnScorer c = copy();
    c.forceOutputs = force;
    return c;
  }

  /**
   * The input's rows with the prediction columns added, as a lazy Dataset: no Spark job starts
   * here. Scoring runs in the actions on it, partition by partition, a batch at a time, so that
   * {@code transform(df).limit(10).collect()} scores about one batch, not the input.
   *
   * @throws UsageException for a streaming Dataset, or columns named wrongly
   * @throws org.rnnscore.model.InputDataException when the input's columns cannot be scored by
   *     this model (the message shows the schema found and what was expected)
   */
  public Dataset<Row> transform(Dataset<Row> input) {
    shared.requireOpen();
    if (input.isStreaming()) {
      throw new UsageException("RnnScorer.transform got a streaming Dataset; score each micro-batch instead:"
          + " stream.writeStream().foreachBatch((batch, id) -> scorer.transform(batch).write()...)");
    }
    ScoreOptions options = options();
    InputPlan plan = plan(input, options);
    int threadsPerTask = Integer.parseInt(shared.spark.conf().get("spark.task.cpus", "1"));
    return Scoring.score(shared.spark, plan, shared.broadcast(), options, threadsPerTask, onBadRow, shared.counters,
        null, provenance()).rows();
  }

  /** The columns {@link #transform} would return for an input of {@code schema}, checked as transform checks them. */
  public StructType outputSchema(StructType schema) {
    Dataset<Row> empty = shared.spark.createDataFrame(List.<Row>of(), schema);
    return Scoring.schema(plan(empty, options()), onBadRow, provenance());
  }

  /** Rows scored, rejected by code, and batches, counted by every action so far on any copy's Datasets. */
  public ScoreStats stats() {
    return new ScoreStats(shared.counters.rowsScored(), shared.counters.rejectsByCode(), shared.counters.batches());
  }

  /** The model as read; its dimensions, layers and output width. */
  public RnnModel model() {
    return shared.loaded.model();
  }

  /** The sha256 of the model's bytes (weights file included), as the output's column metadata carries it. */
  public String modelSha256() {
    return shared.loaded.sha256();
  }

  /** Destroys the model's broadcast; this scorer and its copies can transform no more. */
  @Override
  public void close() {
    shared.close();
  }

  private ScoreOptions options() {
    return ScoreOptions.forLibrary(featuresCol, timesteps, predictionCol, keyCol, batchSize, kernel)
        .withClassOutputs(ClassOutputs.parse(outputs, classNames, positiveClass, "outputs"), forceOutputs);
  }

  private InputPlan plan(Dataset<Row> input, ScoreOptions options) {
    return Scoring.planDataFrame(input, ScoreOptions.LIBRARY_INPUT, shared.loaded.model(), options, initialStates,
        emitState, shared.loaded.sha256());
  }

  private Metadata provenance() {
    String version = RnnScorer.class.getPackage().getImplementationVersion();
    return new MetadataBuilder().putString("rnnscore.model", shared.loaded.file())
        .putString("rnnscore.model_sha256", shared.loaded.sha256())
        .putString("rnnscore.version", version == null ? "development" : version)
        .putString("rnnscore.options", "api: featuresCol=" + featuresCol + " predictionCol=" + predictionCol
            + " batchSize=" + batchSize + " onBadRow=" + onBadRow.name().toLowerCase(Locale.ROOT) + " outputs=" + outputs)
        .build();
  }
}
