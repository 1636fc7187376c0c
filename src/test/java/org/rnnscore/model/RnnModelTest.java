package org.rnnscore.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.rnnscore.model.Weights.dense;
import static org.rnnscore.model.Weights.rnn;
import static org.rnnscore.model.Weights.w;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.rnnscore.kernel.ForwardPass;

class RnnModelTest {
  @Test
  void paramCount_seedModel_is57() {
    RnnModel model = Weights.seedModel();
    assertEquals(45, model.recurrent().paramCount());
    assertEquals(12, model.denseLayers().get(0).paramCount());
    assertEquals(57, model.paramCount());
  }

  @Test
  void accessors_seedModel_reportDimensions() {
    RnnModel model = Weights.seedModel();
    assertEquals(3, model.inputWidth());
    assertEquals(5, model.hiddenUnits());
    assertEquals(2, model.outputWidth());
    assertEquals("input_1", model.inputName());
    assertEquals(OptionalInt.of(10), model.declaredTimesteps());
    assertEquals("T=10 D=3 M=5 K=2", model.dimensionsText());
  }

  @Test
  void declaredTimesteps_zero_meansAny() {
    RnnModel model = new RnnModel(null, 0, List.of(rnn("simple_rnn", 3, 5), dense("dense", 5, 2)));
    assertEquals(OptionalInt.empty(), model.declaredTimesteps());
    assertEquals("T=any D=3 M=5 K=2", model.dimensionsText());
  }

  @Test
  void constructor_recurrentOnly_outputIsHiddenState() {
    RnnModel model = new RnnModel(null, 4, List.of(rnn("simple_rnn", 3, 5)));
    assertEquals(5, model.outputWidth());
    assertTrue(model.denseLayers().isEmpty());
    assertEquals(45, model.paramCount());
  }

  @Test
  void constructor_denseInputWidthMismatch_throwsNamingPreviousLayer() {
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> new RnnModel("in", 10, List.of(rnn("simple_rnn", 3, 5), dense("dense", 4, 2))));
    assertEquals("layer 'dense' kernel has shape [4, 2], expected [5, 2] (input width 5 from layer 'simple_rnn')",
        e.getMessage());
  }

  @Test
  void constructor_secondDenseInputWidthMismatch_throwsNamingPreviousDense() {
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> new RnnModel("in", 10, List.of(rnn("simple_rnn", 3, 5), dense("dense_1", 5, 3), dense("dense_2", 4, 2))));
    assertEquals("layer 'dense_2' kernel has shape [4, 2], expected [3, 2] (input width 3 from layer 'dense_1')",
        e.getMessage());
  }

  @Test
  void constructor_onlyDenseLayers_throwsNoRecurrentLayer() {
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> new RnnModel("in", 10, List.of(dense("dense", 3, 5), dense("dense_1", 5, 2))));
    assertEquals("the model has no recurrent layer; expected at least one of SimpleRNN, LSTM, GRU"
        + " (alone or in Bidirectional)", e.getMessage());
  }

  @Test
  void constructor_denseFirstOnSequence_appliesPerStep() {
    RnnModel model = new RnnModel("in", 10, List.of(dense("dense", 3, 4), rnn("simple_rnn", 4, 5), dense("out", 5, 2)));
    assertEquals(3, model.inputWidth());
    assertEquals(List.of(Shape.sequence(10, 4), Shape.vector(5), Shape.vector(2)), model.outputShapes());
    assertFalse(model.outputIsSequence());
    assertEquals(5, model.hiddenUnits());
  }

  @Test
  void constructor_recurrentAfterRecurrentWithoutSequences_throwsNeedsSequence() {
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> new RnnModel("in", 10, List.of(rnn("simple_rnn", 3, 5), rnn("simple_rnn_1", 5, 5), dense("d", 5, 2))));
    assertEquals("layer 'simple_rnn_1' (SimpleRNN) needs a sequence, but layer 'simple_rnn' gives one vector per row"
        + " (return_sequences=False)", e.getMessage());
  }

  @Test
  void constructor_stackedReturnSequences_chainsAndOutputsSequence() {
    SimpleRnnLayer first = rnn("simple_rnn", 3, 5).withSequencing(Sequencing.SEQUENCES);
    SimpleRnnLayer second = rnn("simple_rnn_1", 5, 4).withSequencing(Sequencing.SEQUENCES);
    RnnModel model = new RnnModel("in", 0, List.of(first, second, dense("d", 4, 2)));
    assertTrue(model.outputIsSequence());
    assertEquals(2, model.outputWidth());
    assertEquals("T=any D=3 M=5 K=2 per step", model.dimensionsText());
    assertFalse(model.requiresDeclaredTimesteps());
  }

  @Test
  void constructor_recurrentAfterDenseOnVector_throwsNeedsSequence() {
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> new RnnModel("in", 10, List.of(rnn("simple_rnn", 3, 5), dense("dense", 5, 3), rnn("late_rnn", 3, 2))));
    assertEquals("layer 'late_rnn' (SimpleRNN) needs a sequence, but layer 'dense' gives one vector per row"
        + " (return_sequences=False)", e.getMessage());
  }

  @Test
  void constructor_embeddingNotFirst_throws() {
    EmbeddingLayer embedding = new EmbeddingLayer("embedding", w("embeddings", 10, 3), true);
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> new RnnModel("in", 10, List.of(new MaskingLayer("masking", 0f), embedding, rnn("simple_rnn", 3, 5))));
    assertEquals("layer 'embedding' (Embedding) follows layer 'masking'; an Embedding reads the token column, so it"
        + " must come first", e.getMessage());
  }

  @Test
  void constructor_embeddingFirst_readsOneTokenPerStep() {
    EmbeddingLayer embedding = new EmbeddingLayer("embedding", w("embeddings", 10, 3), true);
    RnnModel model = new RnnModel("in", 0, List.of(embedding, rnn("simple_rnn", 3, 5), dense("d", 5, 2)));
    assertTrue(model.tokenInput());
    assertEquals(1, model.inputWidth());
    assertEquals(30 + 45 + 12, model.paramCount());
  }

  @Test
  void constructor_flattenAfterSequence_needsDeclaredTimesteps() {
    SimpleRnnLayer seq = rnn("simple_rnn", 3, 5).withSequencing(Sequencing.SEQUENCES);
    RnnModel model = new RnnModel("in", 4, List.of(seq, new FlattenLayer("flatten"), dense("d", 20, 2)));
    assertTrue(model.requiresDeclaredTimesteps());
    assertEquals(Shape.vector(20), model.outputShapes().get(1));
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> new RnnModel("in", 0, List.of(seq, new FlattenLayer("flatten"), dense("d", 20, 2))));
    assertEquals("layer 'flatten' (Flatten) needs a fixed number of timesteps, but the model declares None; declare"
        + " the input length (Input(shape=(T, D)))", e.getMessage());
  }

  @Test
  void constructor_noLayers_throws() {
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> new RnnModel("in", 10, List.of()));
    assertEquals("the model has no layers; expected at least one recurrent layer (SimpleRNN, LSTM, GRU)",
        e.getMessage());
    e = assertThrows(ModelFormatException.class, () -> new RnnModel("in", 10, null));
    assertEquals("the model has no layers; expected at least one recurrent layer (SimpleRNN, LSTM, GRU)",
        e.getMessage());
  }

  @Test
  void constructor_negativeTimesteps_throws() {
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> new RnnModel("in", -1, List.of(rnn("simple_rnn", 3, 5))));
    assertEquals("the model declares -1 timesteps, expected at least 1 (or None)", e.getMessage());
  }

  @Test
  void constructor_mutatingListPassedIn_doesNotChangeModel() {
    List<Layer> layers = new ArrayList<>(List.of(rnn("simple_rnn", 3, 5), dense("dense", 5, 2)));
    RnnModel model = new RnnModel("in", 10, layers);
    layers.add(dense("extra", 2, 9));
    layers.set(0, rnn("other", 7, 5));
    assertEquals(2, model.layers().size());
    assertEquals("simple_rnn", model.recurrent().name());
    assertEquals(3, model.inputWidth());
    assertEquals(2, model.outputWidth());
  }

  @Test
  void layers_returnedLists_cannotChangeModel() {
    RnnModel model = Weights.seedModel();
    assertThrows(UnsupportedOperationException.class, () -> model.layers().add(dense("x", 2, 2)));
    List<DenseLayer> dense = model.denseLayers();
    try {
      dense.clear();
    } catch (UnsupportedOperationException expected) {
      // an unmodifiable list is as good as a copy
    }
    assertEquals(1, model.denseLayers().size());
    float[] kernel = model.recurrent().kernel().data();
    kernel[0] = 1000;
    assertEquals(w("kernel", 3, 5).get(0), model.recurrent().kernel().get(0));
  }

  @Test
  void withActivations_both_replacesRecurrentAndOutputOnly() {
    RnnModel model = new RnnModel("in", 10, List.of(rnn("simple_rnn", 3, 5), dense("hidden", 5, 4),
        dense("out", 4, 2)));
    RnnModel changed = model.withActivations(Activation.RELU, Activation.SOFTMAX);
    assertEquals(Activation.RELU, changed.recurrent().activation());
    assertEquals(Activation.LINEAR, changed.denseLayers().get(0).activation());
    assertEquals(Activation.SOFTMAX, changed.denseLayers().get(1).activation());
    assertEquals(Activation.TANH, model.recurrent().activation());
    assertEquals(Activation.LINEAR, model.denseLayers().get(1).activation());
    assertEquals(model.paramCount(), changed.paramCount());
    assertEquals(model.dimensionsText(), changed.dimensionsText());
  }

  @Test
  void withActivations_nulls_keepActivations() {
    RnnModel model = Weights.seedModel().withActivations(null, null);
    assertEquals(Activation.TANH, model.recurrent().activation());
    assertEquals(Activation.LINEAR, model.denseLayers().get(0).activation());
  }

  @Test
  void withActivations_softmaxOnRecurrent_throws() {
    assertThrows(ModelFormatException.class, () -> Weights.seedModel().withActivations(Activation.SOFTMAX, null));
  }

  @Test
  void serialization_roundTrip_preservesEverythingAndScoresIdentically() throws Exception {
    RnnModel model = new RnnModel("input_1", 10, List.of(
        new SimpleRnnLayer("simple_rnn", 5, w("kernel", 3, 5), w("recurrent_kernel", 5, 5), null, Activation.GELU),
        dense("dense", 5, 4), new DenseLayer("out", 2, w("kernel", 4, 2), w("bias", 2), Activation.SOFTMAX)));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(model);
    }
    RnnModel copy;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (RnnModel) in.readObject();
    }
    assertNotSame(model, copy);
    assertEquals("input_1", copy.inputName());
    assertEquals(OptionalInt.of(10), copy.declaredTimesteps());
    assertEquals(model.paramCount(), copy.paramCount());
    assertEquals(model.dimensionsText(), copy.dimensionsText());
    assertEquals(3, copy.layers().size());
    assertEquals(Activation.GELU, copy.recurrent().activation());
    assertFalse(copy.recurrent().bias().isPresent());
    assertArrayEquals(model.recurrent().kernel().data(), copy.recurrent().kernel().data());
    assertArrayEquals(model.recurrent().recurrentKernel().data(), copy.recurrent().recurrentKernel().data());
    assertArrayEquals(model.recurrent().recurrentKernel().shape(), copy.recurrent().recurrentKernel().shape());
    for (int i = 0; i < 2; i++) {
      DenseLayer a = model.denseLayers().get(i);
      DenseLayer b = copy.denseLayers().get(i);
      assertEquals(a.name(), b.name());
      assertEquals(a.activation(), b.activation());
      assertArrayEquals(a.kernel().data(), b.kernel().data());
      assertArrayEquals(a.bias().orElseThrow().data(), b.bias().orElseThrow().data());
    }
    assertThrows(UnsupportedOperationException.class, () -> copy.layers().clear());

    float[] rows = new float[4 * 10 * 3];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = (float) Math.sin(i);
    }
    float[] expected = new float[8];
    float[] actual = new float[8];
    new ForwardPass(model).score(rows, 4, 10, expected);
    new ForwardPass(copy).score(rows, 4, 10, actual);
    assertArrayEquals(expected, actual);
  }

  @Test
  void graph_chainOfNodes_equalsTheChainConstructor() {
    RnnModel chain = Weights.seedModel();
    RnnModel graph = RnnModel.graph("input_1", 10, List.of(Node.of(rnn("simple_rnn", 3, 5), Node.MODEL_INPUT),
        Node.of(dense("dense", 5, 2), 0)), 1);
    assertEquals(chain.nodes(), List.of(Node.of(chain.layers().get(0), -1), Node.of(chain.layers().get(1), 0)));
    assertEquals(chain.outputShapes(), graph.outputShapes());
    assertEquals(chain.dimensionsText(), graph.dimensionsText());
    assertEquals(1, graph.outputNode());
  }

  @Test
  void graph_nodeReadingALaterNode_throws() {
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> RnnModel.graph(null, 0,
        List.of(Node.of(rnn("simple_rnn", 3, 5), 1), Node.of(dense("dense", 5, 2), 0)), 1));
    assertEquals("layer 'simple_rnn' reads node 1, expected the model input or a layer before it", e.getMessage());
  }

  @Test
  void graph_nodeNotLeadingToTheOutput_throws() {
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> RnnModel.graph(null, 0,
        List.of(Node.of(rnn("simple_rnn", 3, 5), Node.MODEL_INPUT), Node.of(dense("side", 5, 2), 0),
            Node.of(dense("dense", 5, 2), 0)), 2));
    assertEquals("layer 'side' does not lead to the model's output 'dense'", e.getMessage());
  }

  @Test
  void graph_oneInputLayerGivenTwo_throws() {
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> RnnModel.graph(null, 0,
        List.of(Node.of(rnn("simple_rnn", 3, 5), Node.MODEL_INPUT), new Node(dense("dense", 5, 2), List.of(0, 0))), 1));
    assertEquals("layer 'dense' (Dense) takes one input, but is given 2", e.getMessage());
  }
}
