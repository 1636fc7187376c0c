package org.rnnscore.job;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.catalyst.InternalRow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.util.CollectionAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.function.LongSupplier;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import java.util.TreeMap;
import org.rnnscore.model.Messages;
import org.rnnscore.model.InputDataException;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.UsageException;

/**
 * The score run: check the input against the model on the driver, broadcast the weights, score
 * every partition in batches, write Parquet, and count what was written.
 */
public final class ScoreJob {
  private static final Logger LOG = LoggerFactory.getLogger(ScoreJob.class);
  private static final String SKEW_JOIN = "spark.sql.adaptive.skewJoin.enabled";
  private ScoreJob() {}

  /** How the staged output's rows are counted; tests replace it to prove the check runs before the commit. */
  static java.util.function.ToLongFunction<Dataset<Row>> countStaged = FooterCount::count;
  /** Keys without a state the tally gathers at most; tests lower it to reach the undecided case. */
  static int unmatchedGatheredMax = KeyTally.GATHERED_MAX;
  /** Grouping jobs run over a side's keys (the exact check); tests read it to see the tally decide alone. */
  static final java.util.concurrent.atomic.AtomicInteger exactKeyChecks = new java.util.concurrent.atomic.AtomicInteger();

  /**
   * What a finished run did, for the report: rows read, scored and rejected (counted from the
   * committed Parquet, not from task-side counters a retried task would count twice).
   */
  public record Result(long rowsIn, long rowsScored, long rowsRejected, Map<String, Long> rejectsByCode,
      long batches, int partitions, List<String> backends, long wallMillis, RnnModel model, List<String> kernelPaths,
      String stateJoin) {
    public double rowsPerSecond() {
      return wallMillis == 0 ? 0 : rowsScored * 1000.0 / wallMillis;
    }
  }

  /** Where a run's output came from, written into the prediction column's metadata (in every Parquet footer). */
  public record Provenance(String modelFile, String modelSha256, String version, String options) {
    Metadata metadata() {
      return new MetadataBuilder().putString("rnnscore.model", modelFile).putString("rnnscore.model_sha256", modelSha256)
          .putString("rnnscore.version", version).putString("rnnscore.options", options).build();
    }
  }

  /** Told when scoring starts, with the input's rows and a live (approximate) count of rows scored. */
  public interface Progress {
    void started(long totalRows, LongSupplier rowsScored);

    void finished();
  }

  /** Reports nothing (--quiet, and tests). */
  public static final Progress NO_PROGRESS = new Progress() {
    @Override
    public void started(long totalRows, LongSupplier rowsScored) {}

    @Override
    public void finished() {}
  };

  /**
   * --group-by builds one sequence column from events; a model of several inputs reads a column
   * per input, which grouping does not build: refused by name.
   */
  static void refuseGroupingSeveralInputs(RnnModel model, EventGrouping grouping) {
    if (grouping != null && model.inputs().size() > 1) {
      throw new UsageException("--group-by builds one sequence column, but the model has " + model.inputs().size()
          + " inputs (" + model.inputs().stream().map(in -> "'" + in.name() + "'")
              .collect(java.util.stream.Collectors.joining(", ")) + "); score it from one column per input"
          + " (--features-col INPUT=COL,...)");
    }
  }

  public static Result run(SparkSession spark, RnnModel model, ScoreOptions options) {
    return run(spark, model, options, BadRowPolicy.FAIL);
  }

  public static Result run(SparkSession spark, RnnModel model, ScoreOptions options, BadRowPolicy policy) {
    return run(spark, model, options, policy, null, NO_PROGRESS);
  }

  /**
   * @param provenance null to write no provenance metadata
   */
  public static Result run(SparkSession spark, RnnModel model, ScoreOptions options, BadRowPolicy policy,
      Provenance provenance, Progress progress) {
    return run(spark, model, options, policy, provenance, progress, StateOptions.NONE);
  }

  /**
   * @param state incremental scoring: emit final states, start from a previous run's states
   */
  public static Result run(SparkSession spark, RnnModel model, ScoreOptions options, BadRowPolicy policy,
      Provenance provenance, Progress progress, StateOptions state) {
    return run(spark, model, options, policy, provenance, progress, state, null);
  }

  /** @param grouping null, or how to build sequences from one-row-per-event input */
  public static Result run(SparkSession spark, RnnModel model, ScoreOptions options, BadRowPolicy policy,
      Provenance provenance, Progress progress, StateOptions state, EventGrouping grouping) {
    refuseGroupingSeveralInputs(model, grouping);
    try {
      return runChecked(spark, model, options, policy, provenance, progress, state, grouping, null);
    } catch (Exception e) { // Spark's checked exceptions too, undeclared by Scala: none may escape unclassified
      throw InputFiles.unchecked(e);
    }
  }

  private static Result runChecked(SparkSession spark, RnnModel model, ScoreOptions options, BadRowPolicy policy,
      Provenance provenance, Progress progress, StateOptions state, EventGrouping grouping,
      List<SeveralModels.Named> several) {
    long start = System.nanoTime();
    Configuration hadoopConf = spark.sparkContext().hadoopConfiguration();
    String tableLocation = null;
    if (options.outputTable() != null) {
      if (options.mode() == ScoreOptions.WriteMode.ERROR && spark.catalog().tableExists(options.outputTable())) {
        throw new UsageException("--output-table " + options.outputTable()
            + " already exists; choose another table or pass --mode overwrite to replace it");
      }
      tableLocation = tableLocation(spark, options.outputTable());
    }
    String inputTableLocation = null;
    if (options.source().isTable()) {
      InputSource.read(spark, options.source(), null, hadoopConf, false); // a missing table: exit 2 before any lock
      inputTableLocation = InputSource.location(spark, options.source().table());
    }
    // Paths that could never be written (a colon, overlaps, read-only) are refused before any lock.
    PathGuards.check(hadoopConf, PathGuards.Request.of(options, policy, state, tableLocation)
        .withInputTable(options.source().table(), inputTableLocation));
    List<OutputCommit.Target> targets = new ArrayList<>();
    targets.add(new OutputCommit.Target("--output", options.output(), options.partitionBy() != null));
    if (policy.quarantine()) {
      targets.add(new OutputCommit.Target("--rejects", policy.rejects(), false));
    }
    // Locked, and what a killed run left recovered, before the mode is checked or anything read.
    try (OutputCommit commit = OutputCommit.open(hadoopConf, targets)) {
      return runLocked(spark, model, options, policy, progress, provenance, state, grouping, commit, start, several);
    }
  }

  private static Result runLocked(SparkSession spark, RnnModel model, ScoreOptions options, BadRowPolicy policy,
      Progress progress, Provenance provenance, StateOptions state, EventGrouping grouping, OutputCommit commit,
      long start, List<SeveralModels.Named> several) {
    Configuration hadoopConf = spark.sparkContext().hadoopConfiguration();
    if (options.outputTable() == null) {
      OutputPaths.checkWritable("--output", options.output(), options.mode(), hadoopConf);
    }
    if (policy.quarantine()) {
      OutputPaths.checkWritable("--rejects", policy.rejects(), options.mode(), hadoopConf);
    }
    if (options.partitionBy() != null && options.mode() == ScoreOptions.WriteMode.OVERWRITE) {
      OutputLayout.checkPartitionedOverwrite(options.output(), options.partitionBy(), hadoopConf);
    }
    Dataset<Row> input = InputSource.read(spark, options.source(), options.input(), hadoopConf, grouping == null);
    if (grouping != null) {
      input = grouping.apply(input, options.featuresColumn(), options.input()); // a row per key: no source row
    }
    StateColumns stateColumns = state.active() ? StateColumns.of(model) : null;
    // Counted before any join with states: from the Parquet footers, not by running the join.
    Dataset<Row> unjoined = input;
    StateJoin stateJoin = null;
    if (state.initialFrom() != null) {
      stateJoin = withInitialStates(spark, input, options, state, stateColumns, provenance, hadoopConf);
      input = stateJoin.rows();
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Broadcast<RnnModel>> broadcasts = new ArrayList<>();
    int threadsPerTask = Integer.parseInt(spark.conf().get("spark.task.cpus", "1"));
    ScoringCounters counters = ScoringCounters.register(spark.sparkContext());
    BadRowStop badRows = policy.quarantine() ? BadRowStop.NONE : new BadRowStop(spark);
    // Quarantine leaves bad rows out of the output: the census pass writes them as rejects.
    BadRowHandling handling = policy.quarantine() ? BadRowHandling.SKIP : BadRowHandling.FAIL;
    Scoring.Scored scored;
    Dataset<Row> output;
    java.util.function.Supplier<Dataset<Row>> rejectsOf;
    if (several == null) {
      InputPlan planned = InputPlan.of(input, options.input(), options, model, stateColumns, state.emit(),
          stateJoin != null && stateJoin.joined());
      InputPlan plan = stateJoin == null ? planned : planned.withStateLookup(stateJoin.lookup());
      broadcasts.add(jsc.broadcast(model));
      scored = Scoring.score(spark, plan, broadcasts.get(0), options, threadsPerTask, handling, counters,
          badRows.accumulator(), provenance == null ? null : provenance.metadata());
      output = scored.rows();
      rejectsOf = () -> BadRowCensus.rejects(spark, plan);
    } else {
      SeveralModels chain = SeveralModels.score(spark, input, options, several, handling, threadsPerTask, counters,
          badRows.accumulator(), broadcasts, state.emit());
      scored = chain.first();
      output = chain.output();
      rejectsOf = chain::rejects;
    }
    if (options.outputFiles() > 0) {
      output = output.repartition(options.outputFiles());
    }
    long rowsIn = FooterCount.count(unjoined); // a plain Parquet input: its footers, read on the driver
    int partitions = scored.rdd().getNumPartitions();
    progress.started(rowsIn, counters::rowsScored);

    // Written to staging and moved into place only on success, output and rejects as one commit,
    // after every row is accounted for: a failed run changes nothing.
    Map<String, Long> rejectsByCode = new TreeMap<>();
    long rejected = 0;
    long written;
    // A split skewed partition would put one key's rows in two tasks, where the tally's
    // adjacent-rows check cannot see them: off for the sort-merge join's run, then restored.
    String skewJoin = stateJoin != null && stateJoin.joined() ? spark.conf().get(SKEW_JOIN, "true") : null;
    if (skewJoin != null) {
      spark.conf().set(SKEW_JOIN, "false");
    }
    try {
      if (policy.quarantine()) {
        String rejectsStaging = commit.stagingPath("--rejects");
        rejectsOf.get().write().mode(SaveMode.ErrorIfExists).parquet(rejectsStaging);
        Dataset<Row> staged = spark.read().parquet(rejectsStaging);
        rejectsByCode = BadRowCensus.countByCode(staged);
        rejected = rejectsByCode.values().stream().mapToLong(Long::longValue).sum();
        if (policy.exceeded(rejected, rowsIn)) {
          throw new InputDataException(options.input() + ": " + rejected + " of " + rowsIn + " rows are bad ("
              + BadRowCensus.describe(rejectsByCode) + "), more than --max-bad-rows " + policy.thresholdText()
              + "; nothing was written");
        }
      }
      String staging = commit.stagingPath("--output");
      badRows.watch();
      DataFrameWriter<Row> writer = withoutDictionaryForScores(output.write(), output.schema(), unjoined.columns());
      if (options.partitionBy() != null) {
        writer.mode(SaveMode.ErrorIfExists).partitionBy(options.partitionBy()).parquet(staging);
      } else {
        writer.mode(SaveMode.ErrorIfExists).parquet(staging);
      }
      badRows.throwIfRecorded();
      // Counted from the staged files (the ones committed), not from task-side counters that a
      // retried task would count twice.
      written = countStaged.applyAsLong(spark.read().parquet(staging));
    } catch (Throwable e) { // Spark's SparkException is checked to javac but undeclared by Scala
      badRows.close(); // the census below must not run in the cancelled job group
      Throwable reported = withCensus(rejectsOf, badRows.explain(e));
      if (reported instanceof RuntimeException) {
        throw (RuntimeException) reported;
      }
      if (reported instanceof Error) {
        throw (Error) reported;
      }
      throw new IllegalStateException(reported.getMessage(), reported); // a checked SparkException
    } finally {
      badRows.close();
      broadcasts.forEach(Broadcast::destroy);
      if (stateJoin != null) {
        stateJoin.close();
      }
      if (skewJoin != null) {
        spark.conf().set(SKEW_JOIN, skewJoin);
      }
      progress.finished();
    }
    if (stateJoin != null) { // before the commit: a repeated key leaves the old output in place
      stateJoin.verify(written, rejected, rowsIn);
    }
    if (written + rejected != rowsIn) { // before the commit: a lost row leaves the old output in place
      throw new IllegalStateException(rowsIn + " rows read but " + written + " scored and " + rejected
          + " rejected: rows were lost; nothing was written");
    }
    commit.commit();

    if (options.outputTable() != null) {
      writeTable(spark, options, hadoopConf);
    }
    List<String> backends = counters.backends();
    for (String backend : backends) {
      LOG.info("ND4J backend used: {}", backend);
    }
    List<String> kernelPaths = counters.kernelPaths();
    for (String path : kernelPaths) {
      LOG.info("recurrent kernel path: {}", path);
    }
    if (stateJoin != null) {
      LOG.info("initial states joined by {}", stateJoin.describe());
    }
    return new Result(rowsIn, written, rejected, rejectsByCode, counters.batches(), partitions, backends,
        (System.nanoTime() - start) / 1_000_000, model, kernelPaths, stateJoin == null ? null : stateJoin.describe());
  }

  /**
   * Several models in one pass (--named-model): each row is scored by every model while the input
   * is read once; columns {@code <NAME>_<prediction-col>}, each with its own model's provenance.
   * No incremental state and no --group-by (refused by the caller with a message).
   */
  public static Result runSeveral(SparkSession spark, List<SeveralModels.Named> models, ScoreOptions options,
      BadRowPolicy policy, Progress progress) {
    return runSeveral(spark, models, options, policy, progress, false);
  }

  /** @param emitState each model's final states as columns {@code state_<NAME>_<layer>_h} (and {@code _c}) */
  public static Result runSeveral(SparkSession spark, List<SeveralModels.Named> models, ScoreOptions options,
      BadRowPolicy policy, Progress progress, boolean emitState) {
    try {
      return runChecked(spark, models.get(0).model(), options, policy, models.get(0).provenance(), progress,
          emitState ? new StateOptions(true, null, false) : StateOptions.NONE, null, List.copyOf(models));
    } catch (Exception e) {
      throw InputFiles.unchecked(e);
    }
  }

  /**
   * Parquet's dictionary encoding off for the float columns the model computes (predictions,
   * probabilities, states): their values hardly repeat, so the writer hashed every value into a
   * dictionary only to fall back to plain encoding once it filled (Float2IntLinkedOpenHashMap was
   * the largest item of the write in a profile of night 2). Columns passed through from the input,
   * and labels, keep Parquet's default. The paths are those of Spark's standard list layout; with
   * spark.sql.parquet.writeLegacyFormat they name nothing and the default applies, as before.
   */
  static DataFrameWriter<Row> withoutDictionaryForScores(DataFrameWriter<Row> writer, StructType schema,
      String[] inputColumns) {
    java.util.Set<String> passed = new java.util.HashSet<>(Arrays.asList(inputColumns));
    for (StructField field : schema.fields()) {
      if (passed.contains(field.name())) {
        continue;
      }
      String path = floatLeafPath(field.name(), field.dataType());
      if (path != null) {
        writer = writer.option("parquet.enable.dictionary#" + path, "false");
      }
    }
    return writer;
  }

  /** The Parquet path of a float column's values (Spark writes arrays as name.list.element), or null. */
  private static String floatLeafPath(String name, DataType type) {
    if (type instanceof FloatType || type instanceof DoubleType) {
      return name;
    }
    if (type instanceof ArrayType) {
      return floatLeafPath(name + ".list.element", ((ArrayType) type).elementType());
    }
    return null;
  }

  /**
   * Where each row of the input finds its starting state (--initial-state-from), after checking
   * that the states have the key and the state columns and were made by this model. Within
   * --state-broadcast-max (Spark's size estimate) the states are read into a {@link StateTable},
   * broadcast, and looked up by the scorer: the input (T×D sequences, the big side) stays a plain
   * scan, unshuffled. Beyond it, or for a key type the table does not take, a sort-merge join, asked
   * for explicitly so that Spark's own 10 MB threshold cannot pick a broadcast beyond what the user
   * allowed. A row without a state starts from zeros. Either way the keys' uniqueness is checked in
   * the scoring job ({@link KeyTally}) and settled by {@link StateJoin#verify}.
   */
  private static StateJoin withInitialStates(SparkSession spark, Dataset<Row> input, ScoreOptions options,
      StateOptions state, StateColumns columns, Provenance provenance, Configuration hadoopConf) {
    Dataset<Row> states = readInput(spark, "--initial-state-from", state.initialFrom(), hadoopConf);
    String from = state.initialFrom();
    String key = keyOf(input, options, StateLabels.CLI);
    checkStates(states, from, key, columns, state, provenance == null ? null : provenance.modelSha256(),
        StateLabels.CLI);
    Dataset<Row> initial = initialStates(states, key, columns);
    long estimate = estimatedBytes(initial);
    DataType inputKey = input.schema().apply(key).dataType();
    DataType stateKey = states.schema().apply(key).dataType();
    boolean small = estimate <= state.broadcastMax();
    long maxResult = spark.sparkContext().getConf().getSizeAsBytes("spark.driver.maxResultSize", "1g");
    boolean collectable = StateTable.collectable(estimate, maxResult);
    boolean table = small && collectable && StateTable.supports(inputKey, stateKey);
    KeyTally tally = new KeyTally(unmatchedGatheredMax);
    spark.sparkContext().register(tally, "rnnscore incremental keys");
    if (table) {
      List<org.apache.spark.sql.Column> keyed = new ArrayList<>();
      keyed.add(states.col(key));
      for (String name : columns.names()) {
        keyed.add(states.col(name).cast(DataTypes.createArrayType(DataTypes.FloatType)));
      }
      String bound = "(states estimated at " + Messages.bytes(estimate) + " ≤ --state-broadcast-max "
          + Messages.bytes(state.broadcastMax()) + ")";
      return new StateJoin(input, states.select(keyed.toArray(new org.apache.spark.sql.Column[0])), tally, states,
          input, key, from, options.input(), bound);
    }
    // Sorted by the key within each task: the merge join's own order, so Spark plans no second
    // sort. The scorer relies on it to see a repeated key as two adjacent rows.
    Dataset<Row> rows = join(input, initial.hint("merge"), key).sortWithinPartitions(input.col(key));
    String how = !small
          ? "sort-merge (states estimated at " + Messages.bytes(estimate) + " > --state-broadcast-max "
              + Messages.bytes(state.broadcastMax()) + ")"
          : !collectable
              ? "sort-merge (states estimated at " + Messages.bytes(estimate) + ", more than spark.driver.maxResultSize "
                  + Messages.bytes(maxResult) + " lets the driver collect; raise it to broadcast them)"
              : "sort-merge (a key of type " + inputKey.simpleString() + " and " + stateKey.simpleString()
                  + " is not broadcast as a table; states estimated at " + Messages.bytes(estimate) + ")";
    return new StateJoin(rows, null, tally, states, input, key, from, options.input(), how);
  }

  /** The option names that messages about the states use: the CLI's, or the library API's methods. */
  record StateLabels(String states, String key, String force, String emit) {
    static final StateLabels CLI = new StateLabels("--initial-state-from", "--key", "--force-state", "--emit-state");
  }

  /**
   * The input with each row's starting state joined on (a left join on the key: a row without a
   * match starts from zeros), for a library caller's lazy DataFrame: broadcast within the bound,
   * else sort-merge. Where the key is not kept the output cannot show a repeated key, so both
   * sides' keys are checked here, before scoring.
   *
   * @param from the states' name in messages (their path, or what the caller calls them)
   * @param modelSha256 the model's, checked against the states' provenance; null to skip the check
   */
  static Dataset<Row> joinStates(Dataset<Row> input, Dataset<Row> states, String from, ScoreOptions options,
      StateOptions state, StateColumns columns, String modelSha256, StateLabels labels) {
    String key = keyOf(input, options, labels);
    checkStates(states, from, key, columns, state, modelSha256, labels);
    Dataset<Row> initial = initialStates(states, key, columns);
    boolean broadcast = estimatedBytes(initial) <= state.broadcastMax();
    Dataset<Row> joined = join(input, broadcast ? functions.broadcast(initial) : initial.hint("merge"), key);
    if (options.keep() != null && !options.keep().contains(key)) {
      requireUniqueKeys(states, key, from);
      requireUniqueKeys(input, key, options.input());
    }
    return joined;
  }

  private static String keyOf(Dataset<Row> input, ScoreOptions options, StateLabels labels) {
    String key = options.keyColumn() != null ? options.keyColumn()
        : Arrays.asList(input.columns()).contains(ScoreOptions.DEFAULT_KEY_COLUMN) ? ScoreOptions.DEFAULT_KEY_COLUMN
            : null;
    if (key == null || !Arrays.asList(input.columns()).contains(key)) {
      throw new UsageException(labels.states() + " joins rows on " + labels.key() + "; the input " + options.input()
          + " has no " + (key == null ? "'id'" : "'" + key + "'") + " column, name the key with " + labels.key());
    }
    return key;
  }

  /** The states have the key and every state column, and (unless forced) were made by this model. */
  private static void checkStates(Dataset<Row> states, String from, String key, StateColumns columns,
      StateOptions state, String modelSha256, StateLabels labels) {
    List<String> missing = new ArrayList<>();
    for (String name : columns.names()) {
      if (!Arrays.asList(states.columns()).contains(name)) {
        missing.add(name);
      }
    }
    if (!Arrays.asList(states.columns()).contains(key)) {
      missing.add(0, key);
    }
    if (!missing.isEmpty()) {
      throw new InputDataException(from + ": " + labels.states() + " lacks column(s) " + missing + " (the input has "
          + Messages.list(states.columns()) + "); write them with " + labels.emit() + " using this model");
    }
    if (!state.force() && modelSha256 != null) {
      String made = null;
      for (StructField f : states.schema().fields()) {
        if (f.metadata().contains("rnnscore.model_sha256")) {
          made = f.metadata().getString("rnnscore.model_sha256");
        }
      }
      if (!modelSha256.equals(made)) {
        throw new InputDataException(from + ": the states were made by model sha256 " + made + ", but this model is "
            + modelSha256 + "; a state only continues the model that made it"
            + (labels.force() == null ? "" : " (" + labels.force() + " to use them anyway)"));
      }
    }
  }

  /** The states' key and state columns under the internal names the joined rows carry. */
  private static Dataset<Row> initialStates(Dataset<Row> states, String key, StateColumns columns) {
    List<org.apache.spark.sql.Column> selected = new ArrayList<>();
    selected.add(states.col(key).as("__rnnscore_state_key"));
    for (String name : columns.names()) {
      selected.add(states.col(name).as(InputPlan.INITIAL_STATE_PREFIX + name));
    }
    return states.select(selected.toArray(new org.apache.spark.sql.Column[0]));
  }

  private static long estimatedBytes(Dataset<Row> data) {
    return data.queryExecution().optimizedPlan().stats().sizeInBytes().min(
        scala.math.BigInt.apply(Long.MAX_VALUE)).longValue();
  }

  private static Dataset<Row> join(Dataset<Row> input, Dataset<Row> initial, String key) {
    return input.join(initial, input.col(key).equalTo(initial.col("__rnnscore_state_key")), "left")
        .drop("__rnnscore_state_key");
  }

  /**
   * The rows to score and how they find their states: with a table, the input itself; with the
   * sort-merge join, the input joined with the states and sorted by key in each task. The table
   * (a job over the states, then a broadcast) is built at the first {@link #lookup}, once the
   * input's plan has passed its own checks.
   */
  static final class StateJoin {
    private final Dataset<Row> rows;
    /** The key and the state columns to build the table from; null for the sort-merge join. */
    private final Dataset<Row> keyed;
    private final KeyTally tally;
    private final Dataset<Row> states;
    private final Dataset<Row> input;
    private final String key;
    private final String from;
    private final String inputPath;
    /** Why the states went the way they did: the whole description (sort-merge), or the bound (table). */
    private final String how;
    private StateLookup lookup;
    /** The table's keys, once it is built (kept: the broadcast is destroyed after the write). */
    private int tableKeys = -1;

    StateJoin(Dataset<Row> rows, Dataset<Row> keyed, KeyTally tally, Dataset<Row> states, Dataset<Row> input,
        String key, String from, String inputPath, String how) {
      this.rows = rows;
      this.keyed = keyed;
      this.tally = tally;
      this.states = states;
      this.input = input;
      this.key = key;
      this.from = from;
      this.inputPath = inputPath;
      this.how = how;
      this.lookup = keyed == null ? new StateLookup(null, tally) : null;
    }

    Dataset<Row> rows() {
      return rows;
    }

    /** Whether the rows carry the joined state columns (the sort-merge join) rather than look them up. */
    boolean joined() {
      return keyed == null;
    }

    /** How rows find their states; for a table, read and broadcast here, the first time. */
    StateLookup lookup() {
      if (lookup == null) {
        StateTable table = StateTable.read(keyed, from, key);
        tableKeys = table.size();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(keyed.sparkSession().sparkContext());
        lookup = new StateLookup(jsc.broadcast(table), tally);
      }
      return lookup;
    }

    /** How the states were joined and why, for the log and the metrics. */
    String describe() {
      return joined() ? how
          : tableKeys < 0 ? "broadcast " + how : "broadcast, a table of " + tableKeys + " keys " + how;
    }

    /**
     * After the write, before the commit: where the scoring job's tally saw a key twice (or could
     * not tell), the exact check, which fails with the side, the key value and its count. A table's
     * own keys were checked as it was built.
     */
    void verify(long written, long rejected, long rowsIn) {
      KeyTally.Verdict verdict = tally.value();
      if (verdict.suspect() || verdict.undecided() || written + rejected != rowsIn) {
        if (joined()) {
          requireUniqueKeys(states, key, from);
        }
        requireUniqueKeys(input, key, inputPath);
      }
    }

    /** Releases the broadcast table on the executors. */
    void close() {
      if (lookup != null && lookup.table() != null) {
        lookup.table().destroy();
      }
    }
  }

  private static void requireUniqueKeys(Dataset<Row> data, String key, String where) {
    exactKeyChecks.incrementAndGet();
    List<Row> duplicates = data.groupBy(key).count().where("count > 1").limit(1).collectAsList();
    if (!duplicates.isEmpty()) {
      throw new InputDataException(where + ": key '" + key + "' value " + duplicates.get(0).get(0) + " appears "
          + duplicates.get(0).getLong(1) + " times; incremental scoring joins rows on a unique key");
    }
  }

  /**
   * --output-table: the scored rows, committed atomically at the staging path, go into the table
   * through Spark's catalog. Only this last write is the catalog's: atomic on Iceberg or Delta,
   * and on a plain Hive/Spark table an overwrite that fails midway can leave it partly written;
   * a failed scoring run never touches the table.
   */
  private static void writeTable(SparkSession spark, ScoreOptions options, Configuration hadoopConf) {
    DataFrameWriter<Row> writer = spark.read().parquet(options.output()).write()
        .mode(options.mode() == ScoreOptions.WriteMode.OVERWRITE ? SaveMode.Overwrite : SaveMode.ErrorIfExists);
    if (options.partitionBy() != null) {
      writer = writer.partitionBy(options.partitionBy());
    }
    writer.saveAsTable(options.outputTable());
    try {
      Path staged = new Path(options.output());
      staged.getFileSystem(hadoopConf).delete(staged, true);
    } catch (IOException e) {
      LOG.warn("could not delete the staging output {}: {}", options.output(), e.getMessage());
    }
  }

  /**
   * A run that failed on a bad row: the error, with how many bad rows the input holds by code
   * (a census pass without the model), so that one rerun fixes them all.
   */
  private static Throwable withCensus(java.util.function.Supplier<Dataset<Row>> rejects, Throwable failure) {
    Throwable cause = failure;
    while (cause != null && !(cause instanceof BadRowException)) {
      cause = cause.getCause();
    }
    if (cause == null) {
      return failure;
    }
    Map<String, Long> counts;
    try {
      counts = BadRowCensus.countByCode(rejects.get());
    } catch (RuntimeException censusFailure) {
      failure.addSuppressed(censusFailure);
      return failure;
    }
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    return new BadRowException(cause.getMessage() + "; the input has " + total + " bad row"
        + (total == 1 ? "" : "s") + " in all (" + BadRowCensus.describe(counts)
        + "); nothing was written. Score the good ones with --on-bad-row quarantine --rejects PATH",
        ((BadRowException) cause).code(), ((BadRowException) cause).reason());
  }

  /** The input as one dataset: see {@link InputFiles} for globs, nested directories and differing schemas. */
  static Dataset<Row> readInput(SparkSession spark, String option, String location, Configuration hadoopConf) {
    return InputFiles.read(spark, option, location, hadoopConf);
  }

  /**
   * Where the table's files are: an existing table's location from the catalog, else the
   * session catalog's default for a managed table (the warehouse directory, {@code db.db/} for a
   * database other than default).
   */
  private static String tableLocation(SparkSession spark, String table) {
    try {
      if (spark.catalog().tableExists(table)) {
        for (Row row : spark.sql("DESCRIBE TABLE EXTENDED " + table).collectAsList()) {
          if ("Location".equals(row.getString(0))) {
            return row.getString(1);
          }
        }
        return null;
      }
    } catch (RuntimeException e) {
      return null; // not every catalog describes a location; the guard then skips the table
    }
    String warehouse = spark.conf().get("spark.sql.warehouse.dir", "spark-warehouse");
    int dot = table.lastIndexOf('.');
    String database = dot < 0 ? "default" : table.substring(0, dot);
    String name = table.substring(dot + 1);
    if (database.contains(".")) {
      return null; // CATALOG.db.table: the catalog decides where, and keeps staging out of it
    }
    return database.equals("default") ? warehouse + "/" + name : warehouse + "/" + database + ".db/" + name;
  }
}
