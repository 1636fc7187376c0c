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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rnnscore.kernel.ForwardPass;
import org.rnnscore.model.RnnModel;
import org.rnnscore.testing.SharedData;

/**
 * Trained Keras files from public repositories, in ../shared/keras-real (see its SOURCES.md):
 * each read through {@link ModelReader}, its 16 rows of input.json scored by the kernel, and
 * compared with expected.json (the tfjs oracle's outputs) within 1e-5 + 1e-4·|expected|.
 */
class KerasRealFilesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest
  @ValueSource(strings = {"eggman_lstm_ae_k3h5", "rajat_lstm_ae_t1_k3", "tep_lstm_ae_functional_k3h5",
      "bryan_lstm_swapped_acts_k3", "tekuv_gru_k3", "cmapss_2conv1d_lstm", "nssa_cnn_2gru_k212",
      "sholied_cnn_stateful_3gru", "kienquoc_cnn_bn_reshape_2lstm_k3", "nssa_cnn_bilstm_reshape"})
  void score_realFile_matchesTheOracle(String folder) throws IOException {
    Path expectedFile = SharedData.require("keras-real/" + folder + "/expected.json");
    Path dir = expectedFile.getParent();
    Path modelFile = Files.isRegularFile(dir.resolve("model.h5")) ? dir.resolve("model.h5")
        : dir.resolve("model.keras");
    Assumptions.assumeTrue(Files.isRegularFile(modelFile), () -> "no model file in " + dir.toAbsolutePath());
    RnnModel model = ModelReader.read(modelFile.getFileName().toString(), Files.readAllBytes(modelFile));

    List<Long> ids = new ArrayList<>();
    List<float[]> rows = new ArrayList<>();
    List<Integer> lengths = new ArrayList<>();
    for (String line : Files.readAllLines(dir.resolve("input.json"))) {
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
      lengths.add(flat.length / model.inputWidth());
    }
    assertEquals(16, rows.size(), "rows in input.json");
    int total = rows.stream().mapToInt(r -> r.length).sum();
    float[] values = new float[total];
    int[] offsets = new int[rows.size()];
    int[] steps = new int[rows.size()];
    int at = 0;
    for (int b = 0; b < rows.size(); b++) {
      offsets[b] = at;
      steps[b] = lengths.get(b);
      System.arraycopy(rows.get(b), 0, values, at, rows.get(b).length);
      at += rows.get(b).length;
    }
    float[][] got = new ForwardPass(model).score(values, offsets, steps, rows.size());

    JsonNode expected = JSON.readTree(expectedFile.toFile());
    for (int b = 0; b < rows.size(); b++) {
      List<Double> want = new ArrayList<>();
      flatten(expected.get(String.valueOf(ids.get(b))), want);
      assertEquals(want.size(), got[b].length, folder + ": values of row " + ids.get(b));
      for (int i = 0; i < want.size(); i++) {
        double e = want.get(i);
        double tol = 1e-5 + 1e-4 * Math.abs(e);
        assertTrue(Math.abs(got[b][i] - e) <= tol, folder + ": row " + ids.get(b) + " value " + i + ": got "
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
