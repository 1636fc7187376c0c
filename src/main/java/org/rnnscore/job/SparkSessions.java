package org.rnnscore.job;

import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.sql.SparkSession;
import org.rnnscore.kernel.Nd4jRuntime;
import org.rnnscore.model.UsageException;

/**
 * Starts the Spark session a command runs in. Local mode ({@code local[*]}) unless --master or
 * spark-submit named a master; the user's --conf pairs win over rnnscore's defaults.
 *
 * <p>{@link #conf} and {@link #hadoopConfiguration} come apart from {@link #start(SparkConf)} so
 * that a command can read its model and check its paths, with the Hadoop settings the job will
 * have, before it pays for a SparkContext.
 */
public final class SparkSessions {
  private SparkSessions() {}

  public static SparkSession start(String appName, String master, Map<String, String> conf) {
    return start(appName, master, conf, Nd4jRuntime.Backend.AUTO);
  }

  public static SparkSession start(String appName, String master, Map<String, String> conf,
      Nd4jRuntime.Backend backend) {
    return start(conf(appName, master, conf, backend));
  }

  /**
   * The settings a session will start with: spark-defaults and {@code spark.*} system properties
   * (spark-submit's), rnnscore's defaults, then the user's --conf pairs.
   *
   * @param backend for CPU or CUDA, executors get the ND4J backend priority environment variables
   *     that make ND4J load that backend (the launcher sets them for a local driver)
   */
  public static SparkConf conf(String appName, String master, Map<String, String> conf, Nd4jRuntime.Backend backend) {
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
      // A task's result up to 64 MiB comes back in the same JVM as it is, rather than through the
      // block manager: the states' table of the README's night 2 (two results of 21 MB) came in
      // 0.72 s against 0.96 s. Spark caps it at spark.rpc.message.maxSize (128 MiB); a cluster's
      // results cross the network either way, so only the embedded default sets it.
      sparkConf.setIfMissing("spark.task.maxDirectResultSize", "64m");
    }
    // Keep timestamps as written, not rewritten to INT96 (Spark's legacy default).
    sparkConf.setIfMissing("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
    // No _SUCCESS-less surprises: the marker is what downstream schedulers wait for.
    sparkConf.setIfMissing("spark.hadoop.mapreduce.fileoutputcommitter.marksuccessfuljobs", "true");
    // Spark's UI, event log and its own log lines hide the values rnnscore hides (credentials too).
    sparkConf.setIfMissing("spark.redaction.regex", Redaction.KEY_PATTERN.pattern());
    for (Map.Entry<String, String> e : conf.entrySet()) {
      sparkConf.set(e.getKey(), e.getValue());
    }
    return sparkConf;
  }

  /**
   * The Hadoop configuration a SparkContext made from {@code conf} would have: the cluster's
   * *-site.xml, {@code spark.hadoop.*} with the prefix stripped, S3 credentials from the
   * environment. Spark's own logic ({@code SparkHadoopUtil}), without starting Spark.
   */
  public static Configuration hadoopConfiguration(SparkConf conf) {
    return SparkHadoopUtil.get().newConfiguration(conf);
  }

  /**
   * @throws UsageException for a master URL Spark cannot parse, or settings it refuses to start
   *     with (exit 2, naming the option, rather than a retryable "Spark failure")
   */
  public static SparkSession start(SparkConf sparkConf) {
    try {
      return SparkSession.builder().config(sparkConf).getOrCreate();
    } catch (Throwable e) { // SparkException is checked to javac but undeclared by Scala
      String message = String.valueOf(e.getMessage());
      if (message.toLowerCase(java.util.Locale.ROOT).contains("master url")) {
        throw new UsageException("--master " + sparkConf.get("spark.master") + ": Spark cannot parse this master URL;"
            + " expected local[*], local[N], local[N,F], spark://HOST:PORT, yarn or k8s://https://HOST:PORT", e);
      }
      if (e instanceof IllegalArgumentException) {
        throw new UsageException("Spark refused its settings (--master, --conf, spark-defaults): " + message, e);
      }
      throw e;
    }
  }
}
