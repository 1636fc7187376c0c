package org.rnnscore.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnnscore.testing.ModelAssertions.assertSameModel;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnnscore.kernel.ForwardPass;
import org.rnnscore.model.Activation;
import org.rnnscore.model.ActivationLayer;
import org.rnnscore.model.BidirectionalLayer;
import org.rnnscore.model.BidirectionalLayer.MergeMode;
import org.rnnscore.model.DenseLayer;
import org.rnnscore.model.FlattenLayer;
import org.rnnscore.model.GruLayer;
import org.rnnscore.model.Layer;
import org.rnnscore.model.LstmLayer;
import org.rnnscore.model.MaskingLayer;
import org.rnnscore.model.RecurrentLayer;
import org.rnnscore.layers.RepeatVectorUnit.RepeatVectorLayer;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.Sequencing;
import org.rnnscore.model.SimpleRnnLayer;
import org.rnnscore.model.WeightArray;
import org.rnnscore.testing.KerasFileWriter;
import org.rnnscore.testing.RandomModels;

/** Models written in Keras' own layouts (see KerasFileWriter) read back layer for layer, weight for weight. */
class RoundTripTest {
  @TempDir
  Path dir;

  /** Every file form a model can be read from. */
  enum Form {
    /** tf.keras 2.x model.save("m.h5"). */
    LEGACY_H5,
    /** Keras 3 model.save("m.keras"). */
    KERAS_V3,
    /** tf.keras 2.x model.to_json() + model.save_weights("w.h5"). */
    JSON_AND_WEIGHTS,
    /** Keras 3 model.to_json() + model.save_weights("w.weights.h5"). */
    KERAS_V3_JSON_AND_WEIGHTS
  }

  /** Writes {@code model} in {@code form} and reads it back. */
  RnnModel roundTrip(RnnModel model, Form form, Set<String> timeDistributed, ReadOptions options) throws IOException {
    switch (form) {
      case LEGACY_H5: {
        Path file = dir.resolve("m.h5");
        KerasFileWriter.writeLegacyH5(file, model, timeDistributed);
        return ModelReader.read("m.h5", Files.readAllBytes(file), options);
      }
      case KERAS_V3: {
        Path file = dir.resolve("m.keras");
        KerasFileWriter.writeKerasV3(file, model, timeDistributed);
        return ModelReader.read("m.keras", Files.readAllBytes(file), options);
      }
      case JSON_AND_WEIGHTS: {
        Path json = dir.resolve("m.json");
        Path weights = dir.resolve("w.h5");
        KerasFileWriter.writeJsonAndWeights(json, weights, model, timeDistributed);
        return ModelReader.read("m.json", Files.readAllBytes(json), "w.h5", Files.readAllBytes(weights), options);
      }
      default: {
        byte[] json = KerasFileWriter.kerasV3Config(model, timeDistributed).toString().getBytes(StandardCharsets.UTF_8);
        byte[] weights = KerasFileWriter.kerasV3Weights(KerasFileWriter.kerasV3Vars(model, timeDistributed));
        return ModelReader.read("m.json", json, "w.weights.h5", weights, options);
      }
    }
  }

  RnnModel roundTrip(RnnModel model, Form form) throws IOException {
    return roundTrip(model, form, Set.of(), ReadOptions.DEFAULTS);
  }

  // ---- the classic SimpleRNN → Dense models ---------------------------------------------

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
    RnnModel read = roundTrip(original, Form.LEGACY_H5);
    assertSameModel(original, read);
    assertEquals("simple_rnn_input", read.inputName(), "tf.keras names the Sequential's InputLayer <first layer>_input");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void kerasV3(String label, RnnModel original) throws IOException {
    RnnModel read = roundTrip(original, Form.KERAS_V3);
    assertSameModel(original, read);
    assertEquals("input_layer", read.inputName());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void jsonAndWeights(String label, RnnModel original) throws IOException {
    assertSameModel(original, roundTrip(original, Form.JSON_AND_WEIGHTS));
    assertSameModel(original, roundTrip(original, Form.KERAS_V3_JSON_AND_WEIGHTS));
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
    SimpleRnnLayer rnn = (SimpleRnnLayer) original.layers().get(0);
    DenseLayer dense = original.denseLayers().get(0);
    RnnModel expected = new RnnModel(null, 0, List.of(
        new SimpleRnnLayer("simple_rnn", rnn.units(), renamed(rnn.kernel(), "Wx"), renamed(rnn.recurrentKernel(), "Wh"),
            rnn.bias().map(b -> renamed(b, "bh")).orElse(null), Activation.TANH),
        new DenseLayer("dense", dense.units(), renamed(dense.kernel(), "Wo"),
            dense.bias().map(b -> renamed(b, "bo")).orElse(null), Activation.LINEAR)));
    assertSameModel(expected, read);
    assertEquals("Wh", read.recurrent().recurrentKernel().name());
  }

  private static WeightArray renamed(WeightArray array, String name) {
    return new WeightArray(name, array.shape(), array.data());
  }

  @Test
  void npzWrittenCompressedAndAsFloat64ReadsTheSame() throws IOException {
    RnnModel original = RandomModels.model(6, 0, 3, 4, true, Activation.TANH, Activation.LINEAR, 2);
    java.util.Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
    RecurrentLayer rnn = original.recurrent();
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

  // ---- every layer kind and option, through every form ----------------------------------

  /** A model and the Dense layers to write as TimeDistributed. */
  record Case(String label, RnnModel model, Set<String> timeDistributed) {
    @Override
    public String toString() {
      return label;
    }
  }

  private static Sequencing seq(boolean returnSequences, boolean goBackwards, boolean zeroOutput) {
    return new Sequencing(returnSequences, goBackwards, zeroOutput);
  }

  static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    Random r = new Random(100);
    cases.add(new Case("stacked LSTM → LSTM → Dense (dl4j fullconfigs shape)", new RnnModel(null, 4, List.of(
        RandomModels.recurrent(r, "LSTM", "lstm_1", 12, 6, true, Activation.TANH, Activation.SIGMOID, false,
            Sequencing.SEQUENCES),
        RandomModels.recurrent(r, "LSTM", "lstm_2", 6, 6, true, Activation.TANH, Activation.SIGMOID, false,
            Sequencing.LAST),
        RandomModels.dense(r, "dense_1", 6, 1, true, Activation.SIGMOID))), Set.of()));
    for (boolean resetAfter : new boolean[] {true, false}) {
      for (boolean bias : new boolean[] {true, false}) {
        cases.add(new Case("GRU reset_after=" + resetAfter + " use_bias=" + bias, new RnnModel(null, 0, List.of(
            RandomModels.recurrent(r, "GRU", "gru", 3, 4, bias, Activation.TANH, Activation.SIGMOID, resetAfter,
                Sequencing.LAST),
            RandomModels.dense(r, "dense", 4, 2, bias, Activation.LINEAR))), Set.of()));
      }
    }
    cases.add(new Case("three kinds stacked, go_backwards, zero_output_for_mask, no bias", new RnnModel("x", 5, List.of(
        RandomModels.recurrent(r, "SimpleRNN", "simple_rnn", 2, 3, false, Activation.RELU, null, false,
            seq(true, true, true)),
        RandomModels.recurrent(r, "GRU", "gru", 3, 2, false, Activation.SOFTSIGN, Activation.TANH, true,
            seq(true, false, true)),
        RandomModels.recurrent(r, "LSTM", "lstm", 2, 3, false, Activation.ELU, Activation.SIGMOID, false,
            seq(false, true, false)))), Set.of()));
    for (String kind : RandomModels.RECURRENT_KINDS) {
      for (MergeMode mode : MergeMode.values()) {
        for (boolean custom : new boolean[] {false, true}) {
          String base = kind.toLowerCase(java.util.Locale.ROOT);
          cases.add(new Case("Bidirectional(" + kind + ") " + mode + (custom ? " custom backward_layer" : ""),
              new RnnModel(null, 3, List.of(
                  RandomModels.bidirectional(r, "bidirectional", base, kind, 2, 3, mode, true, true, custom),
                  RandomModels.bidirectional(r, "bidirectional_1", base + "_1", kind, 2 * 3 + (mode == MergeMode.CONCAT
                      && custom ? 1 : 0) - (mode == MergeMode.CONCAT ? 0 : 3), 2, mode, false, false, false),
                  RandomModels.dense(r, "dense", mode == MergeMode.CONCAT ? 4 : 2, 1, true, Activation.SIGMOID))),
              Set.of()));
        }
      }
    }
    cases.add(new Case("Embedding(mask_zero) → LSTM → Dense(softmax)", new RnnModel(null, 6, List.of(
        RandomModels.embedding(r, "embedding", 20, 4, true),
        RandomModels.recurrent(r, "LSTM", "lstm", 4, 5, true, Activation.TANH, Activation.SIGMOID, false,
            Sequencing.LAST),
        RandomModels.dense(r, "dense", 5, 3, true, Activation.SOFTMAX))), Set.of()));
    cases.add(new Case("Embedding without mask, length undeclared → Bidirectional(GRU)", new RnnModel(null, 0, List.of(
        RandomModels.embedding(r, "embedding", 7, 2, false),
        RandomModels.bidirectional(r, "bidirectional", "gru", "GRU", 2, 3, MergeMode.AVE, false, true, false))),
        Set.of()));
    cases.add(new Case("Masking(-1) → GRU(return_sequences) → TimeDistributed(Dense) → TimeDistributed(Dense)",
        new RnnModel(null, 0, List.of(
            new MaskingLayer("masking", -1f),
            RandomModels.recurrent(r, "GRU", "gru", 3, 4, true, Activation.TANH, Activation.SIGMOID, true,
                Sequencing.SEQUENCES),
            RandomModels.dense(r, "time_distributed", 4, 3, true, Activation.RELU),
            RandomModels.dense(r, "time_distributed_1", 3, 1, true, Activation.SIGMOID))),
        Set.of("time_distributed", "time_distributed_1")));
    cases.add(new Case("SimpleRNN(return_sequences) → Flatten → Dense → Activation (dl4j simple_flatten_rnn shape)",
        new RnnModel(null, 3, List.of(
            RandomModels.recurrent(r, "SimpleRNN", "simple_rnn_1", 1, 5, true, Activation.TANH, null, false,
                Sequencing.SEQUENCES),
            new FlattenLayer("flatten_1"),
            RandomModels.dense(r, "dense_1", 15, 2, true, Activation.LINEAR),
            new ActivationLayer("activation", Activation.SOFTMAX))), Set.of()));
    cases.add(new Case("LSTM → RepeatVector(4) → LSTM(return_sequences) → TimeDistributed(Dense) (LSTM autoencoder)",
        new RnnModel(null, 0, List.of(
            RandomModels.recurrent(r, "LSTM", "lstm", 3, 5, true, Activation.RELU, Activation.SIGMOID, false,
                Sequencing.LAST),
            new RepeatVectorLayer("repeat_vector", 4),
            RandomModels.recurrent(r, "LSTM", "lstm_1", 5, 2, true, Activation.TANH, Activation.SIGMOID, false,
                Sequencing.SEQUENCES),
            RandomModels.dense(r, "time_distributed", 2, 3, true, Activation.LINEAR))), Set.of("time_distributed")));
    cases.add(new Case("Dense on a sequence, not wrapped, then LSTM", new RnnModel(null, 2, List.of(
        RandomModels.dense(r, "dense", 3, 4, true, Activation.RELU),
        RandomModels.recurrent(r, "LSTM", "lstm", 4, 2, true, Activation.TANH, Activation.SIGMOID, false,
            Sequencing.LAST))), Set.of()));
    return cases;
  }

  static Stream<Arguments> casesInEveryForm() {
    return cases().stream().flatMap(c -> Stream.of(Form.values()).map(form -> Arguments.of(c, form)));
  }

  @ParameterizedTest(name = "{0} via {1}")
  @MethodSource("casesInEveryForm")
  void everyLayerKindAndOption(Case c, Form form) throws IOException {
    assertSameModel(c.model(), roundTrip(c.model(), form, c.timeDistributed(), ReadOptions.DEFAULTS));
  }

  static Stream<Arguments> randomChainsInEveryForm() {
    return LongStream.rangeClosed(1, 40).boxed()
        .flatMap(seed -> Stream.of(Form.values()).map(form -> Arguments.of(seed, form)));
  }

  /** Seeded random chains of every layer kind with random options. */
  @ParameterizedTest(name = "seed {0} via {1}")
  @MethodSource("randomChainsInEveryForm")
  void randomChains(long seed, Form form) throws IOException {
    RnnModel original = RandomModels.randomChain(seed);
    RnnModel read = roundTrip(original, form);
    assertSameModel(original, read);
    if (original.inputName() != null) {
      assertEquals(original.inputName(), read.inputName());
    }
  }

  /** The random chains do cover every layer class and the options that matter. */
  @Test
  void randomChainsCoverEveryLayerKind() {
    Set<String> seen = new java.util.TreeSet<>();
    for (long seed = 1; seed <= 40; seed++) {
      for (Layer layer : RandomModels.randomChain(seed).layers()) {
        seen.add(layer.kerasClass());
        if (layer instanceof BidirectionalLayer) {
          seen.add("Bidirectional(" + ((BidirectionalLayer) layer).forward().kerasClass() + ")");
        }
        if (layer instanceof RecurrentLayer && ((RecurrentLayer) layer).goBackwards()) {
          seen.add("go_backwards");
        }
        if (layer instanceof RecurrentLayer && ((RecurrentLayer) layer).bias().isEmpty()) {
          seen.add("use_bias=False");
        }
      }
    }
    assertEquals(Set.of("Activation", "Bidirectional", "Bidirectional(GRU)", "Bidirectional(LSTM)",
        "Bidirectional(SimpleRNN)", "Dense", "Embedding", "Flatten", "GRU", "LSTM", "Masking", "SimpleRNN",
        "go_backwards", "use_bias=False"), seen);
  }

  // ---- Keras-version-dependent readings -------------------------------------------------

  private static RnnModel hardSigmoidModel(Activation hardSigmoid) {
    Random r = new Random(7);
    return new RnnModel(null, 0, List.of(
        RandomModels.recurrent(r, "LSTM", "lstm", 2, 3, true, Activation.TANH, hardSigmoid, false, Sequencing.LAST),
        RandomModels.dense(r, "dense", 3, 1, true, hardSigmoid)));
  }

  /** hard_sigmoid means different functions in Keras 2 and 3; the file's keras_version decides. */
  @ParameterizedTest
  @EnumSource(Form.class)
  void hardSigmoidFollowsTheKerasVersionOfTheFile(Form form) throws IOException {
    boolean keras3 = form == Form.KERAS_V3 || form == Form.KERAS_V3_JSON_AND_WEIGHTS;
    Activation expected = keras3 ? Activation.HARD_SIGMOID_KERAS3 : Activation.HARD_SIGMOID_KERAS2;
    RnnModel read = roundTrip(hardSigmoidModel(expected), form);
    assertEquals(expected, ((LstmLayer) read.layers().get(0)).recurrentActivation());
    assertEquals(expected, read.denseLayers().get(0).activation());
  }

  /** ReadOptions forces either definition, whatever the file says. */
  @ParameterizedTest
  @EnumSource(Form.class)
  void hardSigmoidCanBeForced(Form form) throws IOException {
    boolean keras3 = form == Form.KERAS_V3 || form == Form.KERAS_V3_JSON_AND_WEIGHTS;
    RnnModel written = hardSigmoidModel(keras3 ? Activation.HARD_SIGMOID_KERAS3 : Activation.HARD_SIGMOID_KERAS2);
    for (int forced : new int[] {2, 3}) {
      RnnModel read = roundTrip(written, form, Set.of(), ReadOptions.forceHardSigmoid(forced));
      Activation expected = forced == 3 ? Activation.HARD_SIGMOID_KERAS3 : Activation.HARD_SIGMOID_KERAS2;
      assertEquals(expected, ((LstmLayer) read.layers().get(0)).recurrentActivation(), "forced " + forced);
      assertEquals(expected, read.denseLayers().get(0).activation(), "forced " + forced);
      assertEquals(Activation.TANH, ((LstmLayer) read.layers().get(0)).activation(), "other activations unchanged");
    }
  }

  private RnnModel readJsonPair(ObjectNode config, RnnModel model) throws IOException {
    Path json = dir.resolve("c.json");
    Path weights = dir.resolve("c.h5");
    KerasFileWriter.writeJsonAndWeights(json, weights, model);
    return ModelReader.read("c.json", KerasFileWriter.json(config).getBytes(StandardCharsets.UTF_8), "c.h5",
        Files.readAllBytes(weights), ReadOptions.DEFAULTS);
  }

  private static RnnModel gruModel(boolean resetAfter, boolean bias) {
    Random r = new Random(8);
    return new RnnModel(null, 0, List.of(
        RandomModels.recurrent(r, "GRU", "gru", 2, 3, bias, Activation.TANH, Activation.HARD_SIGMOID_KERAS2, resetAfter,
            Sequencing.LAST)));
  }

  /**
   * Configs from before reset_after (Keras 2.0–2.1) lack it: False, as those Keras had only that
   * form. Where a bias is present its shape tells; without one the Keras version gives the default.
   */
  @Test
  void gruWithoutResetAfterInTheConfig() throws IOException {
    for (boolean resetAfter : new boolean[] {true, false}) {
      RnnModel model = gruModel(resetAfter, true);
      ObjectNode config = KerasFileWriter.legacyModelConfig(model);
      ((ObjectNode) config.get("config").get("layers").get(1).get("config")).remove("reset_after");
      config.put("keras_version", "2.1.3");
      assertEquals(resetAfter, ((GruLayer) readJsonPair(config, model).layers().get(0)).resetAfter(), "from the bias");
    }
    String[] versions = {"2.1.3", "2.2.4", "2.3.1", "2.2.4-tf", "2.15.0"};
    boolean[] modernity = {false, false, true, true, true};
    for (int i = 0; i < versions.length; i++) {
      String version = versions[i];
      boolean modern = modernity[i];
      RnnModel model = gruModel(modern, false);
      ObjectNode config = KerasFileWriter.legacyModelConfig(model);
      ((ObjectNode) config.get("config").get("layers").get(1).get("config")).remove("reset_after");
      config.put("keras_version", version);
      assertEquals(modern, ((GruLayer) readJsonPair(config, model).layers().get(0)).resetAfter(), version);
    }
  }

  /**
   * Keras' Bidirectional (tf.keras, Keras 2.3+, 3) forces zero_output_for_mask =
   * return_sequences on its halves; standalone Keras 2.0–2.2 did not have the option.
   */
  @Test
  void bidirectionalZeroOutputForMaskFollowsTheKerasVersion() throws IOException {
    Random r = new Random(9);
    RnnModel model = new RnnModel(null, 0, List.of(
        RandomModels.bidirectional(r, "bidirectional", "lstm", "LSTM", 2, 3, MergeMode.CONCAT, true, true, false)));
    ObjectNode config = KerasFileWriter.legacyModelConfig(model);
    BidirectionalLayer modern = (BidirectionalLayer) readJsonPair(config, model).layers().get(0);
    assertTrue(modern.forward().sequencing().zeroOutputForMask());
    assertTrue(modern.backward().sequencing().zeroOutputForMask());
    config.put("keras_version", "2.1.3");
    ((ObjectNode) config.get("config").get("layers").get(1).get("config").get("layer").get("config"))
        .remove("zero_output_for_mask"); // Keras 2.1 had no such option
    BidirectionalLayer old = (BidirectionalLayer) readJsonPair(config, model).layers().get(0);
    assertEquals(new Sequencing(true, false, false), old.forward().sequencing());
    assertEquals(new Sequencing(true, true, false), old.backward().sequencing());
  }

  /** Keras 3's config always carries backward_layer; without one the backward half is derived, named as Keras names it. */
  @Test
  void keras3BidirectionalWithoutBackwardLayerConfig() throws IOException {
    Random r = new Random(10);
    RnnModel model = new RnnModel(null, 0, List.of(
        RandomModels.bidirectional(r, "bidirectional", "gru", "GRU", 2, 3, MergeMode.SUM, false, true, false)));
    ObjectNode config = KerasFileWriter.kerasV3Config(model);
    ObjectNode bidirectional = (ObjectNode) config.get("config").get("layers").get(1).get("config");
    bidirectional.remove("backward_layer");
    ((ObjectNode) bidirectional.get("layer").get("config")).put("name", "gru");
    Path file = dir.resolve("b.keras");
    KerasFileWriter.writeKerasV3(file, model, KerasFileWriter.json(config));
    assertSameModel(model, ModelReader.read("b.keras", Files.readAllBytes(file)));
  }

  // ---- layers skipped, weights found by position ------------------------------------------

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

  /** Layers that are identities at inference are skipped, in every form; the layers around them keep their weights. */
  @ParameterizedTest
  @EnumSource(value = Form.class, names = {"LEGACY_H5", "KERAS_V3"})
  void inferenceIdentitiesAreSkipped(Form form) throws IOException {
    Random r = new Random(11);
    RnnModel original = new RnnModel(null, 4, List.of(
        RandomModels.recurrent(r, "LSTM", "lstm", 2, 3, true, Activation.TANH, Activation.SIGMOID, false,
            Sequencing.SEQUENCES),
        RandomModels.recurrent(r, "LSTM", "lstm_1", 3, 3, true, Activation.TANH, Activation.SIGMOID, false,
            Sequencing.LAST),
        RandomModels.dense(r, "dense", 3, 2, true, Activation.LINEAR),
        new ActivationLayer("activation", Activation.SOFTMAX)));
    boolean keras3 = form == Form.KERAS_V3;
    ObjectNode config = keras3 ? KerasFileWriter.kerasV3Config(original) : KerasFileWriter.legacyModelConfig(original);
    ArrayNode list = (ArrayNode) config.get("config").get("layers");
    String[][] identities = {{"Dropout", "rate"}, {"SpatialDropout1D", "rate"}, {"GaussianNoise", "stddev"},
        {"GaussianDropout", "rate"}, {"AlphaDropout", "rate"}, {"ActivityRegularization", "l1"}};
    int at = 2; // after InputLayer and the first LSTM
    for (String[] identity : identities) {
      ObjectNode entry = list.insertObject(at++);
      if (keras3) {
        entry.put("module", "keras.layers");
      }
      entry.put("class_name", identity[0]);
      entry.putObject("config").put("name", identity[0].toLowerCase(java.util.Locale.ROOT)).put(identity[1], 0.25);
    }
    RnnModel read;
    if (keras3) {
      Path file = dir.resolve("d.keras");
      KerasFileWriter.writeKerasV3(file, original, KerasFileWriter.json(config));
      read = ModelReader.read("d.keras", Files.readAllBytes(file));
    } else {
      Path file = dir.resolve("d.h5");
      KerasFileWriter.writeLegacyH5(file, original, KerasFileWriter.json(config));
      read = ModelReader.read("d.h5", Files.readAllBytes(file));
    }
    assertSameModel(original, read);
  }

  /** A full-model .h5 given as the weights of a JSON + weights pair: its model_weights group is used. */
  @Test
  void fullModelH5AsTheWeightsOfAPair() throws IOException {
    RnnModel original = cases().get(0).model();
    Path h5 = dir.resolve("full.h5");
    KerasFileWriter.writeLegacyH5(h5, original);
    byte[] json = KerasFileWriter.legacyModelConfig(original).toString().getBytes(StandardCharsets.UTF_8);
    assertSameModel(original, ModelReader.read("m.json", json, "full.h5", Files.readAllBytes(h5), null));
  }

  /** The same rows score the same through the original and the re-read model. */
  @Test
  void readBackModelScoresLikeTheOriginal() throws IOException {
    RnnModel original = RandomModels.model(10, 5, 3, 4, true, Activation.TANH, Activation.LINEAR, 2);
    RnnModel read = roundTrip(original, Form.LEGACY_H5);
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
}
