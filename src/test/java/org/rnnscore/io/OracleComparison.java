package org.rnnscore.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rnnscore.kernel.ForwardPass;
import org.rnnscore.model.RnnModel;

/**
 * Scores a Keras file's input.json rows (one {"id", "features"} a line) through {@link ModelReader}
 * and the kernel, each row at its own length, and compares them with the oracle's expected.json
 * ({"id": prediction}) within 1e-5 + 1e-4·|expected| per value. Shared by the real-file and the
 * oracle-fixture tests.
 */
final class OracleComparison {
  private static final ObjectMapper JSON = new ObjectMapper();

  private OracleComparison() {
  }

  /** Reads {@code modelFile}, scores {@code input}, asserts {@code expectedRows} rows that match {@code expected}. */
  static void assertMatches(String label, Path modelFile, Path input, Path expected, int expectedRows)
      throws IOException {
    RnnModel model = ModelReader.read(modelFile.getFileName().toString(), Files.readAllBytes(modelFile));

    List<Long> ids = new ArrayList<>();
    List<float[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(input)) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode row = JSON.readTree(line);
      ids.add(row.get("id").asLong());
      List<Double> values = new ArrayList<>();
      flatten(row.get("features"), values);
      float[] flat = new float[values.size()];
      for (int i = 0; i < flat.length; i++) {
        flat[i] = values.get(i).floatValue();
      }
      rows.add(flat);
    }
    assertEquals(expectedRows, rows.size(), label + ": rows in input.json");
    int total = rows.stream().mapToInt(r -> r.length).sum();
    float[] values = new float[total];
    int[] offsets = new int[rows.size()];
    int[] steps = new int[rows.size()];
    int at = 0;
    for (int b = 0; b < rows.size(); b++) {
      offsets[b] = at;
      steps[b] = rows.get(b).length / model.inputWidth();
      System.arraycopy(rows.get(b), 0, values, at, rows.get(b).length);
      at += rows.get(b).length;
    }
    float[][] got = new ForwardPass(model).score(values, offsets, steps, rows.size());

    JsonNode want = JSON.readTree(expected.toFile());
    for (int b = 0; b < rows.size(); b++) {
      List<Double> exp = new ArrayList<>();
      flatten(want.get(String.valueOf(ids.get(b))), exp);
      assertEquals(exp.size(), got[b].length, label + ": values of row " + ids.get(b));
      for (int i = 0; i < exp.size(); i++) {
        double e = exp.get(i);
        double tol = 1e-5 + 1e-4 * Math.abs(e);
        assertTrue(Math.abs(got[b][i] - e) <= tol, label + ": row " + ids.get(b) + " value " + i + ": got "
            + got[b][i] + ", expected " + e + " (tolerance " + tol + ")");
      }
    }
  }

  private static void flatten(JsonNode node, List<Double> out) {
    if (node.isArray()) {
      node.forEach(child -> flatten(child, out));
    } else {
      out.add(node.asDouble());
    }
  }
}
