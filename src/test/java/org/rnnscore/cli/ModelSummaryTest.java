package org.rnnscore.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rnnscore.model.Activation;
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
}
