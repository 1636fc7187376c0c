package org.rnnscore.job;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.datasources.parquet.ParquetToSparkSchemaConverter;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.rnnscore.model.InputDataException;
import org.rnnscore.model.UsageException;

/**
 * Reads a Parquet input named by a path or a Hadoop glob, as one dataset:
 * <ul>
 *   <li>files whose schemas differ are merged (Spark's mergeSchema): a column some files lack
 *       is null for their rows; a column whose type differs between files is refused on the
 *       driver, naming both files (exit 4);
 *   <li>subdirectories named {@code col=value} are partitions (the column is kept); any other
 *       subdirectories are read recursively, files at every level; a tree with both kinds is
 *       refused, naming one directory of each;
 *   <li>a file that is not Parquet or cannot be decoded (bad magic, truncated footer, corrupt
 *       page) is exit 4 naming the file, whether Spark finds it on the driver or in a task.
 * </ul>
 * Names starting with {@code _} or {@code .} are skipped, as Spark skips them.
 */
final class InputFiles {
  /** Footers read on the driver to name the two files of a type clash; beyond, Spark's message. */
  static final int MAX_FOOTERS_SCANNED = 10_000;

  private InputFiles() {}

  static boolean isGlob(String location) {
    return location.matches(".*[*?\\[\\]{}].*");
  }

  /** Spark's rule for the names it skips (metadata, staging, markers). */
  static boolean isVisible(Path path) {
    String name = path.getName();
    return !(name.startsWith("_") && !name.contains("=")) && !name.startsWith(".") && !name.endsWith("._COPYING_");
  }

  /** What a walk of the input found. */
  private record Layout(List<Path> files, Path partitionDir, Path otherDir) {}

  /**
   * @param option the option that named the location, for messages ("--input", "--initial-state-from")
   */
  static Dataset<Row> read(SparkSession spark, String option, String location, Configuration conf) {
    List<PathGuards.Match> matches = PathGuards.matches(option, location, conf);
    Layout layout = walk(matches, conf);
    if (layout.partitionDir() != null && layout.otherDir() != null) {
      throw new InputDataException(location + ": mixes partition directories (" + layout.partitionDir()
          + ") with other subdirectories (" + layout.otherDir() + "); point " + option + " at one layout, or use a"
          + " glob that picks one");
    }
    if (layout.files().isEmpty()) {
      throw new InputDataException(location + ": holds no data files (names starting with _ or . are skipped)");
    }
    DataFrameReader reader = spark.read().option("mergeSchema", "true");
    if (layout.otherDir() != null) {
      reader = reader.option("recursiveFileLookup", "true");
    }
    Path base = partitionBase(matches);
    if (base != null) {
      reader = reader.option("basePath", base.toString()); // a glob over day=* keeps its day column
    }
    try {
      return reader.parquet(location);
    } catch (Exception e) { // AnalysisException and SparkException: checked to javac, undeclared by Scala
      InputDataException corrupt = corruptFile(e);
      if (corrupt != null) {
        throw corrupt;
      }
      if (hasCondition(e, "CANNOT_MERGE")) {
        InputDataException clash = typeClash(location, layout.files(), conf);
        if (clash != null) {
          throw clash;
        }
      }
      throw new InputDataException(location + ": not a readable Parquet dataset: " + firstLine(e.getMessage()), e);
    }
  }

  /** The one parent of matched partition directories ({@code in/day=*}), or null. */
  private static Path partitionBase(List<PathGuards.Match> matches) {
    Path parent = matches.get(0).path().getParent();
    for (PathGuards.Match match : matches) {
      if (!match.directory() || !match.path().getName().contains("=") || !match.path().getParent().equals(parent)) {
        return null;
      }
    }
    return parent;
  }

  /** Every visible file under the matches, and one partition-style and one other subdirectory, if any. */
  private static Layout walk(List<PathGuards.Match> matches, Configuration conf) {
    List<Path> files = new ArrayList<>();
    Path[] dirs = new Path[2]; // [partition-style, other]
    try {
      for (PathGuards.Match match : matches) {
        if (match.directory()) {
          walk(match.path().getFileSystem(conf), match.path(), files, dirs);
        } else {
          files.add(match.path());
        }
      }
    } catch (IOException e) {
      throw new UsageException(matches.get(0).path() + " cannot be listed: " + e.getMessage(), e);
    }
    return new Layout(files, dirs[0], dirs[1]);
  }

  private static void walk(FileSystem fs, Path dir, List<Path> files, Path[] dirs) throws IOException {
    for (FileStatus child : fs.listStatus(dir, InputFiles::isVisible)) {
      if (child.isDirectory()) {
        int kind = child.getPath().getName().contains("=") ? 0 : 1;
        if (dirs[kind] == null) {
          dirs[kind] = child.getPath();
        }
        walk(fs, child.getPath(), files, dirs);
      } else {
        files.add(child.getPath());
      }
    }
  }

  /**
   * After Spark could not merge the files' schemas: the first column whose type differs between
   * two files, read from their footers on the driver (at most {@link #MAX_FOOTERS_SCANNED}).
   */
  private static InputDataException typeClash(String location, List<Path> files, Configuration conf) {
    ParquetToSparkSchemaConverter converter = new ParquetToSparkSchemaConverter(SQLConf.get());
    Map<String, StructField> firstSeen = new LinkedHashMap<>();
    Map<String, Path> seenIn = new LinkedHashMap<>();
    for (Path file : files.subList(0, Math.min(files.size(), MAX_FOOTERS_SCANNED))) {
      StructType schema;
      try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
        schema = converter.convert(reader.getFileMetaData().getSchema());
      } catch (IOException | RuntimeException e) {
        return new InputDataException(file + ": not a readable Parquet file: " + firstLine(e.getMessage()), e);
      }
      for (StructField field : schema.fields()) {
        StructField earlier = firstSeen.putIfAbsent(field.name(), field);
        if (earlier != null && !mergeable(earlier.dataType(), field.dataType())) {
          return new InputDataException(location + ": column '" + field.name() + "' is "
              + earlier.dataType().simpleString() + " in " + seenIn.get(field.name()) + " but "
              + field.dataType().simpleString() + " in " + file + "; the files of one input must agree on each"
              + " column's type (rewrite one, or score them separately)");
        }
        seenIn.putIfAbsent(field.name(), file);
      }
    }
    return null;
  }

  private static boolean mergeable(DataType a, DataType b) {
    try {
      new StructType().add("c", a).merge(new StructType().add("c", b), true);
      return true;
    } catch (Exception e) { // SparkException: checked to javac, undeclared by Scala
      return false;
    }
  }

  private static final Pattern FILE_IN_MESSAGE = Pattern.compile("reading file (\\S+?)\\.?(\\s|$)");

  /**
   * What a run that ended in {@code e} throws: the input error naming the file when Spark could
   * not read or decode one, else {@code e} itself, a checked one (Spark's, undeclared by Scala)
   * wrapped so that it cannot escape the CLI's handler unclassified.
   */
  static RuntimeException unchecked(Exception e) {
    InputDataException corrupt = corruptFile(e);
    if (corrupt != null) {
      return corrupt;
    }
    return e instanceof RuntimeException ? (RuntimeException) e : new IllegalStateException(e.getMessage(), e);
  }

  /**
   * The input error a failure stands for when Spark could not read or decode a file (its
   * FAILED_READ_FILE condition, on the driver or from a task), naming the file; null for other
   * failures, for rnnscore's own errors, and for read errors of the transport kind (a retry can
   * fix those: exit 5).
   */
  static InputDataException corruptFile(Throwable failure) {
    for (Throwable current = failure; current != null; current = current.getCause() == current ? null
        : current.getCause()) {
      if (current instanceof org.rnnscore.model.RnnScoreException) {
        return null; // already rnnscore's own error (a bad row, a corrupt file found earlier): left as it is
      }
      if (!(current instanceof SparkThrowable spark) || spark.getCondition() == null
          || !spark.getCondition().startsWith("FAILED_READ_FILE")) {
        continue;
      }
      boolean footer = spark.getCondition().contains("FOOTER");
      if (!footer && !decodingFailure(current.getCause())) {
        return null;
      }
      String file = spark.getMessageParameters().get("path");
      if (file == null) {
        Matcher m = FILE_IN_MESSAGE.matcher(String.valueOf(current.getMessage()));
        file = m.find() ? m.group(1) : "(file not named by Spark)";
      }
      return new InputDataException(new Path(file) + ": not a readable Parquet file ("
          + (footer ? "its footer cannot be read: truncated, or not Parquet" : "its data cannot be decoded: corrupt")
          + "): " + firstLine(rootCause(current).getMessage()), failure);
    }
    return null;
  }

  /**
   * Whether a read failed on the bytes (Parquet or Thrift decoding, an unexpected end of file, a
   * bad magic number) rather than on the way to them (a timeout, a refused connection).
   */
  private static boolean decodingFailure(Throwable cause) {
    for (Throwable current = cause; current != null; current = current.getCause() == current ? null
        : current.getCause()) {
      String name = current.getClass().getName();
      if (name.contains("ParquetDecodingException") || name.endsWith("TProtocolException")
          || current instanceof java.io.EOFException
          || (current instanceof RuntimeException && !(current instanceof SparkThrowable))) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasCondition(Throwable failure, String prefix) {
    for (Throwable current = failure; current != null; current = current.getCause() == current ? null
        : current.getCause()) {
      if (current instanceof SparkThrowable spark && spark.getCondition() != null
          && spark.getCondition().startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private static Throwable rootCause(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }

  static String firstLine(String message) {
    if (message == null) {
      return "(no message)";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
