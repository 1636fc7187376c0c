package org.rnnscore.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rnnscore.model.Activation;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.WeightArray;
import org.rnnscore.testing.SharedData;

/** Format details checked against files written by numpy itself, and the config spellings of each Keras generation. */
class FormatDetailsTest {
  /**
   * np.savez(Wx=(2,3), Wh=(3,3), bh=(3,), Wo=(3,1), bo=[0.5]) float32 from numpy 2.4: entries with
   * zip64 extra fields (numpy forces them), as java.util.zip never writes them.
   */
  private static final String NUMPY_NPZ = "UEsDBC0AAAAAAAAAIQD2foND//////////8GABQAV3gubnB5AQAQAJgAAAAAAAAAmAAAAAAAAACTTlVNUFkBAHYAeydkZXNjcic6ICc8ZjQnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgCmy/AD5/Rge+vfIjP9/V1j2hIQm//SK5PlBLAwQtAAAAAAAAACEAHFeZCf//////////BgAUAFdoLm5weQEAEACkAAAAAAAAAKQAAAAAAAAAk05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAp56aY/5nNyP/4nNL9V+aG/6o4fv25FKT1OzRTA7ApgvgN6n79QSwMELQAAAAAAAAAhAEqDTMX//////////wYAFABiaC5ucHkBABAAjAAAAAAAAACMAAAAAAAAAJNOVU1QWQEAdgB7J2Rlc2NyJzogJzxmNCcsICdmb3J0cmFuX29yZGVyJzogRmFsc2UsICdzaGFwZSc6ICgzLCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAK4HU7v49UC78Y8qG+UEsDBC0AAAAAAAAAIQDuncz0//////////8GABQAV28ubnB5AQAQAIwAAAAAAAAAjAAAAAAAAACTTlVNUFkBAHYAeydkZXNjcic6ICc8ZjQnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMywgMSksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgCj3B0j4UcYU/l54DvlBLAwQtAAAAAAAAACEAGq7USP//////////BgAUAGJvLm5weQEAEACEAAAAAAAAAIQAAAAAAAAAk05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDEsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAA/UEsBAi0DLQAAAAAAAAAhAPZ+g0OYAAAAmAAAAAYAAAAAAAAAAAAAAIABAAAAAFd4Lm5weVBLAQItAy0AAAAAAAAAIQAcV5kJpAAAAKQAAAAGAAAAAAAAAAAAAACAAdAAAABXaC5ucHlQSwECLQMtAAAAAAAAACEASoNMxYwAAACMAAAABgAAAAAAAAAAAAAAgAGsAQAAYmgubnB5UEsBAi0DLQAAAAAAAAAhAO6dzPSMAAAAjAAAAAYAAAAAAAAAAAAAAIABcAIAAFdvLm5weVBLAQItAy0AAAAAAAAAIQAartRIhAAAAIQAAAAGAAAAAAAAAAAAAACAATQDAABiby5ucHlQSwUGAAAAAAUABQAEAQAA8AMAAAAA";

  @Test
  void npzWrittenByNumpy() {
    RnnModel model = ModelReader.read("numpy.npz", Base64.getDecoder().decode(NUMPY_NPZ));
    assertEquals("T=any D=2 M=3 K=1", model.dimensionsText());
    assertArrayEquals(new float[] {1.3040000200271606f, 0.9470809698104858f, -0.7037352323532104f,
        -1.2654215097427368f, -0.6232744455337524f, 0.04132597893476486f, -2.32503080368042f, -0.218791663646698f,
        -1.2459110021591187f}, model.recurrent().recurrentKernel().data());
    assertArrayEquals(new float[] {0.5f}, model.denseLayers().get(0).bias().orElseThrow().data());
    assertEquals(Activation.TANH, model.recurrent().activation());
    assertNull(model.inputName());
  }

  /** A real .npy from numpy (dl4j's predictions.npy: float32, shape (283,)). */
  @Test
  void npyWrittenByNumpy() throws IOException {
    Path file = SharedData.require(
        "keras-conformance/dl4j-test-resources/src/main/resources/modelimport/keras/fullconfigs/lstm/predictions.npy");
    WeightArray array = NpyArrays.parse("predictions", Files.readAllBytes(file));
    assertArrayEquals(new int[] {283}, array.shape());
    for (int i = 0; i < array.size(); i++) {
      float p = array.get(i);
      assertEquals(true, p >= 0 && p <= 1, "a sigmoid output at " + i + ": " + p);
    }
  }

  @Test
  void npyBigEndianFloat64AndScalar() {
    java.nio.ByteBuffer data = java.nio.ByteBuffer.allocate(16);
    data.putDouble(1.5).putDouble(-2.25);
    WeightArray array = NpyArrays.parse("x",
        org.rnnscore.testing.KerasFileWriter.npy(">f8", false, new int[] {2, 1}, data.array()));
    assertArrayEquals(new int[] {2, 1}, array.shape());
    assertArrayEquals(new float[] {1.5f, -2.25f}, array.data());
  }

  @Test
  void kerasVersions() {
    assertEquals(2, KerasConfig.majorVersion("2.1.3", 0));
    assertEquals(2, KerasConfig.majorVersion("2.2.4-tf", 0));
    assertEquals(3, KerasConfig.majorVersion("3.10.0", 0));
    assertEquals(7, KerasConfig.majorVersion(null, 7));
    assertEquals(7, KerasConfig.majorVersion("unknown", 7));
  }

  @Test
  void kerasVersionDetails() {
    assertEquals(new KerasVersion("2.2.4-tf", 2, 2, true), KerasVersion.parse("2.2.4-tf", 0));
    assertEquals(new KerasVersion("2.0.8", 2, 0, false), KerasVersion.parse("2.0.8", 0));
    assertEquals(new KerasVersion(null, 3, -1, false), KerasVersion.parse(null, 3));
    assertEquals(false, KerasVersion.parse("2.2.5", 0).modern());
    assertEquals(true, KerasVersion.parse("2.3.0", 0).modern());
    assertEquals(true, KerasVersion.parse("2.2.4-tf", 0).modern());
    assertEquals(true, KerasVersion.parse("3.0.0", 0).modern());
    assertEquals(false, KerasVersion.parse(null, 2).modern());
  }

  /** Keras 3's saving_lib paths: class and position, then the wrapped layers by attribute name. */
  @Test
  void keras3WeightPathsOfWrappers() {
    List<LayerSpec> layers = layers("{\"class_name\": \"Sequential\", \"config\": {\"layers\": ["
        + "{\"class_name\": \"InputLayer\", \"config\": {\"name\": \"in\", \"batch_shape\": [null, 4, 2]}},"
        + "{\"class_name\": \"Bidirectional\", \"config\": {\"name\": \"b\", \"layer\": {\"class_name\":"
        + " \"LSTM\", \"config\": {\"name\": \"forward_l\", \"units\": 2, \"return_sequences\": true}}}},"
        + "{\"class_name\": \"Bidirectional\", \"config\": {\"name\": \"b2\", \"layer\": {\"class_name\":"
        + " \"GRU\", \"config\": {\"name\": \"g\", \"units\": 2, \"return_sequences\": true}}}},"
        + "{\"class_name\": \"TimeDistributed\", \"config\": {\"name\": \"t\", \"layer\": {\"class_name\":"
        + " \"Dense\", \"config\": {\"name\": \"d\", \"units\": 1}}}},"
        + "{\"class_name\": \"Embedding\", \"config\": {\"name\": \"e\", \"input_dim\": 3, \"output_dim\": 1}}"
        + "]}}", 3);
    assertEquals(List.of("bidirectional/forward_layer/cell/vars", "bidirectional/backward_layer/cell/vars"),
        KerasV3Reader.varsPaths(layers.get(0)));
    assertEquals(List.of("bidirectional_1/forward_layer/cell/vars", "bidirectional_1/backward_layer/cell/vars"),
        KerasV3Reader.varsPaths(layers.get(1)));
    assertEquals(List.of("time_distributed/layer/vars"), KerasV3Reader.varsPaths(layers.get(2)));
    assertEquals(List.of("embedding/vars"), KerasV3Reader.varsPaths(layers.get(3)));
    // Halves named as Keras names them: forward_ + the wrapped name without forward_, backward_ + the wrapped name
    // without backward_ when derived (so Keras itself would call this one backward_forward_l).
    assertEquals("forward_l", layers.get(0).forward.name);
    assertEquals("backward_forward_l", layers.get(0).backward.name);
    assertEquals("forward_g", layers.get(1).forward.name);
    assertEquals("backward_g", layers.get(1).backward.name);
    assertEquals(true, layers.get(1).backward.config.get("go_backwards").asBoolean());
  }

  /** A config without recurrent_activation gets the default of the Keras that wrote it. */
  @Test
  void recurrentActivationDefaultsFollowTheKerasVersion() {
    String json = "{\"class_name\": \"Sequential\", \"config\": [{\"class_name\": \"LSTM\", \"config\":"
        + " {\"name\": \"l\", \"units\": 1, \"batch_input_shape\": [null, 2, 1]}}]}";
    KerasConfig.WeightSource zeros = layer -> List.of(new WeightArray("k", new int[] {1, 4}, new float[4]),
        new WeightArray("r", new int[] {1, 4}, new float[4]), new WeightArray("b", new int[] {4}, new float[4]));
    String[] versions = {"2.1.3", "2.2.4-tf", "2.3.1", "3.6.0"};
    Activation[] expected = {Activation.HARD_SIGMOID_KERAS2, Activation.SIGMOID, Activation.SIGMOID,
        Activation.SIGMOID};
    for (int i = 0; i < versions.length; i++) {
      RnnModel model = KerasConfig.parse(KerasConfig.json("config", json), "config", KerasVersion.parse(versions[i], 2),
          ReadOptions.DEFAULTS).build(zeros);
      assertEquals(expected[i], model.recurrent().recurrentActivation(), versions[i]);
      assertEquals(Activation.TANH, model.recurrent().activation(), versions[i]);
    }
  }

  @Test
  void snakeCaseAsKerasNamesWeightGroups() {
    assertEquals("simple_rnn", KerasConfig.snakeCase("SimpleRNN"));
    assertEquals("dense", KerasConfig.snakeCase("Dense"));
    assertEquals("gaussian_dropout", KerasConfig.snakeCase("GaussianDropout"));
    assertEquals("lstm", KerasConfig.snakeCase("LSTM"));
    assertEquals("gru", KerasConfig.snakeCase("GRU"));
    assertEquals("time_distributed", KerasConfig.snakeCase("TimeDistributed"));
    assertEquals("bidirectional", KerasConfig.snakeCase("Bidirectional"));
  }

  private static List<LayerSpec> layers(String json, int major) {
    return KerasConfig.parse(KerasConfig.json("config", json), "config", major).layers();
  }

  /** Keras 2.0/2.1 Sequential: the config is the bare layer list; Dropout skipped but counted per class. */
  @Test
  void keras2BareListSequential() {
    List<LayerSpec> layers = layers("{\"class_name\": \"Sequential\", \"config\": ["
        + "{\"class_name\": \"SimpleRNN\", \"config\": {\"name\": \"r\", \"units\": 2, \"batch_input_shape\": [null, null, 1]}},"
        + "{\"class_name\": \"Dropout\", \"config\": {\"name\": \"d\", \"rate\": 0.1}},"
        + "{\"class_name\": \"Dense\", \"config\": {\"name\": \"x\", \"units\": 1}},"
        + "{\"class_name\": \"Dense\", \"config\": {\"name\": \"y\", \"units\": 1}}]}", 2);
    assertEquals(3, layers.size());
    assertEquals(List.of("simple_rnn/cell/vars"), KerasV3Reader.varsPaths(layers.get(0)));
    assertEquals(List.of("dense/vars"), KerasV3Reader.varsPaths(layers.get(1)));
    assertEquals(List.of("dense_1/vars"), KerasV3Reader.varsPaths(layers.get(2)));
  }

  /** A Keras 3 functional chain, with its inbound-node format and activations serialized as objects. */
  @Test
  void keras3FunctionalChainIsAccepted() {
    String tensor = "{\"class_name\": \"__keras_tensor__\", \"config\": {\"keras_history\": [\"%s\", 0, 0]}}";
    String json = "{\"module\": \"keras\", \"class_name\": \"Functional\", \"config\": {\"name\": \"f\", \"layers\": ["
        + "{\"class_name\": \"InputLayer\", \"config\": {\"batch_shape\": [null, 6, 2], \"name\": \"inp\"}, \"name\": \"inp\","
        + " \"inbound_nodes\": []},"
        + "{\"class_name\": \"SimpleRNN\", \"config\": {\"name\": \"r\", \"units\": 2, \"activation\": {\"module\":"
        + " \"keras.activations\", \"class_name\": \"function\", \"config\": \"hard_sigmoid\", \"registered_name\":"
        + " \"function\"}}, \"name\": \"r\", \"inbound_nodes\": [{\"args\": [" + String.format(tensor, "inp")
        + "], \"kwargs\": {\"training\": false, \"mask\": null}}]},"
        + "{\"class_name\": \"Dense\", \"config\": {\"name\": \"o\", \"units\": 1}, \"name\": \"o\","
        + " \"inbound_nodes\": [{\"args\": [" + String.format(tensor, "r") + "], \"kwargs\": {}}]}],"
        + " \"input_layers\": [[\"inp\", 0, 0]], \"output_layers\": [\"o\", 0, 0]}}";
    KerasConfig config = KerasConfig.parse(KerasConfig.json("config", json), "config", 3);
    RnnModel model = config.build(layer -> layer.isRecurrent()
        ? List.of(new WeightArray("k", new int[] {2, 2}, new float[4]), new WeightArray("r", new int[] {2, 2}, new float[4]),
            new WeightArray("b", new int[] {2}, new float[2]))
        : List.of(new WeightArray("k", new int[] {2, 1}, new float[2]), new WeightArray("b", new int[] {1}, new float[1])));
    assertEquals("inp", model.inputName());
    assertEquals(6, model.declaredTimesteps().getAsInt());
    assertEquals(Activation.HARD_SIGMOID_KERAS3, model.recurrent().activation());
    assertEquals(Activation.HARD_SIGMOID_KERAS2, KerasConfig.parse(KerasConfig.json("config", json), "config",
        new KerasVersion("3.6.0", 3, 6, false), ReadOptions.forceHardSigmoid(2)).build(layer -> layer.isRecurrent()
        ? List.of(new WeightArray("k", new int[] {2, 2}, new float[4]), new WeightArray("r", new int[] {2, 2}, new float[4]),
            new WeightArray("b", new int[] {2}, new float[2]))
        : List.of(new WeightArray("k", new int[] {2, 1}, new float[2]), new WeightArray("b", new int[] {1}, new float[1])))
        .recurrent().activation(), "forced");
    assertEquals(Activation.LINEAR, model.denseLayers().get(0).activation());
  }

  /** The walk wires a Functional model by its inbound nodes; a layer left out (Dropout) stands for what it reads. */
  @Test
  void functionalChain_wiredByInboundNodes_dropoutStandsForItsInput() {
    String json = "{\"class_name\": \"Functional\", \"config\": {\"name\": \"f\", \"layers\": ["
        + "{\"class_name\": \"InputLayer\", \"name\": \"inp\", \"config\": {\"batch_input_shape\": [null, 4, 2],"
        + " \"name\": \"inp\"}, \"inbound_nodes\": []},"
        + "{\"class_name\": \"GRU\", \"name\": \"g\", \"config\": {\"name\": \"g\", \"units\": 1,"
        + " \"reset_after\": false}, \"inbound_nodes\": [[[\"inp\", 0, 0, {}]]]},"
        + "{\"class_name\": \"Dropout\", \"name\": \"drop\", \"config\": {\"name\": \"drop\", \"rate\": 0.5},"
        + " \"inbound_nodes\": [[[\"g\", 0, 0, {}]]]},"
        + "{\"class_name\": \"Dense\", \"name\": \"o\", \"config\": {\"name\": \"o\", \"units\": 1},"
        + " \"inbound_nodes\": [[[\"drop\", 0, 0, {}]]]}],"
        + " \"input_layers\": [[\"inp\", 0, 0]], \"output_layers\": [[\"o\", 0, 0]]}}";
    RnnModel model = KerasConfig.parse(KerasConfig.json("config", json), "config", 2).build(layer -> layer.isRecurrent()
        ? List.of(new WeightArray("k", new int[] {2, 3}, new float[6]), new WeightArray("r", new int[] {1, 3},
            new float[3]), new WeightArray("b", new int[] {3}, new float[3]))
        : List.of(new WeightArray("k", new int[] {1, 1}, new float[1]), new WeightArray("b", new int[] {1}, new float[1])));
    assertEquals(List.of(List.of(-1), List.of(0)), model.nodes().stream().map(n -> n.inputs()).toList());
    assertEquals(1, model.outputNode());
    assertEquals(List.of("g", "o"), model.layers().stream().map(l -> l.name()).toList());
  }
}
