package org.rnnscore.job;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.rnnscore.model.UsageException;

/**
 * The checks on every path a run names, made on the driver before any work (and before Spark
 * starts, given a plain Hadoop {@link Configuration}): no colon in a path, the input (a glob
 * included) matches something, no output equals, contains or lies inside the input, the other
 * output or the table's location, --metrics lies outside both outputs, an existing output is
 * refused in {@code error} mode, and every place the run will write (each output's directory,
 * where its staging goes too, and the metrics file's directory) accepts a new file.
 *
 * <p>Paths are compared resolved: qualified by their FileSystem (so {@code hdfs://nn:8020/x},
 * {@code hdfs://nn/x} and {@code /x} under that defaultFS are one path) and, on the local
 * filesystem, through the real path of the deepest existing ancestor (symlinks, {@code ..},
 * trailing slashes). A glob input stands for every path it matches and for the directory of
 * every file it matches (the dataset the glob picks files from).
 *
 * <p>--initial-state-from is only read, before the commit, so it may equal --output (the
 * nightly state loop) or be one of its partitions; it is checked for colons and matches only.
 */
public final class PathGuards {
  private PathGuards() {}

  /**
   * The path options of one run, as given.
   *
   * @param rejects null without --on-bad-row quarantine
   * @param initialStateFrom null when not given
   * @param tableLocation where --output-table's files live (null: no table, or not known)
   * @param metrics the --metrics file (local), or null
   * @param mode in {@code error} mode an existing output (or rejects) is refused; with
   *     --output-table the output is a staging path and its existence is not checked here
   * @param outputIsTableStaging true when {@code output} is the staging path of --output-table
   * @param inputTable --input-table (then {@code input} is null), or null
   * @param inputTableLocation where that table's files are (null: not known yet, or none)
   */
  public record Request(String input, String output, String rejects, String initialStateFrom, String tableLocation,
      java.nio.file.Path metrics, ScoreOptions.WriteMode mode, boolean outputIsTableStaging, String inputTable,
      String inputTableLocation) {
    public Request(String input, String output, String rejects, String initialStateFrom, String tableLocation,
        java.nio.file.Path metrics, ScoreOptions.WriteMode mode, boolean outputIsTableStaging) {
      this(input, output, rejects, initialStateFrom, tableLocation, metrics, mode, outputIsTableStaging, null, null);
    }

    /** With --input-table: no input path; the table's location, once the catalog has told it, is the input's. */
    Request withInputTable(String table, String location) {
      return new Request(table == null ? input : null, output, rejects, initialStateFrom, tableLocation, metrics,
          mode, outputIsTableStaging, table, location);
    }

    /**
     * The paths of a score run, as the CLI has them before Spark starts (the table's location
     * needs the catalog: the job checks it again with it).
     *
     * @param metrics the --metrics file, or null
     */
    public static Request forScore(ScoreOptions options, BadRowPolicy policy, StateOptions state,
        java.nio.file.Path metrics) {
      return of(options, policy, state, null).withMetrics(metrics);
    }

    /** The paths of a score run, without --metrics (which the job does not know). */
    static Request of(ScoreOptions options, BadRowPolicy policy, StateOptions state, String tableLocation) {
      boolean table = options.source().isTable();
      return new Request(table ? null : options.input(), options.output(), policy.quarantine() ? policy.rejects()
          : null, state.initialFrom(), tableLocation, null, options.mode(), options.outputTable() != null,
          options.source().table(), null);
    }

    Request withMetrics(java.nio.file.Path metricsFile) {
      return new Request(input, output, rejects, initialStateFrom, tableLocation, metricsFile, mode,
          outputIsTableStaging, inputTable, inputTableLocation);
    }
  }

  /**
   * The resolved paths (fully qualified), for whoever acts on them next.
   *
   * @param input every path the --input matched
   * @param rejects null when no rejects are written
   */
  public record Resolved(List<Path> input, Path output, Path rejects, Path tableLocation) {
    public Resolved {
      input = List.copyOf(input);
    }
  }

  /**
   * Runs every check.
   *
   * @throws UsageException (exit 2) naming the option(s), the value and, for two paths, both
   *     resolved paths
   */
  public static Resolved check(Configuration conf, Request request) {
    requireNoColon("--input", request.input());
    requireNoColon("--output", request.output());
    requireNoColon("--rejects", request.rejects());
    requireNoColon("--initial-state-from", request.initialStateFrom());

    List<Match> inputs = request.input() == null ? List.of() : matches("--input", request.input(), conf);
    if (request.initialStateFrom() != null) {
      matches("--initial-state-from", request.initialStateFrom(), conf);
    }
    Map<Path, String> inputLocations = new LinkedHashMap<>();
    List<Path> inputPaths = new ArrayList<>();
    for (Match match : inputs) {
      inputPaths.add(match.path());
      inputLocations.put(match.path(), "--input " + match.path());
      if (InputFiles.isGlob(request.input()) && !match.directory()) {
        Path parent = match.path().getParent();
        inputLocations.putIfAbsent(parent, "--input " + request.input() + " (files in " + parent + ")");
      }
    }
    if (request.inputTableLocation() != null) {
      Path location = resolve(request.inputTableLocation(), conf);
      inputLocations.put(location, "--input-table " + request.inputTable() + "'s location " + location);
    }
    Path output = request.output() == null ? null : resolve(request.output(), conf); // null: validate without it
    Path rejects = request.rejects() == null ? null : resolve(request.rejects(), conf);
    Path table = request.tableLocation() == null ? null : resolve(request.tableLocation(), conf);

    String outputName = request.outputIsTableStaging() ? "--output-table's staging path" : "--output";
    if (output != null) {
      requireApart(outputName, output, inputLocations, "replacing the output would delete the input: write it"
          + " outside the input");
    }
    if (rejects != null) {
      requireApart("--rejects", rejects, inputLocations, "replacing the rejects would delete the input: write them"
          + " outside the input");
      if (output != null) {
        requireApart("--rejects", rejects, Map.of(output, outputName + " " + output),
            "committing one would delete the other: give them separate locations");
      }
    }
    if (table != null && output != null) {
      requireApart(outputName, output, Map.of(table, "--output-table's location " + table),
          "give the staging output another location");
      if (rejects != null) {
        requireApart("--rejects", rejects, Map.of(table, "--output-table's location " + table),
            "give the rejects another location");
      }
    }
    if (request.metrics() != null) {
      Path metrics = localPath(request.metrics().toString());
      List<Path> written = new ArrayList<>();
      if (output != null) {
        written.add(output);
      }
      if (rejects != null) {
        written.add(rejects);
      }
      for (Path target : written) {
        if (metrics.equals(target) || isInside(metrics, target)) {
          throw new UsageException("--metrics " + metrics + " lies inside " + (target == rejects ? "--rejects"
              : outputName) + " " + target + ", which the commit replaces: write the metrics elsewhere");
        }
      }
    }

    if (request.mode() == ScoreOptions.WriteMode.ERROR) {
      if (output != null && !request.outputIsTableStaging()) {
        requireAbsent("--output", request.output(), output, conf);
      }
      if (rejects != null) {
        requireAbsent("--rejects", request.rejects(), rejects, conf);
      }
    }
    if (output != null) {
      probeWritable(outputName, output, conf);
    }
    if (rejects != null) {
      probeWritable("--rejects", rejects, conf);
    }
    if (request.metrics() != null) {
      probeMetrics(request.metrics());
    }
    return new Resolved(inputPaths, output, rejects, table);
  }

  /**
   * What {@link #open} and the run would refuse, checked without taking anything (validate): a
   * target another run is writing, an existing target in error mode, a partitioned overwrite onto
   * another layout. Null locations are skipped.
   */
  public static void checkOutputsFree(Configuration conf, String output, String rejects, ScoreOptions.WriteMode mode,
      String partitionBy) {
    String[][] targets = {{"--output", output}, {"--rejects", rejects}};
    for (String[] target : targets) {
      if (target[1] == null) {
        continue;
      }
      Path path = new Path(target[1]);
      try {
        FileSystem fs = path.getFileSystem(conf);
        OutputLock.requireFree(fs, fs.makeQualified(path), target[0]);
      } catch (IOException e) {
        throw new UsageException(target[0] + " " + target[1] + " cannot be checked: " + e.getMessage(), e);
      }
      OutputPaths.checkWritable(target[0], target[1], mode, conf);
    }
    if (output != null && partitionBy != null && mode == ScoreOptions.WriteMode.OVERWRITE) {
      OutputLayout.checkPartitionedOverwrite(output, partitionBy, conf);
    }
  }

  /**
   * A colon in a path is refused: HDFS forbids it, and Hadoop reads {@code a:b} as a URI scheme
   * (the natural nightly name {@code out_2026-11-23T00:00:00} failed after the whole pass).
   */
  public static void requireNoColon(String option, String value) {
    if (value == null) {
      return;
    }
    String path = value;
    java.util.regex.Matcher scheme = java.util.regex.Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:(//[^/]*)?(?=/)")
        .matcher(value);
    if (scheme.find()) {
      path = value.substring(scheme.end()); // hdfs://nn:8020/x: the port's colon is not in the path
    }
    if (path.indexOf(':') >= 0) {
      throw new UsageException(option + " " + value + ": a path must not contain ':' (HDFS forbids it and Hadoop"
          + " reads it as a URI scheme); use e.g. " + value.substring(0, value.length() - path.length())
          + path.replace(":", ""));
    }
  }

  /**
   * The --metrics file's directory accepts a new file: probed by creating and deleting one, so
   * that a run never learns only after its commit that the report cannot be written.
   */
  public static void probeMetrics(java.nio.file.Path metrics) {
    java.nio.file.Path file = metrics.toAbsolutePath();
    if (Files.isDirectory(file)) {
      throw new UsageException("--metrics " + metrics + " is a directory, expected a file to write");
    }
    java.nio.file.Path parent = file.getParent();
    java.nio.file.Path existing = parent;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing != null && !Files.isDirectory(existing)) {
      throw new UsageException("--metrics " + metrics + " cannot be written: " + existing
          + " is a file, not a directory");
    }
    try {
      Files.createDirectories(parent);
      Files.delete(Files.createTempFile(parent, "." + file.getFileName() + ".rnnscore-probe-", ""));
    } catch (IOException | RuntimeException e) {
      throw new UsageException("--metrics " + metrics + " cannot be written: " + e, e);
    }
  }


  /** A path an input names (resolved), and whether it is a directory (from the listing: no second call). */
  record Match(Path path, boolean directory) {}

  /**
   * What a location names: the paths a glob matches (exit 2 when none), or the path itself
   * (exit 2 when it does not exist), resolved.
   */
  static List<Match> matches(String option, String location, Configuration conf) {
    Path path = new Path(location);
    try {
      FileSystem fs = path.getFileSystem(conf);
      if (!InputFiles.isGlob(location)) {
        FileStatus status;
        try {
          status = fs.getFileStatus(path);
        } catch (java.io.FileNotFoundException e) {
          throw new UsageException(option + " " + location + " does not exist");
        }
        return List.of(new Match(resolve(location, conf), status.isDirectory()));
      }
      FileStatus[] found = fs.globStatus(path, InputFiles::isVisible);
      if (found == null || found.length == 0) {
        throw new UsageException(option + " " + location + " matches no files");
      }
      List<Match> resolved = new ArrayList<>();
      for (FileStatus status : found) {
        resolved.add(new Match(resolve(status.getPath().toString(), conf), status.isDirectory()));
      }
      return resolved;
    } catch (IOException e) {
      throw new UsageException(option + " " + location + " cannot be read: " + e.getMessage(), e);
    }
  }

  /** The path qualified by its FileSystem, with the default port filled in; local paths as their real path. */
  static Path resolve(String location, Configuration conf) {
    Path path = new Path(location);
    try {
      FileSystem fs = path.getFileSystem(conf);
      Path qualified = fs.makeQualified(path);
      if ("file".equals(qualified.toUri().getScheme())) {
        return localPath(location.startsWith("file:") ? qualified.toUri().getPath() : location);
      }
      URI canonical = canonicalUri(fs);
      return new Path(new URI(canonical.getScheme(), canonical.getAuthority(), qualified.toUri().getPath(), null,
          null));
    } catch (IOException | URISyntaxException e) {
      throw new UsageException(location + " cannot be resolved: " + e.getMessage(), e);
    }
  }

  /**
   * A local path through the real path of its deepest existing ancestor: the lexical {@code ..}
   * of {@code link/../x} would be wrong where {@code link} is a symlink.
   */
  static Path localPath(String location) {
    java.nio.file.Path given = Paths.get(location).toAbsolutePath();
    java.nio.file.Path existing = given;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    java.nio.file.Path real = given;
    if (existing != null) {
      try {
        real = existing.toRealPath().resolve(existing.relativize(given));
      } catch (IOException e) {
        real = given; // vanished meanwhile: compare as given
      }
    }
    return new Path("file", null, real.normalize().toString()); // no trailing slash for a directory
  }

  /**
   * The FileSystem's URI with its default port filled in (what {@code FileSystem.getCanonicalUri}
   * gives, which Hadoop keeps protected): {@code hdfs://nn} and {@code hdfs://nn:8020} are one.
   */
  private static URI canonicalUri(FileSystem fs) {
    try {
      Method method = FileSystem.class.getDeclaredMethod("getCanonicalUri");
      method.setAccessible(true);
      return (URI) method.invoke(fs);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return fs.getUri();
    }
  }

  /** Refuses {@code written} equal to, containing, or inside any of {@code others}. */
  private static void requireApart(String option, Path written, Map<Path, String> others, String consequence) {
    for (Map.Entry<Path, String> other : others.entrySet()) {
      String relation = written.equals(other.getKey()) ? "is the same location as"
          : isInside(other.getKey(), written) ? "contains"
          : isInside(written, other.getKey()) ? "lies inside" : null;
      if (relation != null) {
        throw new UsageException(option + " " + written + " " + relation + " " + other.getValue() + "; "
            + consequence);
      }
    }
  }

  /** True when {@code inner} lies strictly below {@code outer} (same filesystem). */
  static boolean isInside(Path inner, Path outer) {
    URI in = inner.toUri();
    URI out = outer.toUri();
    if (!java.util.Objects.equals(in.getScheme(), out.getScheme())
        || !java.util.Objects.equals(in.getAuthority(), out.getAuthority())) {
      return false;
    }
    String outPath = out.getPath().endsWith("/") ? out.getPath() : out.getPath() + "/";
    return in.getPath().startsWith(outPath) && in.getPath().length() > outPath.length();
  }

  private static void requireAbsent(String option, String given, Path resolved, Configuration conf) {
    try {
      if (resolved.getFileSystem(conf).exists(resolved)) {
        throw new UsageException(option + " " + given
            + " already exists; choose another path or pass --mode overwrite to replace it");
      }
    } catch (IOException e) {
      throw new UsageException(option + " " + given + " cannot be checked: " + e.getMessage(), e);
    }
  }

  /**
   * The target's directory (or, where it does not exist yet, its deepest existing ancestor, in
   * which the job creates it) accepts a new file: created and deleted, beside where the staging
   * directory will go. A regular file in the way, a read-only filesystem or missing permission
   * are found here, not after the scoring pass.
   */
  private static void probeWritable(String option, Path target, Configuration conf) {
    try {
      FileSystem fs = target.getFileSystem(conf);
      Path dir = target.getParent();
      while (dir != null && !fs.exists(dir)) {
        dir = dir.getParent();
      }
      if (dir == null) {
        throw new IOException("no existing ancestor");
      }
      if (!fs.getFileStatus(dir).isDirectory()) {
        throw new UsageException(option + " " + target + " cannot be written: " + dir + " is a file, not a directory");
      }
      Path probe = new Path(dir, "." + target.getName() + ".rnnscore-probe-" + Long.toString(System.nanoTime(), 36));
      fs.create(probe, false).close();
      fs.delete(probe, false);
    } catch (IOException e) {
      throw new UsageException(option + " " + target + " cannot be written: " + e.getClass().getSimpleName() + ": "
          + firstLine(e.getMessage()), e);
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "(no message)";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /**
   * --output-table needs a catalog that outlives the run: Spark's in-memory session catalog
   * (this build's default, with no metastore) forgets the table when the process exits, while
   * the files stay under the warehouse directory and make the next run fail.
   *
   * @param sparkConf the Spark configuration the run will use (spark-defaults and --conf)
   */
  public static void requirePersistentCatalog(String table, Map<String, String> sparkConf) {
    if (table == null) {
      return;
    }
    String[] parts = table.split("\\.");
    if (parts.length > 1 && sparkConf.containsKey("spark.sql.catalog." + parts[0])) {
      return; // a configured catalog (Iceberg, Delta, JDBC...) keeps its own tables
    }
    if (sparkConf.containsKey("spark.sql.catalog.spark_catalog")) {
      return; // the session catalog is replaced (Iceberg's SparkSessionCatalog, Delta's DeltaCatalog)
    }
    String implementation = sparkConf.getOrDefault("spark.sql.catalogImplementation", "in-memory");
    if ("in-memory".equals(implementation)) {
      throw new UsageException("--output-table " + table + ": the session catalog is in-memory"
          + " (spark.sql.catalogImplementation=in-memory, no metastore), so the table would vanish when this run"
          + " exits; use a metastore (--conf spark.sql.catalogImplementation=hive, with Hive's classes and"
          + " hive-site.xml), a configured catalog (--output-table CATALOG.db.table with spark.sql.catalog.CATALOG),"
          + " or write files with --output");
    }
  }

  /** The Spark configuration a run will start with: spark-defaults (as spark-submit passes them), then --conf. */
  public static Map<String, String> sparkConf(Map<String, String> commandLineConf) {
    Map<String, String> conf = new LinkedHashMap<>();
    for (scala.Tuple2<String, String> entry : new org.apache.spark.SparkConf(true).getAll()) {
      conf.put(entry._1(), entry._2());
    }
    conf.putAll(commandLineConf);
    return conf;
  }
}
