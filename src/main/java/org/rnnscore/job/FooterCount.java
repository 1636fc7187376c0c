package org.rnnscore.job;

import java.io.IOException;
import java.util.OptionalLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.InMemoryFileIndex;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat;
import org.apache.spark.sql.internal.SQLConf;

/**
 * A dataset's row count read from its Parquet footers on the driver, where the dataset is plainly
 * the rows of some Parquet files (projections of one file scan, no filter) and they are few:
 * each row group's footer records its rows, which is what a scan of the file returns. Spark's
 * count of the same files is a job of two stages, and in a short run the first aggregation of
 * the JVM, compiled on the spot: 0.8-1.0 s of the README's night 2 for the input, and the same
 * again for the staged output when the input's count no longer paid for the compilation.
 *
 * <p>Anything else, or any doubt, is left to Spark's count ({@link #count}): a filter, a join, a
 * table's catalog index, more files than Spark itself would list on the driver
 * ({@code spark.sql.sources.parallelPartitionDiscovery.threshold}), a session that skips corrupt
 * or missing files, and a footer that cannot be read (Spark's count then reports the file as it
 * always has).
 */
final class FooterCount {
  private FooterCount() {}

  /** The dataset's rows: from the footers where {@link #fromFooters} can, else Spark's count. */
  static long count(Dataset<Row> data) {
    OptionalLong footers = fromFooters(data);
    return footers.isPresent() ? footers.getAsLong() : data.count();
  }

  /** The rows recorded in the footers of the dataset's files, or empty where that is not its count. */
  static OptionalLong fromFooters(Dataset<Row> data) {
    if (!Boolean.parseBoolean(System.getProperty("rnnscore.footerCount", "true"))) {
      return OptionalLong.empty(); // for measuring one path against the other
    }
    org.apache.spark.sql.classic.Dataset<Row> classic = (org.apache.spark.sql.classic.Dataset<Row>) data;
    SQLConf conf = classic.sparkSession().sessionState().conf();
    if (conf.ignoreCorruptFiles() || conf.ignoreMissingFiles()) {
      return OptionalLong.empty(); // Spark's count would skip what a footer read fails on
    }
    LogicalPlan plan = classic.queryExecution().optimizedPlan();
    while (plan instanceof Project) {
      plan = ((Project) plan).child();
    }
    if (!(plan instanceof LogicalRelation) || !(((LogicalRelation) plan).relation() instanceof HadoopFsRelation)) {
      return OptionalLong.empty();
    }
    HadoopFsRelation relation = (HadoopFsRelation) ((LogicalRelation) plan).relation();
    if (!(relation.fileFormat() instanceof ParquetFileFormat) || !(relation.location() instanceof InMemoryFileIndex)) {
      return OptionalLong.empty();
    }
    String[] files = relation.location().inputFiles();
    if (files.length > conf.parallelPartitionDiscoveryThreshold()) {
      return OptionalLong.empty(); // as many footers as Spark would read in a job rather than on the driver
    }
    Configuration hadoopConf = classic.sparkSession().sessionState().newHadoopConf();
    long rows = 0;
    for (String file : files) {
      try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(new Path(file), hadoopConf))) {
        for (BlockMetaData block : reader.getFooter().getBlocks()) {
          rows += block.getRowCount();
        }
      } catch (IOException | RuntimeException e) {
        return OptionalLong.empty(); // Spark's count reads it, and says what is wrong with it as it always has
      }
    }
    return OptionalLong.of(rows);
  }
}
