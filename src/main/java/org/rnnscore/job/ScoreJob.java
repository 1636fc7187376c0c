package org.rnnscore.job;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.rnnscore.model.InputDataException;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.UsageException;

/**
 * The score run: check the input against the model on the driver, broadcast the weights, score
 * every partition in batches, write Parquet, and count what was written.
 */
public final class ScoreJob {
  private ScoreJob() {}

  /** What a finished run did, for the report on stderr. */
  public record Result(long rowsScored, long wallMillis, RnnModel model) {
    public double rowsPerSecond() {
      return wallMillis == 0 ? 0 : rowsScored * 1000.0 / wallMillis;
    }
  }

  public static Result run(SparkSession spark, RnnModel model, ScoreOptions options) {
    long start = System.nanoTime();
    Configuration hadoopConf = spark.sparkContext().hadoopConfiguration();
    OutputPaths.checkWritable(options.output(), options.mode(), hadoopConf);
    Dataset<Row> input = readInput(spark, options.input(), hadoopConf);
    InputPlan plan = InputPlan.of(input, options.input(), options, model);

    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<RnnModel> broadcast = jsc.broadcast(model);
    int threadsPerTask = Integer.parseInt(spark.conf().get("spark.task.cpus", "1"));
    JavaRDD<InternalRow> rows = SparkInternals.toInternalRows(plan.projected());
    JavaRDD<InternalRow> scored =
        rows.mapPartitions(new PartitionScorer(broadcast, plan.layout(), options.batchSize(), threadsPerTask));
    Dataset<Row> output = SparkInternals.toDataFrame(spark, scored, plan.outputSchema());

    // Written to staging and moved into place only on success: a failed run changes nothing.
    OutputCommit commit = OutputCommit.begin(options.output(), hadoopConf);
    try {
      output.write().mode(SaveMode.ErrorIfExists).parquet(commit.stagingPath());
    } catch (Throwable e) { // Spark's SparkException is checked to javac but undeclared by Scala
      commit.abort();
      throw e;
    } finally {
      broadcast.destroy();
    }
    commit.commit();

    // Counted from what was committed (Parquet footers), not from task-side counters that a
    // retried task would count twice.
    long written = spark.read().parquet(options.output()).count();
    return new Result(written, (System.nanoTime() - start) / 1_000_000, model);
  }

  static Dataset<Row> readInput(SparkSession spark, String location, Configuration hadoopConf) {
    Path in = new Path(location);
    try {
      FileSystem fs = in.getFileSystem(hadoopConf);
      if (!fs.exists(in)) {
        throw new UsageException("--input " + location + " does not exist");
      }
    } catch (IOException e) {
      throw new UsageException("--input " + location + " cannot be read: " + e.getMessage(), e);
    }
    try {
      return spark.read().parquet(location);
    } catch (Exception e) {
      // Spark throws AnalysisException (checked to javac, undeclared by Scala) for unreadable footers.
      throw new InputDataException(location + ": not a readable Parquet dataset: " + e.getMessage(), e);
    }
  }
}
