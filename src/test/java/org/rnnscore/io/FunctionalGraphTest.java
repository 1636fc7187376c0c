package org.rnnscore.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnscore.kernel.ReferenceForwardPass;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.Node;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.WeightArray;
import org.rnnscore.testing.KerasFileWriter;
import org.rnnscore.testing.RandomModels;

/**
 * Functional models that are not one chain: branches joined by the merge layers, as tf.keras 2
 * (.h5) and Keras 3 (.keras) write them, read back into the same graph; and what is still
 * refused, by name.
 */
class FunctionalGraphTest {
  private static final int SEEDS = 40;

  @TempDir
  Path dir;

  /** The config alone (no file): the walk rebuilds the graph, node for node, from the inbound nodes. */
  @Test
  void configs_ofRandomGraphs_readBackAsTheSameGraph() {
    for (long seed = 0; seed < SEEDS; seed++) {
      RnnModel model = RandomModels.randomGraph(seed);
      Map<String, Map<String, WeightArray>> weights = KerasFileWriter.legacyWeights(model);
      KerasConfig.WeightSource source = spec -> new ArrayList<>(weights.get(spec.name).values());
      assertSameGraph(model, KerasConfig.parse(KerasFileWriter.legacyFunctionalConfig(model), "model_config", 2)
          .build(source), "keras 2, seed " + seed);
      KerasConfig keras3 = KerasConfig.parse(KerasFileWriter.kerasV3FunctionalConfig(model), "config.json", 3);
      if (maskedMerge(model) == null) {
        assertSameGraph(model, keras3.build(source), "keras 3, seed " + seed);
      } else {
        assertEquals(maskedMergeRefusal(maskedMerge(model)), assertThrows(ModelFormatException.class,
            () -> keras3.build(source)).getMessage(), "keras 3, seed " + seed);
      }
    }
  }

  /** The merge a mask reaches, or null: Keras 3 (3.4+) merges masks otherwise than Keras 2, so such files are refused. */
  private static org.rnnscore.model.Layer maskedMerge(RnnModel model) {
    return model.firstMaskReached(layer -> layer instanceof org.rnnscore.model.MergeLayer);
  }

  private static String maskedMergeRefusal(org.rnnscore.model.Layer merge) {
    return "layer '" + merge.name() + "' (" + merge.kerasClass() + ") merges inputs that a mask (from Masking or"
        + " Embedding(mask_zero)) reaches, in a Keras 3 file: Keras 3 changed how merges combine masks and masked"
        + " values (3.4), and rnnscore runs only Keras 2's rule (AND of the masks)";
  }

  /** Seq2seq graphs: the decoder's initial_state wiring survives both formats (Keras 2: extra call tensors; 3: kwargs). */
  @Test
  void configs_ofRandomSeq2seq_readBackWithTheirInitialStateWiring() {
    for (long seed = 0; seed < SEEDS; seed++) {
      RnnModel model = RandomModels.randomSeq2seq(seed);
      Map<String, Map<String, WeightArray>> weights = KerasFileWriter.legacyWeights(model);
      KerasConfig.WeightSource source = spec -> new ArrayList<>(weights.get(spec.name).values());
      assertSameGraph(model, KerasConfig.parse(KerasFileWriter.legacyFunctionalConfig(model), "model_config", 2)
          .build(source), "keras 2, seed " + seed);
      assertSameGraph(model, KerasConfig.parse(KerasFileWriter.kerasV3FunctionalConfig(model), "config.json", 3)
          .build(source), "keras 3, seed " + seed);
    }
  }

  /** Several outputs: output_layers in order, read back as the model's output nodes (Keras 2 and 3). */
  @Test
  void configWithTwoOutputs_readsBothInOrder() {
    RnnModel model = RandomModels.twoHeads(3);
    Map<String, Map<String, WeightArray>> weights = KerasFileWriter.legacyWeights(model);
    KerasConfig.WeightSource source = spec -> new ArrayList<>(weights.get(spec.name).values());
    for (RnnModel read : List.of(KerasConfig.parse(KerasFileWriter.legacyFunctionalConfig(model), "model_config", 2)
        .build(source), KerasConfig.parse(KerasFileWriter.kerasV3FunctionalConfig(model), "config.json", 3)
        .build(source))) {
      assertEquals(List.of(1, 3), read.outputNodes());
      assertSameGraph(model, read, "two outputs");
    }
  }

  /** Whole files, weights found by the readers (layer_names in .h5, layers/<class>[_N] in .keras). */
  @Test
  void files_ofRandomGraphs_readBackAsTheSameGraph() throws IOException {
    for (long seed = 0; seed < SEEDS; seed++) {
      RnnModel model = RandomModels.randomGraph(seed);
      Path h5 = dir.resolve("m" + seed + ".h5");
      KerasFileWriter.writeLegacyH5Functional(h5, model);
      assertSameGraph(model, ModelReader.read("m.h5", Files.readAllBytes(h5)), "h5, seed " + seed);
      Path keras = dir.resolve("m" + seed + ".keras");
      KerasFileWriter.writeKerasV3Functional(keras, model);
      if (maskedMerge(model) == null) {
        assertSameGraph(model, ModelReader.read("m.keras", Files.readAllBytes(keras)), "keras, seed " + seed);
      } else {
        byte[] bytes = Files.readAllBytes(keras);
        assertEquals("m.keras: " + maskedMergeRefusal(maskedMerge(model)), assertThrows(ModelFormatException.class,
            () -> ModelReader.read("m.keras", bytes)).getMessage(), "keras, seed " + seed);
      }
      RnnModel seq2seq = RandomModels.randomSeq2seq(seed);
      KerasFileWriter.writeLegacyH5Functional(h5, seq2seq);
      assertSameGraph(seq2seq, ModelReader.read("m.h5", Files.readAllBytes(h5)), "seq2seq h5, seed " + seed);
      KerasFileWriter.writeKerasV3Functional(keras, seq2seq);
      assertSameGraph(seq2seq, ModelReader.read("m.keras", Files.readAllBytes(keras)), "seq2seq keras, seed " + seed);
    }
  }

  private static void assertSameGraph(RnnModel expected, RnnModel got, String what) {
    assertEquals(expected.nodes().stream().map(n -> n.layer().name()).toList(),
        got.nodes().stream().map(n -> n.layer().name()).toList(), what);
    assertEquals(expected.nodes().stream().map(Node::inputs).toList(), got.nodes().stream().map(Node::inputs).toList(),
        what);
    assertEquals(expected.nodes().stream().map(Node::initialState).toList(),
        got.nodes().stream().map(Node::initialState).toList(), what);
    assertEquals(expected.nodes().stream().map(n -> n.layer().kerasClass()).toList(),
        got.nodes().stream().map(n -> n.layer().kerasClass()).toList(), what);
    assertEquals(expected.outputNode(), got.outputNode(), what);
    assertEquals(expected.outputShapes(), got.outputShapes(), what);
    Random random = new Random(what.hashCode());
    double[][][] rows = new double[5][][];
    for (int b = 0; b < rows.length; b++) {
      int length = expected.declaredTimesteps().orElse(1 + random.nextInt(6));
      rows[b] = new double[length][expected.inputWidth()];
      for (double[] step : rows[b]) {
        for (int d = 0; d < step.length; d++) {
          step[d] = random.nextInt(5) == 0 ? 0 : random.nextGaussian();
        }
      }
    }
    double[][] want = ReferenceForwardPass.forward(expected, rows);
    double[][] have = ReferenceForwardPass.forward(got, rows);
    for (int b = 0; b < rows.length; b++) {
      assertArrayEquals(want[b], have[b], 0, what + ", row " + b);
    }
  }

  // ---- what stays refused ---------------------------------------------------------------

  private static final String INPUT = "{\"class_name\": \"InputLayer\", \"config\": {\"batch_input_shape\":"
      + " [null, 10, 3], \"name\": \"in\"}, \"name\": \"in\", \"inbound_nodes\": []}";

  private static String layer(String className, String config, String inbound) {
    return "{\"class_name\": \"" + className + "\", \"config\": " + config + ", \"name\": "
        + JsonText.name(config) + ", \"inbound_nodes\": " + inbound + "}";
  }

  private static String functional(String output, String... layers) {
    return "{\"class_name\": \"Functional\", \"config\": {\"name\": \"g\", \"layers\": [" + INPUT + ", "
        + String.join(", ", layers) + "], \"input_layers\": [[\"in\", 0, 0]], \"output_layers\": [[\"" + output
        + "\", 0, 0]]}}";
  }

  private static String refusal(String config) {
    JsonNode json = KerasConfig.json("model_config", config);
    return assertThrows(ModelFormatException.class, () -> KerasConfig.parse(json, "model_config", 2)
        .build(spec -> { throw new AssertionError("weights read for " + spec.name); })).getMessage();
  }

  private static final String RNN_A = layer("SimpleRNN", "{\"name\": \"a\", \"units\": 4}", "[[[\"in\", 0, 0, {}]]]");
  private static final String RNN_B = layer("SimpleRNN", "{\"name\": \"b\", \"units\": 4}", "[[[\"in\", 0, 0, {}]]]");

  @Test
  void sharedLayer_isRefusedByName() {
    String shared = layer("Dense", "{\"name\": \"d\", \"units\": 2}", "[[[\"a\", 0, 0, {}]], [[\"b\", 0, 0, {}]]]");
    assertEquals("functional model 'g': layer 'd' is called 2 times; rnnscore reads Functional models in which each"
        + " layer is called once (no shared layers)", refusal(functional("d", RNN_A, RNN_B, shared)));
  }

  @Test
  void concatenateOverTimesteps_isRefusedByName() {
    WeightsFree graph = new WeightsFree();
    String seqA = layer("SimpleRNN", "{\"name\": \"a\", \"units\": 4, \"return_sequences\": true}",
        "[[[\"in\", 0, 0, {}]]]");
    String seqB = layer("SimpleRNN", "{\"name\": \"b\", \"units\": 4, \"return_sequences\": true}",
        "[[[\"in\", 0, 0, {}]]]");
    String concat = layer("Concatenate", "{\"name\": \"c\", \"axis\": 1}", "[[[\"a\", 0, 0, {}], [\"b\", 0, 0, {}]]]");
    assertEquals("layer 'c' (Concatenate) has axis 1 for inputs (None, 10, 4); this version concatenates only over"
        + " the features (axis -1 or 2), not over timesteps", graph.message(functional("c", seqA, seqB, concat)));
  }

  @Test
  void subtractOfThree_isRefused() {
    WeightsFree graph = new WeightsFree();
    String rnnC = layer("SimpleRNN", "{\"name\": \"c\", \"units\": 4}", "[[[\"in\", 0, 0, {}]]]");
    String subtract = layer("Subtract", "{\"name\": \"s\"}",
        "[[[\"a\", 0, 0, {}], [\"b\", 0, 0, {}], [\"c\", 0, 0, {}]]]");
    assertEquals("layer 's' (Subtract) takes exactly 2 inputs, but is given 3",
        graph.message(functional("s", RNN_A, RNN_B, rnnC, subtract)));
  }

  @Test
  void addOfTwoWidths_namesBothShapes() {
    WeightsFree graph = new WeightsFree();
    String rnnC = layer("SimpleRNN", "{\"name\": \"c\", \"units\": 5}", "[[[\"in\", 0, 0, {}]]]");
    String add = layer("Add", "{\"name\": \"s\"}", "[[[\"a\", 0, 0, {}], [\"c\", 0, 0, {}]]]");
    assertEquals("layer 's' (Add) cannot merge layer 'a' (None, 4) with layer 'c' (None, 5); expected inputs of one"
        + " shape", graph.message(functional("s", RNN_A, rnnC, add)));
  }

  @Test
  void dotOverSequences_isRefusedByName() {
    WeightsFree graph = new WeightsFree();
    String seqA = layer("SimpleRNN", "{\"name\": \"a\", \"units\": 4, \"return_sequences\": true}",
        "[[[\"in\", 0, 0, {}]]]");
    String seqB = layer("SimpleRNN", "{\"name\": \"b\", \"units\": 4, \"return_sequences\": true}",
        "[[[\"in\", 0, 0, {}]]]");
    String dot = layer("Dot", "{\"name\": \"dot\", \"axes\": 2}", "[[[\"a\", 0, 0, {}], [\"b\", 0, 0, {}]]]");
    assertEquals("layer 'dot' (Dot) takes two vectors per row, but layer 'a' gives a sequence (None, 10, 4); a Dot"
        + " over timesteps (attention scores) is not run by this version",
        graph.message(functional("dot", seqA, seqB, dot)));
  }

  @Test
  void dotWithoutAxes_isRefusedBeforeAnyWeightIsRead() {
    String dot = layer("Dot", "{\"name\": \"dot\"}", "[[[\"a\", 0, 0, {}], [\"b\", 0, 0, {}]]]");
    assertEquals("layer 'dot' (Dot) has axes (missing), expected an integer or a pair of integers",
        refusal(functional("dot", RNN_A, RNN_B, dot)));
  }

  @Test
  void branchThatLeadsNowhere_isRefused() {
    WeightsFree graph = new WeightsFree();
    String dense = layer("Dense", "{\"name\": \"d\", \"units\": 2}", "[[[\"a\", 0, 0, {}]]]");
    assertEquals("layer 'b' does not lead to the model's output 'd'", graph.message(functional("d", RNN_A, RNN_B,
        dense)));
  }

  private static final String ENCODER = layer("LSTM", "{\"name\": \"enc\", \"units\": 4, \"return_state\": true}",
      "[[[\"in\", 0, 0, {}]]]");

  @Test
  void initialStateOfTheWrongCount_isRefused() {
    WeightsFree graph = new WeightsFree();
    String decoder = layer("LSTM", "{\"name\": \"dec\", \"units\": 4}",
        "[[[\"in\", 0, 0, {}], [\"enc\", 0, 1, {}]]]");
    assertEquals("layer 'dec' (LSTM) is given 1 initial states, expected 2 (h and c)",
        graph.message(functional("dec", ENCODER, decoder)));
  }

  @Test
  void initialStateOfAnotherWidth_isRefused() {
    WeightsFree graph = new WeightsFree();
    String decoder = layer("GRU", "{\"name\": \"dec\", \"units\": 3}",
        "[[[\"in\", 0, 0, {}], [\"enc\", 0, 2, {}]]]");
    assertEquals("layer 'dec' (GRU) has 3 units, but its initial state output 2 of layer 'enc' has 4 values",
        graph.message(functional("dec", ENCODER, decoder)));
  }

  @Test
  void initialStateFromTheModelInput_isRefusedByName() {
    String decoder = layer("LSTM", "{\"name\": \"dec\", \"units\": 4}",
        "[[[\"in\", 0, 0, {}], [\"in\", 0, 0, {}], [\"in\", 0, 0, {}]]]");
    assertEquals("layer 'dec' takes its initial_state from the model input 'in'; rnnscore takes initial states only"
        + " from a recurrent layer's return_state outputs (or --initial-state-from)",
        refusal(functional("dec", decoder)));
  }

  @Test
  void stateIntoADense_isRefusedByName() {
    String dense = layer("Dense", "{\"name\": \"d\", \"units\": 2}", "[[[\"enc\", 0, 2, {}]]]");
    assertEquals("layer 'd' takes output 2 of layer 'enc' (a state, from return_state=True) as its input; rnnscore"
        + " passes states only to a recurrent layer's initial_state", refusal(functional("d", ENCODER, dense)));
  }

  /** Builds a config with seeded weights of the shapes each layer asks for, and gives the refusal. */
  private static final class WeightsFree {
    String message(String config) {
      JsonNode json = KerasConfig.json("model_config", config);
      KerasConfig parsed = KerasConfig.parse(json, "model_config", 2);
      return assertThrows(ModelFormatException.class, () -> parsed.build(this::weights)).getMessage();
    }

    /** SimpleRNN, LSTM, GRU (reset_after false) over 3 features, Dense over 4: what the configs above hold. */
    private List<WeightArray> weights(LayerSpec spec) {
      Random random = new Random(spec.name.hashCode());
      int units = spec.config.path("units").asInt();
      int gates = switch (spec.className) {
        case "LSTM" -> 4;
        case "GRU" -> 3;
        case "SimpleRNN" -> 1;
        default -> 0;
      };
      if (gates > 0) {
        return List.of(RandomModels.array(random, "kernel", 3, gates * units), RandomModels.array(random, "recurrent",
            units, gates * units), RandomModels.array(random, "bias", gates * units));
      }
      return List.of(RandomModels.array(random, "kernel", 4, units), RandomModels.array(random, "bias", units));
    }
  }

  /** Pulls "name" out of a tiny config text (the tests' configs name every layer). */
  private static final class JsonText {
    static String name(String config) {
      return KerasConfig.json("config", config).get("name").toString();
    }
  }
}
