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
}
