package org.rnnscore.job;

import java.util.List;
import java.util.Locale;
import org.rnnscore.kernel.KernelPath;
import org.rnnscore.model.ClassOutputs;
import org.rnnscore.kernel.Nd4jRuntime;
import org.rnnscore.model.Frame;
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
 * @param frameShape H, W, C of each step of a flat {@code array<float>} column read by a per-step
 *     image model (--frame-shape; it must be the model's), or null
 * @param batchBytes the most bytes of input values one batch holds (--batch-bytes): a batch closes
 *     at B rows or at this size, whichever comes first; a single row larger than this is scored
 *     alone, in a batch of its own
 * @param kernel which implementation runs the recurrent layers (--kernel; auto picks per layer)
 * @param classOutputs what the prediction columns hold (--outputs; raw by default), parsed but
 *     not yet checked against the model ({@link InputPlan} checks it)
 * @param forceOutputs --force-outputs: softmax or sigmoid even over a model that ends in one
 * @param source --input-table and --where (never null: {@link InputSource#PATH} for --input alone);
 *     with a table, {@code input} is what messages call it ("table db.t")
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
    String outputTable,
    Frame frameShape,
    long batchBytes,
    KernelPath kernel,
    ClassOutputs classOutputs,
    boolean forceOutputs,
    InputSource source) {

  public static final String DEFAULT_FEATURES_COLUMN = "features";
  public static final String DEFAULT_PREDICTION_COLUMN = "prediction";
  public static final String DEFAULT_KEY_COLUMN = "id";
  public static final int DEFAULT_BATCH_SIZE = 1024;
  /** Bounds B so that one batch's buffers stay far from 2 GiB arrays whatever T and D are. */
  public static final int MAX_BATCH_SIZE = 1 << 20;
  /** 64 MiB of input values per batch: one row of 10 frames of 160×160×3 floats is 3 MiB. */
  public static final long DEFAULT_BATCH_BYTES = 64L << 20;

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
    if (batchBytes < 1) {
      throw new UsageException("--batch-bytes must be at least 1 byte, got " + batchBytes);
    }
    if (mode == null) {
      throw new UsageException("--mode is required (error or overwrite)");
    }
    if (outputFiles < 0) {
      throw new UsageException("--output-files must be at least 1, got " + outputFiles);
    }
    keep = keep == null ? null : List.copyOf(keep);
    kernel = kernel == null ? KernelPath.AUTO : kernel;
    classOutputs = classOutputs == null ? ClassOutputs.RAW : classOutputs;
    source = source == null ? InputSource.PATH : source;
  }

  /** Reading --input alone. */
  public ScoreOptions(String input, String output, String featuresColumn, int timesteps, List<String> keep,
      String predictionColumn, String keyColumn, WriteMode mode, int batchSize, int outputFiles, String partitionBy,
      Nd4jRuntime.Backend backend, String outputTable, Frame frameShape, long batchBytes, KernelPath kernel,
      ClassOutputs classOutputs, boolean forceOutputs) {
    this(input, output, featuresColumn, timesteps, keep, predictionColumn, keyColumn, mode, batchSize, outputFiles,
        partitionBy, backend, outputTable, frameShape, batchBytes, kernel, classOutputs, forceOutputs,
        InputSource.PATH);
  }

  /** These options reading {@code source}: a table (then messages call the input "table db.t") and/or --where. */
  public ScoreOptions withSource(InputSource from) {
    String label = from.isTable() ? InputSource.label(from.table()) : input;
    return new ScoreOptions(label, output, featuresColumn, timesteps, keep, predictionColumn, keyColumn, mode,
        batchSize, outputFiles, partitionBy, backend, outputTable, frameShape, batchBytes, kernel, classOutputs,
        forceOutputs, from);
  }

  /** With the raw prediction only. */
  public ScoreOptions(String input, String output, String featuresColumn, int timesteps, List<String> keep,
      String predictionColumn, String keyColumn, WriteMode mode, int batchSize, int outputFiles, String partitionBy,
      Nd4jRuntime.Backend backend, String outputTable, Frame frameShape, long batchBytes, KernelPath kernel) {
    this(input, output, featuresColumn, timesteps, keep, predictionColumn, keyColumn, mode, batchSize, outputFiles,
        partitionBy, backend, outputTable, frameShape, batchBytes, kernel, ClassOutputs.RAW, false);
  }

  /** With this JVM's default kernel path (auto, or the system property {@value KernelPath#PROPERTY}). */
  public ScoreOptions(String input, String output, String featuresColumn, int timesteps, List<String> keep,
      String predictionColumn, String keyColumn, WriteMode mode, int batchSize, int outputFiles, String partitionBy,
      Nd4jRuntime.Backend backend, String outputTable, Frame frameShape, long batchBytes) {
    this(input, output, featuresColumn, timesteps, keep, predictionColumn, keyColumn, mode, batchSize, outputFiles,
        partitionBy, backend, outputTable, frameShape, batchBytes, KernelPath.fromSystemProperty());
  }

  /** What a library caller's rows are called in messages: they come from no path rnnscore was given. */
  public static final String LIBRARY_INPUT = "the DataFrame";

  /**
   * The options of a library call ({@code org.rnnscore.api}): nothing is written, so the output
   * and write settings are placeholders that no scoring step reads; every input column is kept.
   */
  public static ScoreOptions forLibrary(String featuresColumn, int timesteps, String predictionColumn,
      String keyColumn, int batchSize, KernelPath kernel) {
    return new ScoreOptions(LIBRARY_INPUT, "(not written: a library call)", featuresColumn, timesteps, null,
        predictionColumn, keyColumn, WriteMode.ERROR, batchSize, 0, null, Nd4jRuntime.Backend.AUTO, null, null,
        DEFAULT_BATCH_BYTES, kernel);
  }

  /** These options for one of several models scored in one pass: its prediction column, T and kept columns. */
  ScoreOptions forModel(String prediction, int steps, List<String> kept) {
    return forModel(prediction, steps, kept, classOutputs);
  }

  /** As {@link #forModel(String, int, List)} with that model's own class outputs. */
  ScoreOptions forModel(String prediction, int steps, List<String> kept, ClassOutputs outputs) {
    return forModel(prediction, steps, kept, outputs, featuresColumn);
  }

  /** As {@link #forModel(String, int, List, ClassOutputs)} reading that model's own sequence column(s). */
  ScoreOptions forModel(String prediction, int steps, List<String> kept, ClassOutputs outputs, String features) {
    return new ScoreOptions(input, output, features, steps, kept, prediction, keyColumn, mode, batchSize,
        outputFiles, partitionBy, backend, outputTable, frameShape, batchBytes, kernel, outputs, forceOutputs,
        source);
  }

  /** These options with the prediction columns holding {@code outputs}. */
  public ScoreOptions withClassOutputs(ClassOutputs outputs, boolean force) {
    return new ScoreOptions(input, output, featuresColumn, timesteps, keep, predictionColumn, keyColumn, mode,
        batchSize, outputFiles, partitionBy, backend, outputTable, frameShape, batchBytes, kernel, outputs, force,
        source);
  }

  /** These options with the recurrent layers on {@code path}. */
  public ScoreOptions withKernel(KernelPath path) {
    return new ScoreOptions(input, output, featuresColumn, timesteps, keep, predictionColumn, keyColumn, mode,
        batchSize, outputFiles, partitionBy, backend, outputTable, frameShape, batchBytes, path, classOutputs,
        forceOutputs, source);
  }

  /** With no --frame-shape and the default --batch-bytes. */
  public ScoreOptions(String input, String output, String featuresColumn, int timesteps, List<String> keep,
      String predictionColumn, String keyColumn, WriteMode mode, int batchSize, int outputFiles, String partitionBy,
      Nd4jRuntime.Backend backend, String outputTable) {
    this(input, output, featuresColumn, timesteps, keep, predictionColumn, keyColumn, mode, batchSize, outputFiles,
        partitionBy, backend, outputTable, null, DEFAULT_BATCH_BYTES);
  }

  /**
   * A size as --batch-bytes takes it: bytes, or a number with k, m or g (KiB, MiB, GiB; case and a
   * trailing b ignored): "67108864", "64m", "1g", "512KB".
   *
   * @throws UsageException for anything else, or a size below 1 byte or beyond 2^62
   */
  public static long parseBytes(String option, String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    if (t.endsWith("b") && t.length() > 1 && !Character.isDigit(t.charAt(t.length() - 2))) {
      t = t.substring(0, t.length() - 1);
    }
    long unit = 1;
    if (!t.isEmpty() && "kmg".indexOf(t.charAt(t.length() - 1)) >= 0) {
      unit = 1L << (10 * ("kmg".indexOf(t.charAt(t.length() - 1)) + 1));
      t = t.substring(0, t.length() - 1);
    }
    if (!t.matches("[0-9]{1,12}")) {
      throw new UsageException(option + " must be a size such as 67108864, 64m or 1g, got '" + text + "'");
    }
    long value = Long.parseLong(t) * unit;
    if (value < 1) {
      throw new UsageException(option + " must be at least 1 byte, got '" + text + "'");
    }
    return value;
  }

  /**
   * H, W, C as --frame-shape takes it ("32,32,3").
   *
   * @throws UsageException for anything but three positive integers
   */
  public static Frame parseFrame(String option, String text) {
    String[] parts = text == null ? new String[0] : text.trim().split("\\s*[,x×]\\s*");
    if (parts.length == 3) {
      try {
        int h = Integer.parseInt(parts[0]);
        int w = Integer.parseInt(parts[1]);
        int c = Integer.parseInt(parts[2]);
        if (h > 0 && w > 0 && c > 0) {
          return new Frame(h, w, c);
        }
      } catch (NumberFormatException | org.rnnscore.model.ModelFormatException e) {
        // reported below
      }
    }
    throw new UsageException(option + " must be H,W,C (three positive integers, e.g. 32,32,3), got '" + text + "'");
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

  /**
   * --features-col INPUT=COL,... as a map from Input layer name to column, in the order given;
   * null when the option names one column (no '=').
   *
   * @throws UsageException for an empty name or column, or an input named twice
   */
  public static java.util.Map<String, String> inputColumns(String featuresColumn) {
    if (featuresColumn == null || !featuresColumn.contains("=")) {
      return null;
    }
    java.util.Map<String, String> columns = new java.util.LinkedHashMap<>();
    for (String part : featuresColumn.split(",", -1)) {
      int eq = part.indexOf('=');
      String input = eq < 0 ? "" : part.substring(0, eq).trim();
      String column = eq < 0 ? "" : part.substring(eq + 1).trim();
      if (input.isEmpty() || column.isEmpty()) {
        throw new UsageException("--features-col '" + featuresColumn + "': '" + part + "' is not INPUT=COL"
            + " (one INPUT=COL per Input layer, separated by commas)");
      }
      if (columns.put(input, column) != null) {
        throw new UsageException("--features-col '" + featuresColumn + "' names input '" + input + "' twice");
      }
    }
    return columns;
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
