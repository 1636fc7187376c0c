package org.rnnscore.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnscore.io.ModelReader;
import org.rnnscore.job.Benchmark;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.SimpleRnnLayer;
import org.rnnscore.model.DenseLayer;

/** generate --model-shape writes bench's model as an .npz that score reads back weight for weight. */
class GenerateModelShapeTest {
  @TempDir
  Path dir;

  @Test
  void modelShapeS2_writesBenchsModel_andItsDataIsScorable() throws Exception {
    Path model = dir.resolve("s2.npz");
    CliRun run = CliRun.of("generate", "--model-shape", "S2", "--model-output", model.toString(), "--output",
        dir.resolve("in").toString(), "--rows", "40", "--timesteps", "10", "--master", "local[1]");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.err().contains("rnnscore: wrote the S2 model (SimpleRNN(5) → Dense(2), D=3) to " + model + "\n"),
        run.err());
    RnnModel read = ModelReader.read(model.toString(), Files.readAllBytes(model));
    RnnModel bench = Benchmark.model(Benchmark.SHAPES.get(1));
    SimpleRnnLayer a = (SimpleRnnLayer) read.layers().get(0);
    SimpleRnnLayer b = (SimpleRnnLayer) bench.layers().get(0);
    assertArrayEquals(b.kernel().data(), a.kernel().data());
    assertArrayEquals(b.recurrentKernel().data(), a.recurrentKernel().data());
    assertArrayEquals(b.bias().orElseThrow().data(), a.bias().orElseThrow().data());
    DenseLayer da = (DenseLayer) read.layers().get(1);
    DenseLayer db = (DenseLayer) bench.layers().get(1);
    assertArrayEquals(db.kernel().data(), da.kernel().data());
    assertArrayEquals(db.bias().orElseThrow().data(), da.bias().orElseThrow().data());

    CliRun score = CliRun.of("score", "--model", model.toString(), "--input", dir.resolve("in").toString(),
        "--output", dir.resolve("out").toString(), "--master", "local[1]", "--quiet");
    assertEquals(0, score.code(), score.err());
    assertTrue(score.err().contains("scored N=40 rows"), score.err());
  }

  @Test
  void modelShapeErrors_areUsageErrorsNamingTheValue() {
    for (List<String> args : List.<List<String>>of(
        List.of("--model-shape", "S9", "--model-output", "m.npz", "--features", "3"),
        List.of("--model-shape", "S1", "--features", "3"),
        List.of("--model-shape", "S1", "--model-output", "m.npz", "--features", "3"),
        List.of())) {
      List<String> line = new java.util.ArrayList<>(List.of("generate", "--output", dir.resolve("x").toString(),
          "--rows", "1", "--timesteps", "1"));
      line.addAll(args);
      CliRun run = CliRun.of(line.toArray(new String[0]));
      assertEquals(2, run.code(), run.err());
      String expected = switch (args.size()) {
        case 6 -> args.get(1).equals("S9") ? "rnnscore: --model-shape is 'S9', expected one of S1, S2, S3\n"
            : "rnnscore: --features 3 does not match --model-shape S1 (D = 8)\n";
        case 4 -> "rnnscore: --model-shape and --model-output go together (the shape names the model, the file is"
            + " where it is written)\n";
        default -> "rnnscore: --features is required (or --model-shape, whose D it takes)\n";
      };
      assertEquals(expected, run.err());
    }
  }
}
