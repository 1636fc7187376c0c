package org.rnnscore.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnnscore.kernel.ForwardPass;
import org.rnnscore.model.Activation;
import org.rnnscore.model.DenseLayer;
import org.rnnscore.model.Layer;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.SimpleRnnLayer;
import org.rnnscore.model.WeightArray;
import org.rnnscore.testing.KerasFileWriter;
import org.rnnscore.testing.RandomModels;

/** Models written in Keras' own layouts (see KerasFileWriter) read back weight for weight. */
class RoundTripTest {
  @TempDir
  Path dir;

  static Stream<Arguments> models() {
    return Stream.of(
        Arguments.of("all ones", RandomModels.model(1, 0, 1, 1, true, Activation.TANH, Activation.LINEAR, 1)),
        Arguments.of("odd sizes", RandomModels.model(2, 7, 3, 5, true, Activation.TANH, Activation.LINEAR, 3)),
        Arguments.of("no bias", RandomModels.model(3, 1, 13, 1, false, Activation.RELU, Activation.SIGMOID, 7)),
        Arguments.of("three dense", RandomModels.model(4, 0, 4, 9, true, Activation.SIGMOID, Activation.SOFTMAX, 7, 5, 3)),
        Arguments.of("no dense", RandomModels.model(5, 11, 2, 3, true, Activation.ELU, Activation.LINEAR)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void legacyH5(String label, RnnModel original) throws IOException {
    Path file = dir.resolve("model.h5");
    KerasFileWriter.writeLegacyH5(file, original);
    RnnModel read = ModelReader.read("model.h5", Files.readAllBytes(file));
    assertSameModel(original, read);
    assertEquals("simple_rnn_input", read.inputName(), "tf.keras names the Sequential's InputLayer <first layer>_input");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void kerasV3(String label, RnnModel original) throws IOException {
    Path file = dir.resolve("model.keras");
    KerasFileWriter.writeKerasV3(file, original);
    RnnModel read = ModelReader.read("model.keras", Files.readAllBytes(file));
    assertSameModel(original, read);
    assertEquals("input_layer", read.inputName());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void npz(String label, RnnModel original) throws IOException {
    if (original.denseLayers().size() != 1) {
      return; // the npz format holds exactly one Dense layer
    }
    Path file = dir.resolve("model.npz");
    KerasFileWriter.writeNpz(file, original);
    RnnModel read = ModelReader.read("model.npz", Files.readAllBytes(file));
    // npz carries no activations: Keras' defaults come back, the CLI may override them.
    RnnModel expected = new RnnModel(null, 0, List.of(
        rename(original.recurrent(), "simple_rnn", "Wx", "Wh", "bh").withActivation(Activation.TANH),
        rename(original.denseLayers().get(0), "dense", "Wo", "bo").withActivation(Activation.LINEAR)));
    assertSameModel(expected, read);
    assertEquals("Wh", read.recurrent().recurrentKernel().name());
  }

  @Test
  void npzWrittenCompressedAndAsFloat64ReadsTheSame() throws IOException {
    RnnModel original = RandomModels.model(6, 0, 3, 4, true, Activation.TANH, Activation.LINEAR, 2);
    java.util.Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
    SimpleRnnLayer rnn = original.recurrent();
    DenseLayer dense = original.denseLayers().get(0);
    entries.put("Wx.npy", float64(rnn.kernel()));
    entries.put("Wh.npy", float64(rnn.recurrentKernel()));
    entries.put("bh.npy", float64(rnn.bias().orElseThrow()));
    entries.put("Wo.npy", KerasFileWriter.npy(dense.kernel()));
    entries.put("bo.npy", KerasFileWriter.npy(dense.bias().orElseThrow()));
    RnnModel read = ModelReader.read("c.npz", KerasFileWriter.zip(entries, true));
    assertArrayEquals(rnn.kernel().data(), read.recurrent().kernel().data());
    assertArrayEquals(rnn.bias().orElseThrow().data(), read.recurrent().bias().orElseThrow().data());
    assertArrayEquals(dense.kernel().data(), read.denseLayers().get(0).kernel().data());
  }

  private static byte[] float64(WeightArray array) {
    java.nio.ByteBuffer data = java.nio.ByteBuffer.allocate(array.size() * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < array.size(); i++) {
      data.putDouble(array.get(i));
    }
    return KerasFileWriter.npy("<f8", false, array.shape(), data.array());
  }

  /** hard_sigmoid means different functions in Keras 2 and 3; the file's keras_version decides. */
  @Test
  void hardSigmoidFollowsTheKerasVersionOfTheFile() throws IOException {
    RnnModel keras2 = RandomModels.model(7, 0, 2, 3, true, Activation.HARD_SIGMOID_KERAS2, Activation.LINEAR, 1);
    RnnModel keras3 = RandomModels.model(7, 0, 2, 3, true, Activation.HARD_SIGMOID_KERAS3, Activation.LINEAR, 1);
    KerasFileWriter.writeLegacyH5(dir.resolve("a.h5"), keras2);
    KerasFileWriter.writeKerasV3(dir.resolve("a.keras"), keras3);
    assertEquals(Activation.HARD_SIGMOID_KERAS2,
        ModelReader.read("a.h5", Files.readAllBytes(dir.resolve("a.h5"))).recurrent().activation());
    assertEquals(Activation.HARD_SIGMOID_KERAS3,
        ModelReader.read("a.keras", Files.readAllBytes(dir.resolve("a.keras"))).recurrent().activation());
  }

  /**
   * Keras 3 finds weights by class and position, not by layer name: Dense layers named in the
   * opposite order to their position must still get the weights of their position.
   */
  @Test
  void kerasV3AssignsWeightsByClassAndPositionNotByName() throws IOException {
    Random random = new Random(8);
    List<Layer> layers = new ArrayList<>();
    layers.add(new SimpleRnnLayer("encoder", 5, RandomModels.array(random, "kernel", 3, 5),
        RandomModels.array(random, "recurrent_kernel", 5, 5), RandomModels.array(random, "bias", 5), Activation.TANH));
    layers.add(new DenseLayer("dense_1", 4, RandomModels.array(random, "kernel", 5, 4),
        RandomModels.array(random, "bias", 4), Activation.RELU));
    layers.add(new DenseLayer("dense", 2, RandomModels.array(random, "kernel", 4, 2),
        RandomModels.array(random, "bias", 2), Activation.LINEAR));
    RnnModel original = new RnnModel("x", 6, layers);
    Path file = dir.resolve("named.keras");
    KerasFileWriter.writeKerasV3(file, original);
    RnnModel read = ModelReader.read("named.keras", Files.readAllBytes(file));
    assertSameModel(original, read);
    assertEquals("x", read.inputName());
  }

  /** Dropout (identity at inference) and an Activation after a linear Dense, as Keras users write them. */
  @Test
  void dropoutIsSkippedAndActivationLayerFoldsIntoDense() throws IOException {
    RnnModel original = RandomModels.model(9, 4, 2, 3, true, Activation.TANH, Activation.LINEAR, 2);
    ObjectNode config = KerasFileWriter.kerasV3Config(original);
    ArrayNode list = (ArrayNode) config.get("config").get("layers");
    ObjectNode dropout = list.insertObject(2); // after InputLayer and SimpleRNN
    dropout.put("module", "keras.layers");
    dropout.put("class_name", "Dropout");
    dropout.putObject("config").put("name", "dropout").put("rate", 0.5);
    ObjectNode activation = list.addObject();
    activation.put("class_name", "Activation");
    activation.putObject("config").put("name", "softmax_out").put("activation", "softmax");
    Path file = dir.resolve("dropout.keras");
    KerasFileWriter.writeKerasV3(file, original, KerasFileWriter.json(config));
    RnnModel read = ModelReader.read("dropout.keras", Files.readAllBytes(file));
    assertEquals(2, read.layers().size());
    assertEquals(Activation.SOFTMAX, read.denseLayers().get(0).activation());
    assertArrayEquals(original.denseLayers().get(0).kernel().data(), read.denseLayers().get(0).kernel().data());
  }

  /** The same rows score the same through the original and the re-read model. */
  @Test
  void readBackModelScoresLikeTheOriginal() throws IOException {
    RnnModel original = RandomModels.model(10, 5, 3, 4, true, Activation.TANH, Activation.LINEAR, 2);
    Path file = dir.resolve("s.h5");
    KerasFileWriter.writeLegacyH5(file, original);
    RnnModel read = ModelReader.read("s.h5", Files.readAllBytes(file));
    Random random = new Random(11);
    float[] rows = new float[2 * 5 * 3];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = random.nextFloat() * 2 - 1;
    }
    float[] expected = new float[4];
    float[] actual = new float[4];
    new ForwardPass(original).score(rows, 2, 5, expected);
    new ForwardPass(read).score(rows, 2, 5, actual);
    assertArrayEquals(expected, actual);
    assertFalse(expected[0] == 0f && expected[1] == 0f, "a non-trivial prediction");
  }

  private static SimpleRnnLayer rename(SimpleRnnLayer layer, String name, String kernel, String recurrent, String bias) {
    return new SimpleRnnLayer(name, layer.units(), new WeightArray(kernel, layer.kernel().shape(), layer.kernel().data()),
        new WeightArray(recurrent, layer.recurrentKernel().shape(), layer.recurrentKernel().data()),
        layer.bias().map(b -> new WeightArray(bias, b.shape(), b.data())).orElse(null), layer.activation());
  }

  private static DenseLayer rename(DenseLayer layer, String name, String kernel, String bias) {
    return new DenseLayer(name, layer.units(), new WeightArray(kernel, layer.kernel().shape(), layer.kernel().data()),
        layer.bias().map(b -> new WeightArray(bias, b.shape(), b.data())).orElse(null), layer.activation());
  }

  static void assertSameModel(RnnModel expected, RnnModel actual) {
    assertEquals(expected.declaredTimesteps(), actual.declaredTimesteps(), "declared timesteps");
    assertEquals(expected.layers().size(), actual.layers().size(), "layer count");
    for (int i = 0; i < expected.layers().size(); i++) {
      Layer want = expected.layers().get(i);
      Layer got = actual.layers().get(i);
      String where = "layer " + i + " (" + want.name() + ")";
      assertEquals(want.name(), got.name(), where);
      assertEquals(want.kerasClass(), got.kerasClass(), where);
      assertEquals(want.outputWidth(), got.outputWidth(), where);
      if (want instanceof SimpleRnnLayer) {
        SimpleRnnLayer w = (SimpleRnnLayer) want;
        SimpleRnnLayer g = (SimpleRnnLayer) got;
        assertEquals(w.activation(), g.activation(), where);
        assertSameWeights(w.kernel(), g.kernel(), where);
        assertSameWeights(w.recurrentKernel(), g.recurrentKernel(), where);
        assertEquals(w.bias().isPresent(), g.bias().isPresent(), where + " has bias");
        w.bias().ifPresent(b -> assertSameWeights(b, g.bias().orElseThrow(), where));
      } else {
        DenseLayer w = (DenseLayer) want;
        DenseLayer g = (DenseLayer) got;
        assertEquals(w.activation(), g.activation(), where);
        assertSameWeights(w.kernel(), g.kernel(), where);
        assertEquals(w.bias().isPresent(), g.bias().isPresent(), where + " has bias");
        w.bias().ifPresent(b -> assertSameWeights(b, g.bias().orElseThrow(), where));
      }
    }
    assertTrue(expected.paramCount() == actual.paramCount(), "param count");
  }

  private static void assertSameWeights(WeightArray expected, WeightArray actual, String where) {
    assertEquals(expected.name(), actual.name(), where);
    assertArrayEquals(expected.shape(), actual.shape(), where + " " + expected.name() + " shape");
    assertArrayEquals(expected.data(), actual.data(), where + " " + expected.name() + " values");
  }
}
