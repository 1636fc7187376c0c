package org.rnnscore.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rnnscore.model.Activation;
import org.rnnscore.model.MergeLayer;
import org.rnnscore.model.Node;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.Sequencing;
import org.rnnscore.testing.RandomModels;

class ModelSummaryTest {
  @Test
  void render_statefulLayer_saysItIsScoredFromTheZeroState() {
    Random random = new Random(1);
    RnnModel model = new RnnModel(null, 4, List.of(
        RandomModels.recurrent(random, "GRU", "gru", 2, 3, true, Activation.TANH, Activation.SIGMOID, true,
            new Sequencing(false, false, false, true)),
        RandomModels.dense(random, "dense", 3, 1, true, Activation.LINEAR)));
    String text = ModelSummary.render("m.h5", model);
    assertTrue(text.contains("Activations: gru tanh/sigmoid reset_after, stateful=True: scored from the zero state per"
        + " row, dense linear\n"), text);
  }

  @Test
  void render_frameModel_showsFrameShapesAndTheFrame() {
    RnnModel model = org.rnnscore.testing.FrameModels.model(1, 10, new org.rnnscore.model.Frame(9, 7, 3), "LSTM", 4,
        2, "conv:5:3,3:2,2:1,1:same:relu", "max:2,2:2,2:valid");
    String text = ModelSummary.render("m.keras", model);
    assertTrue(text.contains(" input_layer (InputLayer)    [(None, 10, 9, 7, 3)]     0\n"), text);
    assertTrue(text.contains(" time_distributed (TimeDistributed(Conv2D))(None, 10, 5, 4, 5)       140\n"), text);
    assertTrue(text.contains(" time_distributed_1 (TimeDistributed(MaxPooling2D))(None, 10, 2, 2, 5)       0\n"),
        text);
    assertTrue(text.contains("D (features per timestep): 189 (one frame of 9×7×3, H×W×C)\n"), text);
    assertTrue(text.contains("time_distributed 5 filters 3×3, strides 2×2, same, relu"), text);
  }

  /** A graph (two branches, a merge) gets Keras' "Connected to" column; a chain keeps the three columns. */
  @Test
  void render_graph_showsEachLayersInputs() {
    Random random = new Random(2);
    RnnModel graph = RnnModel.graph("in", 0, List.of(
        Node.of(RandomModels.recurrent(random, "LSTM", "lstm", 3, 4, true, Activation.TANH, Activation.SIGMOID, false,
            new Sequencing(true, false, false)), Node.MODEL_INPUT),
        Node.of(RandomModels.recurrent(random, "GRU", "gru", 3, 2, true, Activation.TANH, Activation.SIGMOID, false,
            new Sequencing(true, true, false)), Node.MODEL_INPUT),
        new Node(MergeLayer.of("concatenate", MergeLayer.Op.CONCATENATE), List.of(0, 1, Node.MODEL_INPUT)),
        Node.of(RandomModels.dense(random, "dense", 9, 1, true, Activation.LINEAR), 2)), 3);
    String text = ModelSummary.render("m.h5", graph);
    String[] lines = text.split("\n");
    assertEquals(" Layer (type)                Output Shape              Param #   Connected to", lines[2]);
    assertEquals(" in (InputLayer)             [(None, None, 3)]         0", lines[4]);
    assertEquals(" lstm (LSTM)                 (None, None, 4)           128       in[0][0]", lines[5]);
    assertEquals(" gru (GRU)                   (None, None, 2)           36        in[0][0]", lines[6]);
    assertEquals(" concatenate (Concatenate)   (None, None, 9)           0         lstm[0][0], gru[0][0], in[0][0]",
        lines[7]);
    assertEquals(" dense (Dense)               (None, None, 1)           10        concatenate[0][0]", lines[8]);

    RnnModel chain = new RnnModel(null, 4, List.of(RandomModels.recurrent(random, "GRU", "gru", 2, 3, true,
        Activation.TANH, Activation.SIGMOID, true, Sequencing.LAST)));
    assertFalse(ModelSummary.render("m.h5", chain).contains("Connected to"));
  }

  /** Two inputs and initial_state wiring (a seq2seq training model): each input, and the states as Keras lists them. */
  @Test
  void render_twoInputSeq2seq_listsInputsAndStates() {
    Random random = new Random(3);
    RnnModel model = RnnModel.graph(List.of(new RnnModel.Input("encoder_input", 0, 5),
        new RnnModel.Input("decoder_input", 0, 2)), List.of(
            Node.of(RandomModels.recurrent(random, "LSTM", "encoder", 5, 4, true, Activation.TANH, Activation.SIGMOID,
                false, Sequencing.LAST), Node.input(0)),
            new Node(RandomModels.recurrent(random, "LSTM", "decoder", 2, 4, true, Activation.TANH, Activation.SIGMOID,
                false, Sequencing.SEQUENCES), List.of(Node.input(1)), List.of(new Node.Output(0, 1),
                new Node.Output(0, 2))),
            Node.of(RandomModels.dense(random, "dense", 4, 2, true, Activation.SOFTMAX), 1)), 2);
    String[] lines = ModelSummary.render("m.h5", model).split("\n");
    assertEquals(" encoder_input (InputLayer)  [(None, None, 5)]         0", lines[4]);
    assertEquals(" decoder_input (InputLayer)  [(None, None, 2)]         0", lines[5]);
    assertEquals(" encoder (LSTM)              (None, 4)                 160       encoder_input[0][0]", lines[6]);
    assertEquals(" decoder (LSTM)              (None, None, 4)           112       decoder_input[0][0], encoder[0][1],"
        + " encoder[0][2]", lines[7]);
    assertTrue(List.of(lines).contains("D (features per timestep): 5 (encoder_input), 2 (decoder_input)"),
        String.join("\n", lines));
  }
}
