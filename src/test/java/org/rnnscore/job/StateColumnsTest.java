package org.rnnscore.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rnnscore.kernel.ModelSpec;
import org.rnnscore.model.Activation;
import org.rnnscore.model.Node;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.Sequencing;
import org.rnnscore.model.UsageException;
import org.rnnscore.testing.RandomModels;

/** Which models can be scored in parts (--emit-state, --initial-state-from), without Spark. */
class StateColumnsTest {
  @Test
  void of_repeatVectorBeforeARecurrentLayer_refusedNamingIt() {
    RnnModel model = ModelSpec.build("lstm(4) > repeat(5) > lstm(3,rs) > dense(2)", 1, 2, 0);
    UsageException e = assertThrows(UsageException.class, () -> StateColumns.of(model));
    assertEquals("layer 'repeat_1' (RepeatVector) comes before a recurrent layer and gives it steps that are not the"
        + " row's own, so a sequence cannot be continued from its state", e.getMessage());
  }

  @Test
  void of_repeatVectorAfterTheLastRecurrentLayer_keepsTheStateColumns() {
    RnnModel model = ModelSpec.build("gru(4) > repeat(3) > dense(2)", 1, 2, 0);
    assertEquals(List.of("state_gru_0_h"), StateColumns.of(model).names());
  }

  @Test
  void of_reshapeOverTimeBeforeARecurrentLayer_refusedNamingIt() {
    RnnModel model = ModelSpec.build("lstm(4,rs) > reshape(-1,2) > gru(3)", 1, 2, 5);
    assertEquals("layer 'reshape_1' (Reshape) comes before a recurrent layer and gives it steps that are not the"
        + " row's own, so a sequence cannot be continued from its state",
        assertThrows(UsageException.class, () -> StateColumns.of(model)).getMessage());
  }

  @Test
  void of_conv1dWithAWideKernelBeforeARecurrentLayer_refusedNamingIt() {
    RnnModel model = ModelSpec.build("conv(4,3,causal) > lstm(3)", 1, 2, 0);
    assertEquals("layer 'conv_0' (Conv1D) comes before a recurrent layer and gives it steps that are not the"
        + " row's own, so a sequence cannot be continued from its state",
        assertThrows(UsageException.class, () -> StateColumns.of(model)).getMessage());
  }

  @Test
  void of_conv1dWithStridesBeforeARecurrentLayer_refusedNamingIt() {
    RnnModel model = ModelSpec.build("conv(4,1,s=2) > gru(3)", 1, 2, 0);
    assertEquals("layer 'conv_0' (Conv1D) comes before a recurrent layer and gives it steps that are not the"
        + " row's own, so a sequence cannot be continued from its state",
        assertThrows(UsageException.class, () -> StateColumns.of(model)).getMessage());
  }

  @Test
  void of_poolingBeforeARecurrentLayer_refusedNamingIt() {
    RnnModel model = ModelSpec.build("lstm(4,rs) > avgpool(2,same) > gru(3)", 1, 2, 0);
    assertEquals("layer 'avgpool_1' (AveragePooling1D) comes before a recurrent layer and gives it steps that are"
        + " not the row's own, so a sequence cannot be continued from its state",
        assertThrows(UsageException.class, () -> StateColumns.of(model)).getMessage());
  }

  @Test
  void of_pointwiseConv1dBeforeARecurrentLayer_keepsTheStateColumns() {
    // kernel_size 1, strides 1: a Dense per step, each output step from its own input step.
    RnnModel model = ModelSpec.build("conv(4,1) > gru(3)", 1, 2, 0);
    assertEquals(List.of("state_gru_1_h"), StateColumns.of(model).names());
  }

  @Test
  void of_reshapeThatKeepsTheSteps_keepsTheStateColumns() {
    RnnModel model = ModelSpec.build("lstm(4,rs) > reshape(-1,4) > permute(1,2) > gru(3)", 1, 2, 0);
    assertEquals(List.of("state_lstm_0_h", "state_lstm_0_c", "state_gru_3_h"), StateColumns.of(model).names());
  }

  @Test
  void of_reshapeToAVectorOverTheDeclaredSteps_refusedAsFlattenIs() {
    RnnModel model = ModelSpec.build("lstm(4,rs) > reshape(20) > dense(1)", 1, 2, 5);
    assertEquals("the model has a Reshape over its 5 declared timesteps: a row cannot be scored in parts",
        assertThrows(UsageException.class, () -> StateColumns.of(model)).getMessage());
  }

  /** A decoder started from an encoder's states has no state of its own to continue from. */
  @Test
  void of_initialStateWiring_isRefusedNamingBothLayers() {
    Random random = new Random(4);
    RnnModel model = RnnModel.graph("in", 0, List.of(
        Node.of(RandomModels.recurrent(random, "GRU", "encoder", 2, 3, true,
            Activation.TANH, Activation.SIGMOID, true,
            Sequencing.LAST), Node.MODEL_INPUT),
        new Node(RandomModels.recurrent(random, "GRU", "decoder", 2, 3, true,
            Activation.TANH, Activation.SIGMOID, true,
            Sequencing.LAST), List.of(Node.MODEL_INPUT),
            List.of(new Node.Output(0, 1)))), 1);
    UsageException e = assertThrows(UsageException.class, () -> StateColumns.of(model));
    assertEquals("layer 'decoder' starts from the states of layer 'encoder' (initial_state), not from a state of its"
        + " own, so a sequence cannot be continued from its state", e.getMessage());
  }
}
