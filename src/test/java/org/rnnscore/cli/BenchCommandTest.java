package org.rnnscore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench --cells: the option's values, its usage errors, and the cells in the JSON and the table. */
class BenchCommandTest {
  @TempDir
  Path dir;

  @Test
  void unknownCell_usageExitCode2NamingTheValueAndTheKnownOnes() {
    CliRun run = CliRun.of("bench", "--cells", "simple_rnn,conv", "--json", dir.resolve("b.json").toString());
    assertEquals(2, run.code(), run.err());
    assertEquals("rnnscore: --cells names 'conv'; known: simple_rnn, lstm, gru\n", run.err());
    assertEquals("", run.out());
    assertFalse(dir.resolve("b.json").toFile().exists());
  }

  @Test
  void cellNamesAreKerasLowerCase_LSTMIsAUsageError() {
    CliRun run = CliRun.of("bench", "--cells", "LSTM");
    assertEquals(2, run.code(), run.err());
    assertEquals("rnnscore: --cells names 'LSTM'; known: simple_rnn, lstm, gru\n", run.err());
  }

  @Test
  void models3_tinyScale_reportsTheWallTimeAgainstOneModel() throws Exception {
    Path json = dir.resolve("models.json");
    CliRun run = CliRun.of("bench", "--models", "3", "--scale", "0.0005", "--work-dir", dir.resolve("w").toString(),
        "--json", json.toString(), "--master", "local[1]");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().startsWith("shape         N  models    1 model s      models s   models/1\nS1          500       3"),
        run.out());
    com.fasterxml.jackson.databind.JsonNode entry = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(json.toFile()).get("models").get(0);
    assertEquals(4, entry.get("models_runs_s").size(), "a cold round and three warm ones");
    double ratio = entry.get("models_vs_one").asDouble();
    assertEquals(entry.get("models_wall_s").asDouble() / entry.get("one_model_wall_s").asDouble(), ratio, 1e-9);
    assertEquals(2, CliRun.of("bench", "--models", "0").code());
  }

  @Test
  void help_namesTheCellsAndTheDefault() {
    CliRun run = CliRun.of("bench", "--help");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().contains("--cells=CELL[,CELL...]"), run.out());
    assertTrue(run.out().replaceAll("\\s+", " ").contains("Default: simple_rnn,lstm,gru"), run.out());
  }

  @Test
  void kernelOnly_twoCells_jsonEntriesCarryTheCellAndTableShowsIt() throws Exception {
    Path json = dir.resolve("bench.json");
    CliRun run = CliRun.of("bench", "--shapes", "S2", "--cells", "gru,lstm", "--no-end-to-end", "--batch-size", "8",
        "--json", json.toString(), "--master", "local[1]", "--kernel", "blas");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().startsWith("shape cell               N  e2e rows/s"), run.out());
    assertTrue(run.out().contains("\nS2    lstm         1000000           -"), run.out());
    assertTrue(run.out().contains("\nS2    gru          1000000           -"), run.out());
    JsonNode shapes = new ObjectMapper().readTree(json.toFile()).get("shapes");
    List<String> cells = new ArrayList<>();
    for (JsonNode entry : shapes) {
      cells.add(entry.get("cell").asText());
      assertEquals("S2", entry.get("shape").asText());
      assertTrue(entry.get("kernel_rows_per_s").asDouble() > 0, entry.toString());
      assertTrue(entry.get("flops_per_row").asDouble() > 0, entry.toString());
      assertFalse(entry.has("per_sample_loop_rows_per_s"), entry.toString());
      assertFalse(entry.has("kernel_vs_loop"), entry.toString());
      String layer = entry.get("cell").asText();
      assertEquals("blas (asked for)", entry.get("kernel_paths").get(layer).asText(), entry.toString());
    }
    assertEquals(List.of("lstm", "gru"), cells);
  }

  @Test
  void kernelGrid_measuresBothPathsSideBySide_andNamesAutosChoice() throws Exception {
    Path json = dir.resolve("grid.json");
    CliRun run = CliRun.of("bench", "--kernel-grid", "--cells", "lstm", "--grid-features", "3",
        "--grid-units", "5,600", "--batch-size", "16", "--json", json.toString());
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().matches("(?s)grid lstm       D   3 M   5: fused +[0-9]+  blas +[0-9]+  fused/blas +[0-9.]+"
        + "  auto fused\ngrid lstm       D   3 M 600: fused +[0-9]+  blas +[0-9]+  fused/blas +[0-9.]+  auto blas\n"
        + "JSON: .*"), run.out());
    JsonNode grid = new ObjectMapper().readTree(json.toFile()).get("grid");
    assertEquals(2, grid.size());
    for (JsonNode point : grid) {
      double ratio = point.get("fused_rows_per_s").asDouble() / point.get("blas_rows_per_s").asDouble();
      assertEquals(ratio, point.get("fused_vs_blas").asDouble(), 1e-9 * ratio, point.toString());
    }
  }

  @Test
  void badKernel_usageExitCode2() {
    CliRun run = CliRun.of("bench", "--kernel", "gpu");
    assertEquals(2, run.code());
    assertEquals("rnnscore: --kernel is 'gpu', expected one of auto, fused, blas\n", run.err());
  }
}
