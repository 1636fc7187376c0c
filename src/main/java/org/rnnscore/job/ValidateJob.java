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
    return run(spark, model, input, featuresColumn, timesteps, keyColumn, partitionBy, frameShape, InputSource.PATH,
        null, null);
  }

  /**
   * @param input the --input path, or with a table what messages call it ("table db.t")
   * @param source --input-table and --where
   * @param output, rejects the paths score would write (null: not given), checked against a table's location
   */
  public static Report run(SparkSession spark, RnnModel model, String input, String featuresColumn, int timesteps,
      String keyColumn, String partitionBy, org.rnnscore.model.Frame frameShape, InputSource source, String output,
      String rejects) {
    try {
      if (source.isTable()) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        InputSource.read(spark, source, null, conf, false); // a missing table first: exit 2
        PathGuards.check(conf, new PathGuards.Request(null, output, rejects, null, null, null,
            ScoreOptions.WriteMode.OVERWRITE, false).withInputTable(source.table(),
                InputSource.location(spark, source.table())));
      }
      return census(spark, model, input, featuresColumn, timesteps, keyColumn, partitionBy, frameShape, source);
    } catch (Exception e) { // Spark's checked exceptions too
      throw InputFiles.unchecked(e);
    }
  }

  private static Report census(SparkSession spark, RnnModel model, String input, String featuresColumn,
      int timesteps, String keyColumn, String partitionBy, org.rnnscore.model.Frame frameShape, InputSource source) {
    Configuration hadoopConf = spark.sparkContext().hadoopConfiguration();
    Dataset<Row> data = InputSource.read(spark, source, input, hadoopConf, true);
    ScoreOptions options = new ScoreOptions(input, "(validate writes nothing)", featuresColumn, timesteps, null,
        ScoreOptions.DEFAULT_PREDICTION_COLUMN, keyColumn, ScoreOptions.WriteMode.ERROR,
        ScoreOptions.DEFAULT_BATCH_SIZE, 0, partitionBy, org.rnnscore.kernel.Nd4jRuntime.Backend.AUTO, null, frameShape,
        ScoreOptions.DEFAULT_BATCH_BYTES);
    if (source.isTable() || source.where() != null) {
      options = options.withSource(source);
    }
    InputPlan plan = InputPlan.of(data, input, options, model);
    Map<String, Long> bad = BadRowCensus.countByCode(BadRowCensus.rejects(spark, plan));
    String type = data.schema().apply(plan.layout().featuresColumn()).dataType().simpleString();
    return new Report(FooterCount.count(data), type, plan.layout().keyColumn(), bad);
  }
}
