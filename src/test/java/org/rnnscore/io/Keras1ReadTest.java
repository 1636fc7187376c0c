package org.rnnscore.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.rnnscore.testing.ModelAssertions.assertSameModel;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rnnscore.model.Activation;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.RecurrentLayer;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.Sequencing;
import org.rnnscore.model.WeightArray;
import org.rnnscore.testing.Keras1FileWriter;
import org.rnnscore.testing.KerasFileWriter;
import org.rnnscore.testing.RandomModels;

/**
 * Keras 1.1/1.2 files: Keras 1 config fields read by each kind, per-gate weights fused by name
 * (LSTM saved i, c, f, o) into Keras 2's order, consume_less="gpu"'s fused weights as they are.
 */
class Keras1ReadTest {
  @TempDir
  Path dir;

  /** LSTM → GRU → SimpleRNN → Dense, ragged widths (D 3, M 5, 4, 2, K 3) so a transposed or mixed gate shows. */
  static RnnModel model(boolean denseBias) {
    Random random = new Random(12);
    Sequencing sequences = new Sequencing(true, false, false);
    return new RnnModel(null, 0, List.of(
        RandomModels.recurrent(random, "LSTM", "lstm_1", 3, 5, true, Activation.TANH, Activation.HARD_SIGMOID_KERAS2,
            false, sequences),
        RandomModels.recurrent(random, "GRU", "gru_1", 5, 4, true, Activation.RELU, Activation.SIGMOID, false,
            new Sequencing(true, true, false)),
        RandomModels.recurrent(random, "SimpleRNN", "simplernn_1", 4, 2, true, Activation.TANH, Activation.LINEAR, false,
            new Sequencing(false, false, false)),
        RandomModels.dense(random, "dense_1", 2, 3, denseBias, Activation.SOFTMAX)));
  }

  RnnModel read(String name, byte[] bytes) {
    return ModelReader.read(name, bytes, ReadOptions.DEFAULTS);
  }

  byte[] write(RnnModel model, boolean gpu) throws IOException {
    Path file = dir.resolve("k1.h5");
    Keras1FileWriter.write(file, model, gpu);
    return Files.readAllBytes(file);
  }

  @ParameterizedTest(name = "consume_less gpu: {0}")
  @ValueSource(booleans = {false, true})
  void read_keras1H5_givesTheKeras2Model(boolean gpu) throws IOException {
    assertSameModel(model(true), read("k1.h5", write(model(true), gpu)));
  }

  @Test
  void read_keras1DenseWithoutBias_readsBiasFalse() throws IOException {
    assertSameModel(model(false), read("k1.h5", write(model(false), false)));
  }

  @Test
  void read_keras1JsonAndWeights_givesTheModel() throws IOException {
    byte[] json = Keras1FileWriter.config(model(true), false).toString().getBytes(StandardCharsets.UTF_8);
    Path weights = dir.resolve("w.h5");
    KerasFileWriter.writeWeightsOnlyH5(weights, Keras1FileWriter.weights(model(true), false));
    assertSameModel(model(true), ModelReader.read("m.json", json, "w.h5", Files.readAllBytes(weights),
        ReadOptions.DEFAULTS));
  }

  /** Fusing in the saved order (i, c, f, o) would swap LSTM's forget gate and cell candidate: pinned by name. */
  @Test
  void read_lstmGatesSavedICFO_fusedIFCO() throws IOException {
    Map<String, Map<String, WeightArray>> weights = Keras1FileWriter.weights(model(true), false);
    assertEquals(List.of("lstm_1_W_i:0", "lstm_1_U_i:0", "lstm_1_b_i:0", "lstm_1_W_c:0", "lstm_1_U_c:0",
        "lstm_1_b_c:0", "lstm_1_W_f:0", "lstm_1_U_f:0", "lstm_1_b_f:0", "lstm_1_W_o:0", "lstm_1_U_o:0", "lstm_1_b_o:0"),
        List.copyOf(weights.get("lstm_1").keySet()));
    RnnModel read = read("k1.h5", write(model(true), false));
    WeightArray kernel = read.layers().get(0).inputKernel();
    WeightArray forget = weights.get("lstm_1").get("lstm_1_W_f:0");
    // Row 0, units 5..9 of the fused kernel are the forget gate's.
    for (int unit = 0; unit < 5; unit++) {
      assertEquals(forget.get(unit), kernel.get(5 + unit), "W_f column " + unit);
    }
  }

  @Test
  void read_keras1LstmMissingAGate_namesWhatItFound() throws IOException {
    Map<String, Map<String, WeightArray>> weights = Keras1FileWriter.weights(model(true), false);
    weights.get("lstm_1").remove("lstm_1_U_f:0");
    Path file = dir.resolve("k1.h5");
    KerasFileWriter.writeLegacyH5(file, Keras1FileWriter.config(model(true), false).toString(), weights,
        Keras1FileWriter.KERAS1_VERSION);
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> read("k1.h5", Files.readAllBytes(file)));
    assertEquals("k1.h5: layer 'lstm_1' (a Keras 1 LSTM) has weights lstm_1_W_i:0, lstm_1_U_i:0, lstm_1_b_i:0, lstm_1_W_c:0,"
        + " lstm_1_U_c:0, lstm_1_b_c:0, lstm_1_W_f:0, lstm_1_b_f:0, lstm_1_W_o:0, lstm_1_U_o:0, lstm_1_b_o:0, expected"
        + " W, U and b per gate (W_i, U_i, b_i, W_f, U_f, b_f, W_c, U_c, b_c, W_o, U_o, b_o) or fused", e.getMessage());
  }

  /** Kinds read only from Keras 2+ files (LayerNormalization, Embedding, Bidirectional) are refused by name. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"LayerNormalization", "Embedding", "Bidirectional"})
  void read_keras1LayerNotReadFromKeras1_refusedByName(String className) throws IOException {
    ObjectNode config = Keras1FileWriter.config(model(true), false);
    ObjectNode front = ((ArrayNode) config.get("config")).insertObject(1);
    front.put("class_name", className);
    front.putObject("config").put("name", "front");
    Path file = dir.resolve("k1.h5");
    KerasFileWriter.writeLegacyH5(file, config.toString(), Keras1FileWriter.weights(model(true), false),
        Keras1FileWriter.KERAS1_VERSION);
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> read("k1.h5", Files.readAllBytes(file)));
    assertEquals("k1.h5: layer 'front' has type " + className + ", which rnnscore does not read from a Keras 1 file;"
        + " " + LayerKinds.KERAS1_SUPPORTED, e.getMessage());
  }

  /** Convolution1D → MaxPooling1D → LSTM → Dense, as a Keras 1 CNN-LSTM; D 3, filters 5, M 4, K 2. */
  static RnnModel convModel(String padding, int stride) {
    return org.rnnscore.kernel.ModelSpec.build("conv(5,3," + padding + ",s=" + stride + ",relu) > maxpool(2) > lstm(4)"
        + " > dense(2)", 21, 3, 0);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"tensorflow", "theano"})
  void read_keras1Convolution1D_givesTheKeras2Kernel(String backend) throws IOException {
    // A Theano file holds each kernel reversed along its taps (Theano's convolution flips it back):
    // read, it must be the very kernel the model was written from, and score as it does.
    RnnModel original = convModel("valid", 2);
    Path file = dir.resolve("k1.h5");
    Keras1FileWriter.write(file, original, false, backend);
    RnnModel read = read("k1.h5", Files.readAllBytes(file));
    assertSameModel(original, read);
    if (backend.equals("theano")) {
      WeightArray stored = Keras1FileWriter.weights(original, false).get("conv_0").get("conv_0_W:0");
      assertEquals(4, stored.rank(), "Keras 1 stores (filter_length, 1, input_dim, nb_filter)");
    }
  }

  @Test
  void read_keras1Convolution1DTheanoFile_storedFlipped_isUnflipped() throws IOException {
    RnnModel original = convModel("same", 1);
    Path tf = dir.resolve("tf.h5");
    Path th = dir.resolve("th.h5");
    Keras1FileWriter.write(tf, original, false, "tensorflow");
    Keras1FileWriter.write(th, original, false, "theano");
    float[] fromTf = ((org.rnnscore.model.Conv1DLayer) read("tf.h5", Files.readAllBytes(tf)).layers().get(0)).kernel()
        .data();
    float[] fromTh = ((org.rnnscore.model.Conv1DLayer) read("th.h5", Files.readAllBytes(th)).layers().get(0)).kernel()
        .data();
    org.junit.jupiter.api.Assertions.assertArrayEquals(fromTf, fromTh);
    // And the Theano file's stored taps are the reverse: tap 0 stored last.
    WeightArray kernel = ((org.rnnscore.model.Conv1DLayer) original.layers().get(0)).kernel();
    WeightArray stored = Keras1FileWriter.keras1Kernel(kernel, true);
    int tap = kernel.dim(1) * kernel.dim(2);
    assertEquals(kernel.get(0), stored.get(2 * tap));
    assertEquals(kernel.get(2 * tap + 1), stored.get(1));
  }

  @Test
  void read_keras1Convolution1DWithoutBackend_refusedByName() throws IOException {
    Path file = dir.resolve("k1.h5");
    Keras1FileWriter.write(file, convModel("valid", 1), false, null);
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> read("k1.h5", Files.readAllBytes(file)));
    assertEquals("k1.h5: layer 'conv_0' (a Keras 1 Convolution1D) is in a file whose backend attribute is missing:"
        + " Keras 1 on Theano stored convolution kernels flipped, on TensorFlow not, so rnnscore cannot tell which"
        + " convolution the file means; re-save the model with Keras 2 or later", e.getMessage());
  }

  @Test
  void read_keras1TheanoSamePaddingWithStrides_refusedByName() throws IOException {
    Path file = dir.resolve("k1.h5");
    Keras1FileWriter.write(file, convModel("same", 2), false, "theano");
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> read("k1.h5", Files.readAllBytes(file)));
    assertEquals("k1.h5: layer 'conv_0' (a Keras 1 Convolution1D of a Theano file) has border_mode same with"
        + " filter_length 3 and subsample_length 2: Theano pads such a convolution otherwise than TensorFlow, which"
        + " rnnscore follows; re-save the model with Keras 2 or later", e.getMessage());
  }

  @Test
  void read_keras1PoolingFields_readAsKeras2s() throws IOException {
    RnnModel original = org.rnnscore.kernel.ModelSpec.build("conv(4,2,same) > avgpool(3,s=2,same) > gru(3,reset_before)",
        4, 2, 0);
    Path file = dir.resolve("k1.h5");
    Keras1FileWriter.write(file, original, false, "tensorflow");
    assertSameModel(original, read("k1.h5", Files.readAllBytes(file)));
    Keras1FileWriter.write(file, original, false, "theano");
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> read("k1.h5", Files.readAllBytes(file)));
    assertEquals("k1.h5: layer 'conv_0' (a Keras 1 Convolution1D of a Theano file) has border_mode same with"
        + " filter_length 2 and subsample_length 1: Theano pads such a convolution otherwise than TensorFlow, which"
        + " rnnscore follows; re-save the model with Keras 2 or later", e.getMessage());
  }

  @Test
  void read_keras1TheanoPoolingSame_refusedByName() throws IOException {
    RnnModel original = org.rnnscore.kernel.ModelSpec.build("conv(4,3) > maxpool(2,same) > lstm(3)", 4, 2, 0);
    Path file = dir.resolve("k1.h5");
    Keras1FileWriter.write(file, original, false, "theano");
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> read("k1.h5", Files.readAllBytes(file)));
    assertEquals("k1.h5: layer 'maxpool_1' (a Keras 1 MaxPooling1D of a Theano file) has border_mode same: Theano"
        + " pads pooling otherwise than TensorFlow, which rnnscore follows; re-save the model with Keras 2 or later",
        e.getMessage());
  }

  @Test
  void read_keras1StatefulLstm_readAsStateful() throws IOException {
    ObjectNode config = Keras1FileWriter.config(model(true), false);
    ((ObjectNode) config.get("config").get(0).get("config")).put("stateful", true);
    Path file = dir.resolve("k1.h5");
    KerasFileWriter.writeLegacyH5(file, config.toString(), Keras1FileWriter.weights(model(true), false),
        Keras1FileWriter.KERAS1_VERSION);
    RecurrentLayer lstm = (RecurrentLayer) read("k1.h5", Files.readAllBytes(file)).layers().get(0);
    assertEquals(true, lstm.sequencing().stateful());
  }

}
