package org.rnnscore.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rnnscore.testing.SharedData;

/**
 * Trained Keras files from public repositories, in ../shared/keras-real (see its SOURCES.md):
 * each read through {@link ModelReader}, its 16 rows of input.json scored by the kernel, and
 * compared with expected.json (the tfjs oracle's outputs) within 1e-5 + 1e-4·|expected|.
 */
class KerasRealFilesTest {
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
    OracleComparison.assertMatches(folder, modelFile, dir.resolve("input.json"), expectedFile, 16);
  }
}
