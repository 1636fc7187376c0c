package org.rnnscore.ml;

import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.SparkSession;
import org.rnnscore.job.SparkSessions;

/**
 * Loads a saved pipeline in a fresh JVM and writes its predictions: args pipeline-dir, input
 * Parquet, output Parquet. Run by {@link RnnScoreModelTest} as a forked process, so that nothing
 * of the saving JVM (a cached model, a broadcast, a class loaded) can help the load.
 */
public final class PipelineLoadMain {
  private PipelineLoadMain() {}

  public static void main(String[] args) {
    SparkSession spark = SparkSessions.start("rnnscore-pipeline-load", "local[2]", Map.of());
    try {
      PipelineModel pipeline = PipelineModel.load(args[0]);
      pipeline.transform(spark.read().parquet(args[1])).select("id", "prediction").write().parquet(args[2]);
    } finally {
      spark.stop();
    }
  }
}
