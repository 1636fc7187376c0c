package org.rnnscore.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.rnnscore.job.Benchmark;
import org.rnnscore.job.SparkSessions;
import org.rnnscore.kernel.KernelPath;
import org.rnnscore.kernel.Nd4jRuntime;
import org.rnnscore.model.UsageException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measures end-to-end and kernel throughput side by side in one run; prints a table and writes JSON.")
final class BenchCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--shapes", split = ",", paramLabel = "S", defaultValue = "S1,S2,S3",
      description = "Shapes to run: S1 (N 1M, T 20, D 8, M 32, K 3), S2 (1M, 10, 3, 5, 2), S3 (200k, 50, 64, 256, 10)."
          + " Default: ${DEFAULT-VALUE}.")
  List<String> shapes;

  @Option(names = "--cells", split = ",", paramLabel = "CELL", defaultValue = "simple_rnn,lstm,gru",
      description = "Recurrent cells to run on each shape, each → Dense: simple_rnn (tanh), lstm and gru (tanh,"
          + " recurrent sigmoid; gru reset_after), configured as ../shared/bench's peers. Default: ${DEFAULT-VALUE}.")
  List<String> cells;

  @Option(names = "--scale", paramLabel = "F", defaultValue = "1.0",
      description = "Multiply each shape's N by F (e.g. 0.1 for a quick run). Default: ${DEFAULT-VALUE}.")
  double scale;

  @Option(names = "--repeats", paramLabel = "R", defaultValue = "3",
      description = "End-to-end runs per job after the first (cold) one; medians of these. Default: ${DEFAULT-VALUE}.")
  int repeats;

  @Option(names = "--work-dir", paramLabel = "DIR", defaultValue = "rnnscore-bench",
      description = "Where the generated inputs and outputs go (inputs are kept and reused). Default: ${DEFAULT-VALUE}.")
  Path workDir;

  @Option(names = "--json", paramLabel = "FILE", defaultValue = "rnnscore-bench.json",
      description = "Where the results are written as JSON. Default: ${DEFAULT-VALUE}.")
  Path json;

  @Option(names = "--batch-size", paramLabel = "B", defaultValue = "1024", description = "Default: ${DEFAULT-VALUE}.")
  int batchSize;

  @Option(names = "--no-end-to-end", description = "Skip the Spark measurements.")
  boolean noEndToEnd;

  @Option(names = "--no-kernel", description = "Skip the in-memory kernel measurements.")
  boolean noKernel;

  @Option(names = "--kernel", paramLabel = "auto|fused|blas", defaultValue = "auto",
      description = "Recurrent layers' implementation, as score --kernel takes it. Default: ${DEFAULT-VALUE}.")
  String kernel;

  @Option(names = "--kernel-grid",
      description = "Only measure the fused and the BLAS path side by side over a grid of D and M (T 20, one"
          + " thread): the measurements behind --kernel auto's rule. No Spark.")
  boolean kernelGrid;

  @Option(names = "--grid-features", split = ",", paramLabel = "D",
      description = "With --kernel-grid: the input widths D (default 3,8,64,256).")
  int[] gridFeatures = Benchmark.GRID_FEATURES;

  @Option(names = "--grid-units", split = ",", paramLabel = "M",
      description = "With --kernel-grid: the widths M (default 4,8,16,32,48,64,96,128,192,256).")
  int[] gridUnits = Benchmark.GRID_UNITS;

  @Option(names = "--models", paramLabel = "N", defaultValue = "1",
      description = "Time N SimpleRNN models scored in one pass (score --named-model) against one, end to end"
          + " (shape S1 unless --shapes is given). Default: ${DEFAULT-VALUE} (the usual benchmark).")
  int models;

  @Mixin
  SparkOptions sparkOptions;

  @Override
  public Integer call() throws Exception {
    if (repeats < 3) {
      throw new UsageException("--repeats must be at least 3 (medians of 3 or more), got " + repeats);
    }
    if (!(scale > 0)) {
      throw new UsageException("--scale must be positive, got " + scale);
    }
    for (String shape : shapes) {
      if (Benchmark.SHAPES.stream().noneMatch(s -> s.name().equals(shape))) {
        throw new UsageException("--shapes names '" + shape + "'; known: S1, S2, S3");
      }
    }
    for (String cell : cells) {
      if (!Benchmark.CELLS.contains(cell)) {
        throw new UsageException("--cells names '" + cell + "'; known: " + String.join(", ", Benchmark.CELLS));
      }
    }
    KernelPath path = KernelPath.parse(kernel, "--kernel");
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (kernelGrid) {
      List<Map<String, Object>> grid = Benchmark.kernelGrid(cells, gridFeatures, gridUnits, 20, batchSize, 1.0, 0.2, out);
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("date", Instant.now().toString());
      report.put("backend", Nd4jRuntime.backendDescription());
      report.put("batch_size", batchSize);
      report.put("grid", grid);
      writeJson(report);
      out.printf(Locale.ROOT, "JSON: %s%n", json);
      out.flush();
      return ExitCode.OK.code();
    }
    if (models < 1) {
      throw new UsageException("--models must be at least 1, got " + models);
    }
    if (models > 1) {
      List<String> chosen = spec.commandLine().getParseResult().hasMatchedOption("--shapes") ? shapes : List.of("S1");
      SparkSession spark = SparkSessions.start("rnnscore bench", sparkOptions.master, sparkOptions.conf);
      try {
        Benchmark.Options options = new Benchmark.Options(chosen, List.of(Benchmark.SIMPLE_RNN), scale, repeats,
            workDir, true, false, batchSize, 2.0, 0.5, path);
        List<Map<String, Object>> results = Benchmark.severalModels(spark, options, models, err);
        writeJson(report(spark, "models", results));
        out.printf(Locale.ROOT, "%-5s %9s %7s %12s %13s %10s%n", "shape", "N", "models", "1 model s", "models s",
            "models/1");
        for (Map<String, Object> r : results) {
          out.printf(Locale.ROOT, "%-5s %9d %7d %12.2f %13.2f %10.2f%n", r.get("shape"),
              ((Number) r.get("rows")).longValue(), models, (Double) r.get("one_model_wall_s"),
              (Double) r.get("models_wall_s"), (Double) r.get("models_vs_one"));
        }
        out.printf(Locale.ROOT, "medians of %d warm rounds after a cold one, alternating; %d cores, %s; JSON: %s%n",
            repeats, Runtime.getRuntime().availableProcessors(), spark.sparkContext().master(), json);
        out.flush();
        return ExitCode.OK.code();
      } finally {
        spark.stop();
      }
    }
    SparkSession spark = SparkSessions.start("rnnscore bench", sparkOptions.master, sparkOptions.conf);
    try {
      Benchmark.Options options = new Benchmark.Options(shapes, cells, scale, repeats, workDir, !noEndToEnd,
          !noKernel, batchSize, 2.0, 0.5, path);
      List<Map<String, Object>> results = Benchmark.run(spark, options, err);
      Map<String, Object> report = report(spark, "shapes", results);
      writeJson(report);
      out.print(table(results));
      out.printf(Locale.ROOT, "%d cores, %s, %s; JSON: %s%n", Runtime.getRuntime().availableProcessors(),
          spark.sparkContext().master(), report.get("backend"), json);
      out.flush();
      return ExitCode.OK.code();
    } finally {
      spark.stop();
    }
  }

  /** The JSON report: when, where, and the results under {@code key}. */
  private Map<String, Object> report(SparkSession spark, String key, List<Map<String, Object>> results) {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("date", Instant.now().toString());
    report.put("cores", Runtime.getRuntime().availableProcessors());
    report.put("master", spark.sparkContext().master());
    report.put("backend", Nd4jRuntime.backendDescription());
    report.put("batch_size", batchSize);
    report.put(key, results);
    return report;
  }

  private void writeJson(Map<String, Object> report) throws java.io.IOException {
    if (json.getParent() != null) {
      Files.createDirectories(json.getParent());
    }
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), report);
  }

  static String table(List<Map<String, Object>> results) {
    StringBuilder text = new StringBuilder();
    text.append(String.format(Locale.ROOT, "%-5s %-10s %9s %11s %11s %7s %11s %11s %8s %7s %9s %11s %8s %8s%n",
        "shape", "cell", "N", "e2e rows/s", "floor r/s", "e2e/fl", "e2e first", "kern rows/s", "GFLOP/s", "sgemm", "kern/sg",
        "loop rows/s", "kern/lp", "RSS MiB"));
    for (Map<String, Object> r : results) {
      text.append(String.format(Locale.ROOT, "%-5s %-10s %9d %11s %11s %7s %11s %11s %8s %7s %9s %11s %8s %8s%n",
          r.get("shape"), r.getOrDefault("cell", Benchmark.SIMPLE_RNN), ((Number) r.get("rows")).longValue(), num(r, "e2e_rows_per_s", "%.0f"),
          num(r, "io_floor_rows_per_s", "%.0f"), num(r, "e2e_vs_floor", "%.2f"), num(r, "e2e_first_rows_per_s", "%.0f"),
          num(r, "kernel_rows_per_s", "%.0f"), num(r, "kernel_gflops", "%.1f"), num(r, "sgemm_gflops", "%.1f"),
          num(r, "kernel_vs_sgemm", "%.2f"), num(r, "per_sample_loop_rows_per_s", "%.0f"),
          num(r, "kernel_vs_loop", "%.1f"), num(r, "peak_rss_mib_so_far", "%.0f")));
    }
    return text.toString();
  }

  private static String num(Map<String, Object> r, String key, String format) {
    Object value = r.get(key);
    return value == null ? "-" : String.format(Locale.ROOT, format, ((Number) value).doubleValue());
  }
}
