package org.rnnscore.job;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.rnnscore.model.UsageException;

/**
 * Where a run's rows come from beside {@code --input PATH}: a catalog table ({@code --input-table
 * db.t}) and a row filter ({@code --where SQL}, on either), pushed to the scan by Spark's
 * optimizer so that Parquet skips the row groups and files it rules out.
 *
 * @param table the catalog table, or null for --input PATH
 * @param where a Spark SQL predicate over the input's columns, or null for every row
 */
public record InputSource(String table, String where) implements Serializable {
  /** --input PATH, every row. */
  public static final InputSource PATH = new InputSource(null, null);

  public InputSource {
    if (table != null && table.isBlank()) {
      throw new UsageException("--input-table needs a table name (db.table), got '" + table + "'");
    }
    if (where != null && where.isBlank()) {
      throw new UsageException("--where needs a predicate, e.g. --where \"day = '2026-12-01'\"; got an empty one");
    }
  }

  /** What messages call a table input. */
  public static String label(String table) {
    return "table " + table;
  }

  public boolean isTable() {
    return table != null;
  }

  /**
   * The input's rows: the files at {@code location} or the table's, each row with its file and
   * index where the scan is file-based (the bad-row messages name them), filtered by --where.
   *
   * @param attachSource false for --group-by, which builds its rows from many
   * @throws UsageException for a table the catalog does not have, or a predicate that does not parse or resolve
   */
  static Dataset<Row> read(SparkSession spark, InputSource source, String location, Configuration conf,
      boolean attachSource) {
    Dataset<Row> data = source == null || !source.isTable() ? InputFiles.read(spark, "--input", location, conf)
        : table(spark, source.table());
    if (source != null && source.where() != null) {
      String input = source.isTable() ? label(source.table()) : "--input " + location;
      try {
        data = data.where(source.where());
      } catch (Exception e) { // ParseException and AnalysisException: checked to javac, undeclared by Scala
        if (!(e instanceof org.apache.spark.sql.AnalysisException)) {
          throw InputFiles.unchecked(e);
        }
        throw new UsageException("--where \"" + source.where() + "\" is not a predicate over " + input + "'s columns "
            + visibleColumns(data) + ": " + InputFiles.firstLine(e.getMessage()));
      }
    }
    if (attachSource) {
      try {
        data = SourceColumns.attach(data);
      } catch (Exception e) { // AnalysisException, checked to javac: a table whose scan has no _metadata (a view, JDBC)
        if (!(e instanceof org.apache.spark.sql.AnalysisException)) {
          throw InputFiles.unchecked(e);
        }
      }
    }
    return data;
  }

  private static List<String> visibleColumns(Dataset<Row> data) {
    return Arrays.stream(data.columns()).filter(c -> !c.startsWith(SourceColumns.INTERNAL_PREFIX)).toList();
  }

  private static Dataset<Row> table(SparkSession spark, String table) {
    try {
      return spark.table(table);
    } catch (Exception e) { // AnalysisException (TABLE_OR_VIEW_NOT_FOUND), ParseException for a malformed name
      if (!(e instanceof org.apache.spark.sql.AnalysisException)) {
        throw InputFiles.unchecked(e);
      }
      String catalog = spark.conf().get("spark.sql.catalogImplementation", "in-memory");
      throw new UsageException("--input-table " + table + ": " + InputFiles.firstLine(e.getMessage())
          + ("in-memory".equals(catalog) ? "; the session catalog is in-memory (no metastore), so it holds only the"
              + " tables this run made: use a metastore (--conf spark.sql.catalogImplementation=hive) or a configured"
              + " catalog (CATALOG.db.table with spark.sql.catalog.CATALOG), or read the files with --input" : ""));
    }
  }

  /** Where a table's files are, from the catalog; null when it has no location (a view, JDBC) or none is told. */
  static String location(SparkSession spark, String table) {
    try {
      for (Row row : spark.sql("DESCRIBE TABLE EXTENDED " + table).collectAsList()) {
        if ("Location".equals(row.getString(0))) {
          return row.getString(1);
        }
      }
    } catch (RuntimeException e) {
      return null; // not every catalog describes a location; the guard then has nothing to compare
    }
    return null;
  }
}
