package org.rnnscore.job;

import java.util.Arrays;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.UsageException;

/**
 * The scored rows of a planned input as a lazy DataFrame: no job runs until an action on it.
 * The one place the scoring operator is put into a plan, shared by the CLI's {@link ScoreJob}
 * (which writes, commits and counts around it) and the library API ({@code org.rnnscore.api}).
 */
public final class Scoring {
  private Scoring() {}

  /** The scored DataFrame and the RDD under it (its partitions are the input's). */
  public record Scored(Dataset<Row> rows, RDD<InternalRow> rdd) {}

  /**
   * @param predictionMetadata put on each prediction column: provenance, or empty
   * @param badRowsFound with FAIL, where tasks record a bad row instead of throwing it ({@link
   *     BadRowStop}); null to throw
   */
  public static Scored score(SparkSession spark, InputPlan plan, Broadcast<RnnModel> model, ScoreOptions options,
      int threadsPerTask, BadRowHandling badRows, ScoringCounters counters,
      CollectionAccumulator<BadRowException> badRowsFound, Metadata predictionMetadata) {
    return score(spark, plan, model, options, threadsPerTask, badRows, counters, badRowsFound, predictionMetadata,
        null);
  }

  /** @param modelName with several models in one pass, the one a bad row's message names; else null */
  public static Scored score(SparkSession spark, InputPlan plan, Broadcast<RnnModel> model, ScoreOptions options,
      int threadsPerTask, BadRowHandling badRows, ScoringCounters counters,
      CollectionAccumulator<BadRowException> badRowsFound, Metadata predictionMetadata, String modelName) {
    return scored(spark, plan, model, options, threadsPerTask, badRows, counters, badRowsFound, modelName,
        java.util.List.of(), schema(plan, badRows, predictionMetadata));
  }

  /** The scoring operator over the plan's rows, as a DataFrame of {@code schema}. */
  private static Scored scored(SparkSession spark, InputPlan plan, Broadcast<RnnModel> model, ScoreOptions options,
      int threadsPerTask, BadRowHandling badRows, ScoringCounters counters,
      CollectionAccumulator<BadRowException> badRowsFound, String modelName,
      java.util.List<PartitionScorer.Companion> companions, StructType schema) {
    PartitionScorer scorer = new PartitionScorer(model, plan.layout(),
        new BatchLimit(options.batchSize(), options.batchBytes()), threadsPerTask, badRows, counters,
        options.backend(), badRowsFound, options.kernel(), modelName, companions, plan.stateLookup());
    RDD<InternalRow> rdd = new DeferredRdd(plan.projected(), scorer);
    return new Scored(SparkInternals.toDataFrame(spark, rdd.toJavaRDD(), schema), rdd);
  }

  /**
   * Several models of one reading layout scored on the same batches in one step: the rows are
   * read and checked once, then each batch goes through every model's forward pass. Columns: the
   * kept ones, the first model's (as {@link #score}), then each other model's, each carrying its
   * own metadata.
   *
   * @param others the models after the plan's own, their prediction column names and metadata
   */
  static Scored scoreTogether(SparkSession spark, InputPlan plan, Broadcast<RnnModel> model, ScoreOptions options,
      int threadsPerTask, BadRowHandling badRows, ScoringCounters counters,
      CollectionAccumulator<BadRowException> badRowsFound, Metadata predictionMetadata, String modelName,
      java.util.List<Together> others) {
    java.util.List<PartitionScorer.Companion> companions = new java.util.ArrayList<>();
    for (Together other : others) {
      companions.add(new PartitionScorer.Companion(other.model(), other.outputs(), other.name()));
    }
    StructField[] first = schema(plan, badRows, predictionMetadata).fields();
    int insertAt = plan.layout().keptCount() + plan.layout().predictionColumnCount();
    java.util.List<StructField> fields = new java.util.ArrayList<>(Arrays.asList(first).subList(0, insertAt));
    boolean nullable = badRows == BadRowHandling.KEEP;
    for (Together other : others) {
      boolean sequence = other.model().value().outputIsSequence();
      for (org.rnnscore.model.ClassOutputs.Column column : other.outputs().columns(other.predictionColumn())) {
        fields.add(new StructField(column.name(), InputPlan.classOutputType(column.value(), sequence), nullable,
            other.metadata() == null ? Metadata.empty() : other.metadata()));
      }
    }
    fields.addAll(Arrays.asList(first).subList(insertAt, first.length));
    return scored(spark, plan, model, options, threadsPerTask, badRows, counters, badRowsFound, modelName,
        companions, new StructType(fields.toArray(new StructField[0])));
  }

  /** A model scored beside the plan's own by {@link #scoreTogether}. */
  record Together(Broadcast<RnnModel> model, org.rnnscore.model.ClassOutputs outputs, String name,
      String predictionColumn, Metadata metadata) {}

  /**
   * A DataFrame's scoring plan, for a library caller: where the DataFrame is a file scan (directly
   * or through projections and filters), each row's file and index come along for the bad-row
   * messages, as they do for the CLI's input.
   *
   * @param inputName what messages call the input
   * @param initialStates a previous run's output with its state columns, joined on the key; or null
   * @param modelSha256 checked against the states' provenance (null: not checked)
   */
  public static InputPlan planDataFrame(Dataset<Row> input, String inputName, RnnModel model, ScoreOptions options,
      Dataset<Row> initialStates, boolean emitState, String modelSha256) {
    Dataset<Row> withSource;
    try {
      withSource = SourceColumns.attach(input);
    } catch (Exception e) { // an AnalysisException (checked to javac, undeclared by Scala)
      if (!(e instanceof org.apache.spark.sql.AnalysisException)) {
        throw InputFiles.unchecked(e);
      }
      withSource = input; // not a file scan (a join, an aggregate, rows made in memory): no _metadata column
    }
    StateColumns states = initialStates != null || emitState ? StateColumns.of(model) : null;
    Dataset<Row> joined = withSource;
    if (initialStates != null) {
      StateOptions stateOptions = new StateOptions(emitState, "initialStates", false);
      joined = ScoreJob.joinStates(withSource, initialStates, "initialStates", options, stateOptions, states,
          modelSha256, LIBRARY_LABELS);
    }
    return InputPlan.of(joined, inputName, options, model, states, emitState, initialStates != null,
        InputPlan.PassThrough.LIBRARY);
  }

  private static final ScoreJob.StateLabels LIBRARY_LABELS = new ScoreJob.StateLabels("initialStates(...)",
      "keyCol(...)", null, "emitState(true)");

  /**
   * The plan's output columns; with KEEP every column after the kept ones nullable (null for a
   * bad row), then reason_code and reason (null for a good row).
   */
  public static StructType schema(InputPlan plan, BadRowHandling badRows, Metadata predictionMetadata) {
    StructField[] fields = plan.outputSchema().fields().clone();
    int kept = plan.layout().keptCount();
    if (predictionMetadata != null) {
      // Every column this model gives carries its provenance (with several models, each its own).
      int end = Math.min(fields.length, kept + plan.layout().predictionColumnCount());
      for (int i = kept; i < end; i++) {
        fields[i] = new StructField(fields[i].name(), fields[i].dataType(), fields[i].nullable(), predictionMetadata);
      }
    }
    if (badRows != BadRowHandling.KEEP) {
      return new StructType(fields);
    }
    for (int i = 0; i < kept; i++) {
      if (fields[i].name().equals(BadRowCensus.REASON_CODE) || fields[i].name().equals(BadRowCensus.REASON)) {
        throw new UsageException("bad rows kept with their reasons add column '" + fields[i].name()
            + "', but the input already has a column of that name; drop or rename it before scoring");
      }
    }
    for (int i = kept; i < fields.length; i++) {
      fields[i] = new StructField(fields[i].name(), fields[i].dataType(), true, fields[i].metadata());
    }
    StructField[] withReasons = Arrays.copyOf(fields, fields.length + 2);
    withReasons[fields.length] = new StructField(BadRowCensus.REASON_CODE, DataTypes.StringType, true,
        Metadata.empty());
    withReasons[fields.length + 1] = new StructField(BadRowCensus.REASON, DataTypes.StringType, true, Metadata.empty());
    return new StructType(withReasons);
  }
}
