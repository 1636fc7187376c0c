package org.rnnscore.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.rnnscore.job.ModelLoader;
import org.rnnscore.job.Redaction;
import org.rnnscore.job.ScoreJob;
import org.rnnscore.kernel.Nd4jRuntime;
import org.rnnscore.model.UsageException;

/** {@code --metrics PATH}: what a run did, as JSON, written also when it failed. Keys in the README. */
final class MetricsReport {
  private MetricsReport() {}

  static Map<String, Object> of(String status, Throwable failure, ScoreJob.Result result, ModelLoader.Loaded model,
      SparkSession spark, long wallMillis) {
    return of(status, failure, result, model, spark, wallMillis, Redaction.NONE);
  }

  /** @param redaction hides secret --conf values in the error and its detail */
  static Map<String, Object> of(String status, Throwable failure, ScoreJob.Result result, ModelLoader.Loaded model,
      SparkSession spark, long wallMillis, Redaction redaction) {
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("status", status);
    if (failure != null) {
      Failures.Outcome outcome = Failures.classify(failure);
      report.put("error", redaction.redact(outcome.message()));
      report.put("exit_code", outcome.code().code());
      report.put("error_detail", redaction.redact(Failures.stackTrace(failure)));
    }
    report.put("rows_in", result == null ? null : result.rowsIn());
    report.put("rows_scored", result == null ? null : result.rowsScored());
    report.put("rows_rejected", result == null ? null : result.rowsRejected());
    report.put("rejects_by_reason", result == null ? Map.of() : result.rejectsByCode());
    report.put("batches", result == null ? null : result.batches());
    report.put("wall_seconds", wallMillis / 1000.0);
    report.put("rows_per_second", result == null || wallMillis == 0 ? null : result.rowsScored() * 1000.0 / wallMillis);
    // Not loaded just for the report where loading would try CUDA on a host without a GPU.
    report.put("backend", org.rnnscore.job.GpuDevices.cudaWouldFailHere()
        ? "not loaded (CUDA asked for, no NVIDIA GPU device here)" : Nd4jRuntime.backendDescription());
    report.put("backends", result == null ? List.of() : result.backends());
    // Per recurrent layer: the implementation it ran on (fused or blas) and why, as the executors chose.
    report.put("kernel_paths", result == null ? List.of() : result.kernelPaths());
    // With --initial-state-from: how the states were joined (broadcast or sort-merge) and why.
    report.put("state_join", result == null ? null : result.stateJoin());
    if (model != null) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("file", model.file());
      m.put("format", model.format());
      m.put("sha256", model.sha256());
      m.put("layers", model.model().layers().stream().map(l -> l.name() + " (" + l.kerasClass() + ")")
          .collect(Collectors.toList()));
      m.put("params", model.model().paramCount());
      m.put("stateful_layers", model.model().statefulLayers()); // each scored from the zero state per row
      report.put("model", m);
    }
    if (spark != null) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("master", spark.sparkContext().master());
      s.put("executors", spark.sparkContext().getExecutorMemoryStatus().size());
      s.put("partitions", result == null ? null : result.partitions());
      s.put("ui", spark.sparkContext().uiWebUrl().isDefined() ? spark.sparkContext().uiWebUrl().get() : null);
      report.put("spark", s);
    }
    return report;
  }

  static void write(Path path, Map<String, Object> report) {
    try {
      if (path.toAbsolutePath().getParent() != null) {
        Files.createDirectories(path.toAbsolutePath().getParent());
      }
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(path.toFile(), report);
    } catch (IOException e) {
      throw new UsageException("--metrics " + path + " cannot be written: " + e.getMessage(), e);
    }
  }

  static List<String> keys() {
    return List.of("status", "error", "exit_code", "error_detail", "rows_in", "rows_scored", "rows_rejected", "rejects_by_reason",
        "batches", "wall_seconds", "rows_per_second", "backend", "model", "spark");
  }
}
