package org.rnnscore.job;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.rnnscore.kernel.Nd4jRuntime;

/**
 * Starts the Spark session a command runs in. Local mode ({@code local[*]}) unless --master or
 * spark-submit named a master; the user's --conf pairs win over rnnscore's defaults.
 */
public final class SparkSessions {
  private SparkSessions() {}

  public static SparkSession start(String appName, String master, Map<String, String> conf) {
    return start(appName, master, conf, Nd4jRuntime.Backend.AUTO);
  }

  /**
   * @param backend for CPU or CUDA, executors get the ND4J backend priority environment variables
   *     that make ND4J load that backend (the launcher sets them for a local driver)
   */
  public static SparkSession start(String appName, String master, Map<String, String> conf,
      Nd4jRuntime.Backend backend) {
    SparkConf sparkConf = new SparkConf(true);
    if (backend != Nd4jRuntime.Backend.AUTO) {
      boolean gpu = backend == Nd4jRuntime.Backend.CUDA;
      sparkConf.set("spark.executorEnv.BACKEND_PRIORITY_GPU", gpu ? "100" : "0");
      sparkConf.set("spark.executorEnv.BACKEND_PRIORITY_CPU", gpu ? "0" : "100");
    }
    String effectiveMaster = master != null ? master : sparkConf.get("spark.master", "local[*]");
    sparkConf.setMaster(effectiveMaster);
    sparkConf.setIfMissing("spark.app.name", appName);
    if (effectiveMaster.startsWith("local")) {
      // The embedded default: no web UI port to bind, no progress bar on stderr.
      sparkConf.setIfMissing("spark.ui.enabled", "false");
      sparkConf.setIfMissing("spark.ui.showConsoleProgress", "false");
    }
    // Keep timestamps as written, not rewritten to INT96 (Spark's legacy default).
    sparkConf.setIfMissing("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
    // No _SUCCESS-less surprises: the marker is what downstream schedulers wait for.
    sparkConf.setIfMissing("spark.hadoop.mapreduce.fileoutputcommitter.marksuccessfuljobs", "true");
    for (Map.Entry<String, String> e : conf.entrySet()) {
      sparkConf.set(e.getKey(), e.getValue());
    }
    return SparkSession.builder().config(sparkConf).getOrCreate();
  }
}
