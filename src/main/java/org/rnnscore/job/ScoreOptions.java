package org.rnnscore.job;

import java.util.List;
import org.rnnscore.kernel.Nd4jRuntime;
import org.rnnscore.model.UsageException;

/**
 * What a score run is asked to do, as the CLI parsed it.
 *
 * @param featuresColumn the sequence column
 * @param timesteps T for a flat {@code array<float>} column (T·D values a row); 0 when not given
 * @param keep the columns to pass through, in this order; null means every column but the sequence
 * @param keyColumn the column that names a row in messages; null means {@code id} when present
 * @param batchSize rows per forward pass (B)
 * @param outputFiles the number of output files (0: one per input partition)
 * @param outputTable a catalog table (db.table) to write instead of a path: the job scores into
 *     {@code output} (a staging path) atomically, then writes the table through Spark's catalog
 * @param backend the ND4J backend executors must use (AUTO: whichever ND4J loads)
 * @param partitionBy a kept column to partition the output by (Hive-style {@code col=value}
 *     directories; with overwrite only the partitions written are replaced), or null
 */
public record ScoreOptions(
    String input,
    String output,
    String featuresColumn,
    int timesteps,
    List<String> keep,
    String predictionColumn,
    String keyColumn,
    WriteMode mode,
    int batchSize,
    int outputFiles,
    String partitionBy,
    Nd4jRuntime.Backend backend,
    String outputTable) {

  public static final String DEFAULT_FEATURES_COLUMN = "features";
  public static final String DEFAULT_PREDICTION_COLUMN = "prediction";
  public static final String DEFAULT_KEY_COLUMN = "id";
  public static final int DEFAULT_BATCH_SIZE = 1024;
  /** Bounds B so that one batch's buffers stay far from 2 GiB arrays whatever T and D are. */
  public static final int MAX_BATCH_SIZE = 1 << 20;

  public ScoreOptions {
    requireText(input, "--input");
    requireText(output, "--output");
    requireText(featuresColumn, "--features-col");
    requireText(predictionColumn, "--prediction-col");
    if (timesteps < 0) {
      throw new UsageException("--timesteps must be at least 1, got " + timesteps);
    }
    if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
      throw new UsageException("--batch-size must be between 1 and " + MAX_BATCH_SIZE + ", got " + batchSize);
    }
    if (mode == null) {
      throw new UsageException("--mode is required (error or overwrite)");
    }
    if (outputFiles < 0) {
      throw new UsageException("--output-files must be at least 1, got " + outputFiles);
    }
    keep = keep == null ? null : List.copyOf(keep);
  }

  /** With one file per input partition, as Spark writes by default. */
  public ScoreOptions(String input, String output, String featuresColumn, int timesteps, List<String> keep,
      String predictionColumn, String keyColumn, WriteMode mode, int batchSize) {
    this(input, output, featuresColumn, timesteps, keep, predictionColumn, keyColumn, mode, batchSize, 0, null,
        Nd4jRuntime.Backend.AUTO, null);
  }

  /** With the backend ND4J chooses. */
  public ScoreOptions(String input, String output, String featuresColumn, int timesteps, List<String> keep,
      String predictionColumn, String keyColumn, WriteMode mode, int batchSize, int outputFiles, String partitionBy) {
    this(input, output, featuresColumn, timesteps, keep, predictionColumn, keyColumn, mode, batchSize, outputFiles,
        partitionBy, Nd4jRuntime.Backend.AUTO, null);
  }

  private static void requireText(String value, String option) {
    if (value == null || value.isBlank()) {
      throw new UsageException(option + " must not be empty");
    }
  }

  /** How an existing output is treated. */
  public enum WriteMode {
    /** Refuse to write when the output exists (Spark's default save mode). */
    ERROR,
    /** Replace the output. */
    OVERWRITE
  }
}
