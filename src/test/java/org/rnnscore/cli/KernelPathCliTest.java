package org.rnnscore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rnnscore.job.SharedSpark;

/** --kernel on score and inspect: both paths give the sample's expected predictions, and say which ran. */
class KernelPathCliTest {
  private static final Path SAMPLE = Path.of("sample-data");

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"fused", "blas", "auto"})
  void score_eachKernel_matchesExpectedPredictions_andMetricsNameThePath(String kernel) throws Exception {
    String output = dir.resolve("out").toString();
    Path metrics = dir.resolve("metrics.json");
    CliRun run = CliRun.of("score", "--kernel", kernel, "--model", SAMPLE.resolve("model.h5").toString(), "--input",
        SAMPLE.resolve("input.parquet").toString(), "--output", output, "--metrics", metrics.toString(), "--quiet",
        "--master", "local[2]");
    assertEquals(0, run.code(), run.err());
    ExpectedPredictions.assertOutputMatches(SharedSpark.get(), output, SAMPLE.resolve("expected-predictions.csv"));
    String expected = kernel.equals("auto") ? "\"kernel_paths\" : [ \"simple_rnn: fused (auto: M 5 ≤ 512)\" ]"
        : "\"kernel_paths\" : [ \"simple_rnn: " + kernel + " (asked for)\" ]";
    assertTrue(Files.readString(metrics).contains(expected), Files.readString(metrics));
  }

  @Test
  void score_unknownKernel_usageErrorNamingTheChoices() {
    CliRun run = CliRun.of("score", "--kernel", "simd", "--model", "m", "--input", "x", "--output", "y");
    assertEquals(2, run.code());
    assertEquals("rnnscore: --kernel is 'simd', expected one of auto, fused, blas\n", run.err());
  }

  @Test
  void score_fusedWithCudaBackend_usageErrorBeforeSpark() {
    CliRun run = CliRun.of("score", "--kernel", "fused", "--backend", "cuda", "--model", "m", "--input", "x",
        "--output", "y");
    assertEquals(2, run.code());
    assertEquals("rnnscore: --kernel fused runs on the CPU only, but --backend is cuda: use --kernel auto or blas"
        + " (the GPU runs the recurrent layers on ND4J)\n", run.err());
  }

  @Test
  void inspect_showsEachRecurrentLayersPath() {
    CliRun auto = CliRun.of("inspect", "--model", SAMPLE.resolve("model.h5").toString());
    assertEquals(0, auto.code(), auto.err());
    assertTrue(auto.out().endsWith("Recurrent kernel (--kernel auto, as chosen on this machine):\n"
        + "  simple_rnn: fused (auto: M 5 ≤ 512)\n"), auto.out());
    CliRun blas = CliRun.of("inspect", "--model", SAMPLE.resolve("model.h5").toString(), "--kernel", "blas");
    assertEquals(0, blas.code(), blas.err());
    assertTrue(blas.out().endsWith("  simple_rnn: blas (asked for)\n"), blas.out());
  }
}
