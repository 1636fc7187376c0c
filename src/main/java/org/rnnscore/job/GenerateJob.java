package org.rnnscore.job;

import org.apache.hadoop.conf.Configuration;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.rnnscore.model.UsageException;

/**
 * Synthetic input: {@code id: long} 0…N−1 and {@code features: array<array<float>>} of
 * standard-normal values. Row i's values depend only on (seed, i), so a seed gives the same data
 * whatever the number of cores or partitions.
 */
public final class GenerateJob {
  /** Rows per partition when the caller does not choose: ~100 MiB of Parquet at T=20, D=8. */
  static final long ROWS_PER_PARTITION = 131_072;

  private GenerateJob() {}

  /**
   * @param minTimesteps with a value below {@code timesteps}, each row's length is drawn uniformly
   *     from [minTimesteps, timesteps] (ragged data); 0 means every row has {@code timesteps}
   */
  public record Options(String output, long rows, int timesteps, int minTimesteps, int features, long seed,
      int partitions, ScoreOptions.WriteMode mode) {
    public Options {
      if (output == null || output.isBlank()) {
        throw new UsageException("--output must not be empty");
      }
      if (rows < 0) {
        throw new UsageException("--rows must be at least 0, got " + rows);
      }
      if (timesteps < 1) {
        throw new UsageException("--timesteps must be at least 1, got " + timesteps);
      }
      if (minTimesteps < 0 || minTimesteps > timesteps) {
        throw new UsageException("--min-timesteps must be between 1 and --timesteps " + timesteps + ", got "
            + minTimesteps);
      }
      if (features < 1) {
        throw new UsageException("--features must be at least 1, got " + features);
      }
      if ((long) timesteps * features > 1 << 24) {
        throw new UsageException("--timesteps × --features = " + (long) timesteps * features
            + " values a row, more than the " + (1 << 24) + " a generated row may hold");
      }
      if (partitions < 0) {
        throw new UsageException("--partitions must be at least 1, got " + partitions);
      }
    }
  }

  public static StructType schema() {
    return new StructType(new StructField[] {
        new StructField("id", DataTypes.LongType, false, Metadata.empty()),
        new StructField("features",
            DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false), false,
            Metadata.empty())
    });
  }

  public static long run(SparkSession spark, Options options) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    try (OutputCommit commit = OutputCommit.open(conf,
        java.util.List.of(new OutputCommit.Target("--output", options.output(), false)))) {
      OutputPaths.checkWritable("--output", options.output(), options.mode(), conf); // after recovery, under the lock
      int partitions = options.partitions() > 0
          ? options.partitions()
          : (int) Math.max(1, Math.min(100_000,
              Math.max(spark.sparkContext().defaultParallelism(),
                  (options.rows() + ROWS_PER_PARTITION - 1) / ROWS_PER_PARTITION)));
      Dataset<Long> ids = spark.range(0, options.rows(), 1, partitions);
      @SuppressWarnings({"unchecked", "rawtypes"})
      JavaRDD<InternalRow> idRows = SparkInternals.toInternalRows((Dataset) ids);
      JavaRDD<InternalRow> rows = idRows.mapPartitions(
          new RowGenerator(options.seed(), options.timesteps(), options.minTimesteps(), options.features()));
      Dataset<Row> frame = SparkInternals.toDataFrame(spark, rows, schema());
      frame.write().mode(SaveMode.ErrorIfExists).parquet(commit.stagingPath("--output"));
      commit.commit();
    }
    return options.rows();
  }

  /** Row i from its own random stream: a pure function of (seed, i). */
  static float[][] sequence(long seed, long id, int timesteps, int features) {
    return sequence(seed, id, timesteps, 0, features);
  }

  /** Row i, of a length drawn from [minTimesteps, timesteps] when minTimesteps is set. */
  static float[][] sequence(long seed, long id, int timesteps, int minTimesteps, int features) {
    SplittableRandom random = new SplittableRandom(mix(seed) ^ mix(id + 0x632BE59BD9B4E019L));
    int length = minTimesteps > 0 && minTimesteps < timesteps ? random.nextInt(minTimesteps, timesteps + 1) : timesteps;
    float[][] steps = new float[length][features];
    for (int t = 0; t < length; t++) {
      for (int d = 0; d < features; d++) {
        steps[t][d] = (float) random.nextGaussian();
      }
    }
    return steps;
  }

  /** Stafford's Mix13 (as SplittableRandom uses): neighbouring ids give unrelated seeds. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static final class RowGenerator implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
    private static final long serialVersionUID = 1L;
    private final long seed;
    private final int timesteps;
    private final int minTimesteps;
    private final int features;

    RowGenerator(long seed, int timesteps, int minTimesteps, int features) {
      this.seed = seed;
      this.timesteps = timesteps;
      this.minTimesteps = minTimesteps;
      this.features = features;
    }

    @Override
    public Iterator<InternalRow> call(Iterator<InternalRow> ids) {
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          return ids.hasNext();
        }

        @Override
        public InternalRow next() {
          long id = ids.next().getLong(0);
          float[][] steps = sequence(seed, id, timesteps, minTimesteps, features);
          List<Object> arrays = new ArrayList<>(steps.length);
          for (float[] step : steps) {
            arrays.add(UnsafeArrayData.fromPrimitiveArray(step));
          }
          return new GenericInternalRow(new Object[] {id, new GenericArrayData(arrays.toArray())});
        }
      };
    }
  }
}
