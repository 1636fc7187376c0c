package org.rnnscore.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rnnscore.model.Activation;
import org.rnnscore.model.DenseLayer;
import org.rnnscore.model.Layer;
import org.rnnscore.model.LstmLayer;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.Node;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.Sequencing;
import org.rnnscore.model.Shape;
import org.rnnscore.testing.RandomModels;

/**
 * The forward pass runs a graph, not only a chain: a node read by two others (fan-out), a node
 * reading two (a merge), outputs kept until their last reader. The test brings its own
 * element-wise sum, registered with the kernel as a layer kind would be (the real merges:
 * ForwardPassMergeTest).
 */
class ForwardPassGraphTest {
  static {
    Stages.register(SumLayer.class, layer -> new SumStage());
  }

  /** Two inputs of one shape, summed element-wise. */
  static final class SumLayer implements Layer {
    private final String name;

    SumLayer(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String kerasClass() {
      return "Add";
    }

    @Override
    public long paramCount() {
      return 0;
    }

    @Override
    public Shape outputShape(Shape input, String source) {
      throw new ModelFormatException("layer '" + name + "' (Add) needs two inputs");
    }

    @Override
    public Shape outputShape(List<Shape> inputs, List<String> sources) {
      if (inputs.size() != 2 || !inputs.get(0).equals(inputs.get(1))) {
        throw new ModelFormatException("layer '" + name + "' (Add) needs two inputs of one shape, got " + inputs);
      }
      return inputs.get(0);
    }
  }

  static final class SumStage implements Stage {
    @Override
    public Tensor apply(Tensor input, Batch batch) {
      throw new IllegalArgumentException("Add takes two inputs");
    }

    @Override
    public Tensor apply(List<Tensor> inputs, Batch batch) {
      float[] a = inputs.get(0).data;
      float[] b = inputs.get(1).data;
      float[] sum = new float[a.length];
      for (int i = 0; i < sum.length; i++) {
        sum[i] = a[i] + b[i];
      }
      return inputs.get(0).withData(sum, inputs.get(0).width);
    }
  }

  private static final int D = 3;
  private static final int M = 4;
  private static final int K = 2;

  @Test
  void score_twoHeadsSummed_equalsTheSumOfTheTwoChains() {
    Random random = new Random(11);
    LstmLayer lstm = new LstmLayer("lstm", M, RandomModels.array(random, "kernel", D, 4 * M),
        RandomModels.array(random, "recurrent_kernel", M, 4 * M), RandomModels.array(random, "bias", 4 * M),
        Activation.TANH, Activation.SIGMOID, new Sequencing(true, false, false));
    DenseLayer left = new DenseLayer("left", K, RandomModels.array(random, "kernel", M, K),
        RandomModels.array(random, "bias", K), Activation.TANH);
    DenseLayer right = new DenseLayer("right", K, RandomModels.array(random, "kernel", M, K), null, Activation.RELU);
    RnnModel graph = RnnModel.graph("in", 0, List.of(Node.of(lstm, Node.MODEL_INPUT), Node.of(left, 0),
        Node.of(right, 0), new Node(new SumLayer("sum"), List.of(1, 2))), 3);
    assertEquals(List.of("lstm", "left", "right", "sum"), graph.layers().stream().map(Layer::name).toList());
    assertEquals(true, graph.outputIsSequence());
    assertEquals(K, graph.outputWidth());

    int[] lengths = {5, 2, 7, 1, 4};
    int[] offsets = new int[lengths.length];
    int total = 0;
    for (int b = 0; b < lengths.length; b++) {
      offsets[b] = total;
      total += lengths[b] * D;
    }
    float[] values = RandomModels.array(random, "x", total).data();
    float[][] got = new ForwardPass(graph).score(values, offsets, lengths, lengths.length);
    float[][] viaLeft = new ForwardPass(new RnnModel("in", 0, List.of(lstm, left))).score(values, offsets, lengths,
        lengths.length);
    float[][] viaRight = new ForwardPass(new RnnModel("in", 0, List.of(lstm, right))).score(values, offsets, lengths,
        lengths.length);
    for (int b = 0; b < lengths.length; b++) {
      float[] expected = new float[lengths[b] * K];
      for (int i = 0; i < expected.length; i++) {
        expected[i] = viaLeft[b][i] + viaRight[b][i];
      }
      assertArrayEquals(expected, got[b], 1e-6f, "row " + b);
    }
  }
}
