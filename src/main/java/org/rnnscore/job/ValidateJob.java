package org.rnnscore.job;

import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.rnnscore.model.RnnModel;

/**
 * {@code rnnscore validate}: the pre-flight a pipeline runs before scoring. The input's schema is
 * checked against the model (as score checks it, on the driver), then one pass without the model
 * counts the rows score would refuse, by reason code. Nothing is written.
 */
public final class ValidateJob {
  private ValidateJob() {}

  /** What validate found: the rows, the sequence column's type, and the bad rows by code. */
  public record Report(long rows, String sequenceType, String keyColumn, Map<String, Long> badRowsByCode) {
    public long badRows() {
      return badRowsByCode.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  public static Report run(SparkSession spark, RnnModel model, String input, String featuresColumn, int timesteps,
      String keyColumn) {
    return run(spark, model, input, featuresColumn, timesteps, keyColumn, null);
  }

  /**
   * @param partitionBy the --partition-by column score would use (checked to be an output column), or null
   */
  public static Report run(SparkSession spark, RnnModel model, String input, String featuresColumn, int timesteps,
      String keyColumn, String partitionBy) {
    return run(spark, model, input, featuresColumn, timesteps, keyColumn, partitionBy, null);
  }

  /** @param frameShape --frame-shape, as for score (a flat column of a per-step image model), or null */
  public static Report run(SparkSession spark, RnnModel model, String input, String featuresColumn, int timesteps,
      String keyColumn, String partitionBy, org.rnnscore.model.Frame frameShape) {
    try {
      return census(spark, model, input, featuresColumn, timesteps, keyColumn, partitionBy, frameShape);
    } catch (Exception e) { // Spark's checked exceptions too
      throw InputFiles.unchecked(e);
    }
  }

  private static Report census(SparkSession spark, RnnModel model, String input, String featuresColumn,
      int timesteps, String keyColumn, String partitionBy, org.rnnscore.model.Frame frameShape) {
    Configuration hadoopConf = spark.sparkContext().hadoopConfiguration();
    Dataset<Row> data = SourceColumns.attach(ScoreJob.readInput(spark, "--input", input, hadoopConf));
    ScoreOptions options = new ScoreOptions(input, "(validate writes nothing)", featuresColumn, timesteps, null,
        ScoreOptions.DEFAULT_PREDICTION_COLUMN, keyColumn, ScoreOptions.WriteMode.ERROR,
        ScoreOptions.DEFAULT_BATCH_SIZE, 0, partitionBy, org.rnnscore.kernel.Nd4jRuntime.Backend.AUTO, null, frameShape,
        ScoreOptions.DEFAULT_BATCH_BYTES);
    InputPlan plan = InputPlan.of(data, input, options, model);
    Map<String, Long> bad = BadRowCensus.countByCode(BadRowCensus.rejects(spark, plan));
    String type = data.schema().apply(plan.layout().featuresColumn()).dataType().simpleString();
    return new Report(data.count(), type, plan.layout().keyColumn(), bad);
  }
}
