package org.rnnscore.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.rnnscore.io.ModelReader;
import org.rnnscore.kernel.ReferenceForwardPass;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.WeightArray;
import org.rnnscore.testing.KerasFileWriter;

/**
 * sample-data/ and how it was made. {@code regenerate} writes it (run with
 * {@code mvn test -Dtest=SampleDataTest -Drnnscore.regenerateSampleData=true}); the other tests
 * check that what is committed still agrees with itself and with the reference forward pass.
 *
 * <ul>
 *   <li>{@code model.npz}, {@code model.h5}, {@code model.keras}: one SimpleRNN(5) → Dense(2) model,
 *       T=10, D=3 (the seeds' shapes), weights from {@link TestModels#random} seed 2026, written
 *       in each format's own layout by {@link KerasFileWriter} (no Keras is installable here).
 *   <li>{@code input.parquet}: 1,000 rows, {@code id} 0…999 and {@code features} 10×3 floats,
 *       written by {@code rnnscore generate --seed 7} logic ({@link GenerateJob#sequence}).
 *   <li>{@code expected-predictions.csv}: id, p0, p1 from the double-precision reference forward
 *       pass ({@link ReferenceForwardPass}), printed with 9 significant digits.
 * </ul>
 */
class SampleDataTest {
  static final Path SAMPLE = Path.of(System.getProperty("rnnscore.sample.dir", "sample-data"));
  static final int ROWS = 1000;
  static final int T = 10;
  static final int D = 3;
  static final long INPUT_SEED = 7;

  @Test
  @EnabledIfSystemProperty(named = "rnnscore.regenerateSampleData", matches = "true")
  void regenerate() throws IOException {
    Files.createDirectories(SAMPLE);
    RnnModel model = new RnnModel("input_1", T, TestModels.random(2026, D, 5, 2).layers());
    KerasFileWriter.writeNpz(SAMPLE.resolve("model.npz"), model);
    KerasFileWriter.writeLegacyH5(SAMPLE.resolve("model.h5"), model);
    KerasFileWriter.writeKerasV3(SAMPLE.resolve("model.keras"), model);

    SparkSession spark = SharedSpark.get();
    Path staging = Files.createTempDirectory("rnnscore-sample");
    GenerateJob.run(spark, new GenerateJob.Options(staging.resolve("in").toString(), ROWS, T, 0, D, INPUT_SEED, 1,
        ScoreOptions.WriteMode.ERROR));
    try (Stream<Path> files = Files.list(staging.resolve("in"))) {
      Path part = files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
      Files.copy(part, SAMPLE.resolve("input.parquet"), StandardCopyOption.REPLACE_EXISTING);
    }

    List<String> lines = new ArrayList<>();
    lines.add("id,p0,p1");
    for (Map.Entry<Long, double[]> e : referencePredictions(model).entrySet()) {
      lines.add(String.format(Locale.ROOT, "%d,%.9g,%.9g", e.getKey(), e.getValue()[0], e.getValue()[1]));
    }
    Files.write(SAMPLE.resolve("expected-predictions.csv"), lines);
  }

  @Test
  void committedModels_allThreeFormatsHoldTheSameWeights() throws IOException {
    RnnModel npz = read("model.npz");
    for (String name : List.of("model.h5", "model.keras")) {
      RnnModel other = read(name);
      assertEquals(npz.layers().size(), other.layers().size(), name);
      assertSameWeights(npz.recurrent().kernel(), other.recurrent().kernel(), name);
      assertSameWeights(npz.recurrent().recurrentKernel(), other.recurrent().recurrentKernel(), name);
      assertSameWeights(npz.recurrent().bias().orElseThrow(), other.recurrent().bias().orElseThrow(), name);
      assertSameWeights(npz.denseLayers().get(0).kernel(), other.denseLayers().get(0).kernel(), name);
      assertSameWeights(npz.denseLayers().get(0).bias().orElseThrow(), other.denseLayers().get(0).bias().orElseThrow(),
          name);
    }
    assertEquals(57, npz.paramCount());
  }

  @Test
  void committedExpectedPredictions_equalReferenceOnCommittedInput() throws IOException {
    Map<Long, double[]> reference = referencePredictions(read("model.npz"));
    List<String> lines = Files.readAllLines(SAMPLE.resolve("expected-predictions.csv"));
    assertEquals("id,p0,p1", lines.get(0));
    assertEquals(ROWS + 1, lines.size());
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",");
      double[] expected = reference.get(Long.parseLong(cells[0]));
      assertEquals(expected[0], Double.parseDouble(cells[1]), 1e-8, line);
      assertEquals(expected[1], Double.parseDouble(cells[2]), 1e-8, line);
    }
  }

  @Test
  void committedInput_isWhatGenerateWritesForSeed7() {
    List<Row> rows = SharedSpark.get().read().parquet(SAMPLE.resolve("input.parquet").toString()).collectAsList();
    assertEquals(ROWS, rows.size());
    for (Row row : rows) {
      float[][] expected = GenerateJob.sequence(INPUT_SEED, row.getLong(0), T, D);
      List<Object> steps = row.getList(1);
      assertEquals(T, steps.size());
      for (int t = 0; t < T; t++) {
        List<Object> values = toList(steps.get(t));
        for (int d = 0; d < D; d++) {
          assertEquals(expected[t][d], ((Number) values.get(d)).floatValue(), 0f);
        }
      }
    }
    assertTrue(Files.exists(SAMPLE.resolve("expected-predictions.csv")));
  }

  @SuppressWarnings("unchecked")
  private static List<Object> toList(Object scalaOrJava) {
    if (scalaOrJava instanceof List) {
      return (List<Object>) scalaOrJava;
    }
    return new ArrayList<>(scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<Object>) scalaOrJava));
  }

  static Map<Long, double[]> referencePredictions(RnnModel model) {
    Map<Long, double[]> out = new TreeMap<>();
    for (long id = 0; id < ROWS; id++) {
      float[][] x = GenerateJob.sequence(INPUT_SEED, id, T, D);
      double[][][] input = new double[1][T][D];
      for (int t = 0; t < T; t++) {
        for (int d = 0; d < D; d++) {
          input[0][t][d] = x[t][d];
        }
      }
      out.put(id, ReferenceForwardPass.forward(model, input)[0]);
    }
    return out;
  }

  private static RnnModel read(String name) throws IOException {
    return ModelReader.read("sample-data/" + name, Files.readAllBytes(SAMPLE.resolve(name)));
  }

  private static void assertSameWeights(WeightArray expected, WeightArray actual, String file) {
    assertEquals(expected.shapeText(), actual.shapeText(), file + " " + actual.name());
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i), actual.get(i), 0f, file + " " + actual.name() + "[" + i + "]");
    }
  }
}
