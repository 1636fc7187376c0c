package org.rnnscore.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.util.CollectionAccumulator;
import org.rnnscore.model.ClassOutputs;
import org.rnnscore.model.RnnModel;

/**
 * Several models scored in one pass over the input (--named-model): the scoring operators are
 * chained, each passing every column on to the next, so the plan holds one scan and each row is
 * decoded once; the last step keeps the output's columns. A row bad for any model is a bad row,
 * its message and reason naming the model.
 */
public final class SeveralModels {
  /**
   * One model of the pass.
   *
   * @param name its name, {@code [a-z][a-z0-9_]*}: its columns are {@code <name>_<prediction-col>}
   * @param timesteps its T for a flat column (0: --timesteps, shared)
   * @param outputs its class outputs (--outputs NAME=...), or null for the shared --outputs
   */
  public record Named(String name, RnnModel model, ScoreJob.Provenance provenance, int timesteps,
      ClassOutputs outputs) {
    public Named(String name, RnnModel model, ScoreJob.Provenance provenance, int timesteps) {
      this(name, model, provenance, timesteps, null);
    }
  }

  private final Scoring.Scored first;
  private final Dataset<Row> output;
  private final SparkSession spark;
  private final List<InputPlan> censusPlans;
  private final List<String> names;
  private final boolean sourced;

  private SeveralModels(Scoring.Scored first, Dataset<Row> output, SparkSession spark, List<InputPlan> censusPlans,
      List<String> names, boolean sourced) {
    this.first = first;
    this.output = output;
    this.spark = spark;
    this.censusPlans = censusPlans;
    this.names = names;
    this.sourced = sourced;
  }

  /** The first model's scoring step: its partitions are the input's. */
  Scoring.Scored first() {
    return first;
  }

  /** The kept columns, then each model's prediction columns in the order the models were given. */
  Dataset<Row> output() {
    return output;
  }

  /**
   * @param broadcasts each model's broadcast is added here, for the caller to destroy
   * @param emitState add each model's final states, {@code state_<NAME>_<layer>_h} (and {@code _c})
   */
  static SeveralModels score(SparkSession spark, Dataset<Row> input, ScoreOptions options, List<Named> models,
      BadRowHandling handling, int threadsPerTask, ScoringCounters counters,
      CollectionAccumulator<BadRowException> badRowsFound, List<Broadcast<RnnModel>> broadcasts, boolean emitState) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<InputPlan> censusPlans = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<String> predictionColumns = new ArrayList<>();
    Dataset<Row> current = input;
    Scoring.Scored first = null;
    // What each model reads and checks, on the input itself: the census of its bad rows.
    List<InputPlan> alonePlans = new ArrayList<>();
    for (Named named : models) {
      int steps = named.timesteps() > 0 ? named.timesteps() : options.timesteps();
      ClassOutputs outputs = named.outputs() != null ? named.outputs() : options.classOutputs();
      alonePlans.add(InputPlan.of(input, options.input(), options.forModel(named.name() + "_"
          + options.predictionColumn(), steps, options.keep(), outputs, featuresOf(options.featuresColumn(),
              named.name(), models)), named.model()));
    }
    if (!emitState && readAlike(alonePlans)) {
      return together(spark, input, options, models, alonePlans, handling, threadsPerTask, counters, badRowsFound,
          broadcasts, jsc);
    }
    for (int m = 0; m < models.size(); m++) {
      Named named = models.get(m);
      int steps = named.timesteps() > 0 ? named.timesteps() : options.timesteps();
      String prediction = named.name() + "_" + options.predictionColumn();
      ClassOutputs outputs = named.outputs() != null ? named.outputs() : options.classOutputs();
      String features = featuresOf(options.featuresColumn(), named.name(), models);
      censusPlans.add(alonePlans.get(m));
      names.add(named.name());
      ScoreOptions chained = options.forModel(prediction, steps, null, outputs, features);
      StateColumns states = emitState ? StateColumns.of(named.model(), named.name()) : null;
      InputPlan plan = InputPlan.of(current, options.input(), chained, named.model(), states, emitState, false,
          InputPlan.PassThrough.CHAIN);
      Broadcast<RnnModel> broadcast = jsc.broadcast(named.model());
      broadcasts.add(broadcast);
      Scoring.Scored scored = Scoring.score(spark, plan, broadcast, chained, threadsPerTask, handling, counters,
          badRowsFound, named.provenance() == null ? null : named.provenance().metadata(), named.name());
      first = first == null ? scored : first;
      StructField[] fields = plan.outputSchema().fields();
      for (int i = plan.layout().keptCount(); i < fields.length; i++) {
        predictionColumns.add(fields[i].name());
      }
      current = scored.rows();
    }
    InputPlan firstAlone = censusPlans.get(0);
    List<Column> selected = new ArrayList<>();
    StructField[] keptFields = firstAlone.outputSchema().fields();
    // Every model's sequence columns are left out (the first model's plan leaves out only its own).
    java.util.Set<String> sequenceColumns = new java.util.HashSet<>();
    for (Named named : models) {
      String features = featuresOf(options.featuresColumn(), named.name(), models);
      java.util.Map<String, String> pairs = ScoreOptions.inputColumns(features);
      sequenceColumns.addAll(pairs == null ? List.of(features) : pairs.values());
    }
    for (int i = 0; i < firstAlone.layout().keptCount(); i++) {
      if (options.keep() == null && sequenceColumns.contains(keptFields[i].name())) {
        continue;
      }
      selected.add(col(quote(keptFields[i].name())));
    }
    for (String name : predictionColumns) {
      selected.add(col(quote(name)));
    }
    Dataset<Row> output = current.select(selected.toArray(new Column[0]));
    boolean sourced = Arrays.asList(input.columns()).contains(SourceColumns.FILE);
    return new SeveralModels(first, output, spark, censusPlans, names, sourced);
  }

  /**
   * Whether every model reads the rows exactly as the first does (one input from the same column,
   * the same D, length rule and step minimums, one output): then one step reads each batch once
   * and runs every model on it, instead of a chain of steps that each copy the rows on.
   */
  static boolean readAlike(List<InputPlan> plans) {
    InputLayout a = plans.get(0).layout();
    for (InputPlan plan : plans) {
      InputLayout b = plan.layout();
      if (b.several() || b.frame() != null || b.states() != null || !b.featuresColumn().equals(a.featuresColumn())
          || b.flat() != a.flat() || b.tokens() != a.tokens() || b.vocabulary() != a.vocabulary()
          || b.requiredTimesteps() != a.requiredTimesteps() || b.features() != a.features()
          || !b.stepMinimums().equals(a.stepMinimums()) || b.keptCount() != a.keptCount()) {
        return false;
      }
    }
    return true;
  }

  /** Every model on the same batches, in one scoring step over the first model's plan. */
  private static SeveralModels together(SparkSession spark, Dataset<Row> input, ScoreOptions options,
      List<Named> models, List<InputPlan> plans, BadRowHandling handling, int threadsPerTask,
      ScoringCounters counters, CollectionAccumulator<BadRowException> badRowsFound,
      List<Broadcast<RnnModel>> broadcasts, JavaSparkContext jsc) {
    List<Broadcast<RnnModel>> ours = new ArrayList<>();
    for (Named named : models) {
      ours.add(jsc.broadcast(named.model()));
    }
    broadcasts.addAll(ours);
    List<Scoring.Together> others = new ArrayList<>();
    for (int m = 1; m < models.size(); m++) {
      Named named = models.get(m);
      ClassOutputs outputs = named.outputs() != null ? named.outputs() : options.classOutputs();
      others.add(new Scoring.Together(ours.get(m), outputs, named.name(), named.name() + "_"
          + options.predictionColumn(), named.provenance() == null ? null : named.provenance().metadata()));
    }
    Named firstModel = models.get(0);
    int steps = firstModel.timesteps() > 0 ? firstModel.timesteps() : options.timesteps();
    ClassOutputs outputs = firstModel.outputs() != null ? firstModel.outputs() : options.classOutputs();
    ScoreOptions firstOptions = options.forModel(firstModel.name() + "_" + options.predictionColumn(), steps,
        options.keep(), outputs, featuresOf(options.featuresColumn(), firstModel.name(), models));
    // A row bad for one is bad for all (they read alike): its message names the first model.
    Scoring.Scored scored = Scoring.scoreTogether(spark, plans.get(0), ours.get(0), firstOptions, threadsPerTask,
        handling, counters, badRowsFound,
        firstModel.provenance() == null ? null : firstModel.provenance().metadata(), firstModel.name(), others);
    List<String> names = new ArrayList<>();
    models.forEach(m -> names.add(m.name()));
    boolean sourced = Arrays.asList(input.columns()).contains(SourceColumns.FILE);
    return new SeveralModels(scored, scored.rows(), spark, List.of(plans.get(0)), List.of(names.get(0)), sourced);
  }

  /**
   * Model {@code name}'s --features-col: from {@code COL | [MODEL.]INPUT=COL,...}, the plain
   * column or the INPUT=COL pairs every model shares, and its own MODEL.INPUT=COL pairs (which
   * take precedence); another model's pairs are left out.
   */
  static String featuresOf(String spec, String name, List<Named> models) {
    if (!spec.contains("=")) {
      return spec;
    }
    java.util.Set<String> names = new java.util.HashSet<>();
    models.forEach(m -> names.add(m.name()));
    java.util.Map<String, String> shared = new java.util.LinkedHashMap<>();
    java.util.Map<String, String> own = new java.util.LinkedHashMap<>();
    for (String part : spec.split(",", -1)) {
      int eq = part.indexOf('=');
      String key = eq < 0 ? part.trim() : part.substring(0, eq).trim();
      int dot = key.indexOf('.');
      String model = dot < 0 ? null : key.substring(0, dot);
      if (model != null && names.contains(model)) {
        if (model.equals(name)) {
          own.put(key.substring(dot + 1), eq < 0 ? "" : part.substring(eq + 1).trim());
        }
      } else {
        shared.put(key, eq < 0 ? "" : part.substring(eq + 1).trim());
      }
    }
    shared.putAll(own);
    if (shared.isEmpty()) {
      throw new org.rnnscore.model.UsageException("--features-col '" + spec + "' gives model '" + name
          + "' no column: add " + name + ".INPUT=COL or a pair every model shares");
    }
    List<String> pairs = new ArrayList<>();
    shared.forEach((input, column) -> pairs.add(input + "=" + column));
    return String.join(",", pairs);
  }

  /**
   * Every model's bad rows, each row once (by its file and index; where rows have no source, once
   * per model that refuses it), the reason naming the model.
   */
  Dataset<Row> rejects() {
    Dataset<Row> all = null;
    for (int m = 0; m < censusPlans.size(); m++) {
      Dataset<Row> rejects = BadRowCensus.rejects(spark, censusPlans.get(m)).withColumn(BadRowCensus.REASON,
          concat(lit("model '" + names.get(m) + "': "), col(BadRowCensus.REASON)));
      all = all == null ? rejects : all.unionByName(rejects);
    }
    return sourced ? all.dropDuplicates(SourceColumns.REJECTS_FILE, SourceColumns.REJECTS_ROW) : all;
  }

  private static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
