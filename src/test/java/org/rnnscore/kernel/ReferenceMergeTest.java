package org.rnnscore.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rnnscore.model.Activation;
import org.rnnscore.model.LstmLayer;
import org.rnnscore.model.MaskingLayer;
import org.rnnscore.model.MergeLayer;
import org.rnnscore.model.Node;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.Sequencing;
import org.rnnscore.model.SimpleRnnLayer;
import org.rnnscore.model.WeightArray;
import org.rnnscore.testing.RandomModels;

/**
 * The reference's merges, checked by hand on cases small enough to compute on paper, and its
 * go_backwards branch against a forward layer on the reversed row. ({@link ForwardPassMergeTest}
 * then holds the kernel to the reference.)
 */
class ReferenceMergeTest {
  /** SimpleRNN(1 unit, linear, no bias) with kernel {@code a} and recurrent kernel {@code u}: h_t = a·x_t + u·h_{t−1}. */
  static SimpleRnnLayer scalarRnn(String name, float a, float u, boolean returnSequences) {
    return new SimpleRnnLayer(name, 1, new WeightArray("kernel", new int[] {1, 1}, new float[] {a}),
        new WeightArray("recurrent_kernel", new int[] {1, 1}, new float[] {u}), null, Activation.LINEAR,
        new Sequencing(returnSequences, false, false));
  }

  /** Two one-unit branches over x = [3] (T = 1): 2·3 = 6 and −1·3 = −3, merged. */
  private static double[] merged(MergeLayer merge) {
    RnnModel model = RnnModel.graph("in", 0, List.of(Node.of(scalarRnn("a", 2, 0, false), Node.MODEL_INPUT),
        Node.of(scalarRnn("b", -1, 0, false), Node.MODEL_INPUT), new Node(merge, List.of(0, 1))), 2);
    return ReferenceForwardPass.forwardRow(model, new double[][] {{3}}, null);
  }

  @Test
  void eachMerge_onSixAndMinusThree() {
    assertArrayEquals(new double[] {6, -3}, merged(MergeLayer.of("m", MergeLayer.Op.CONCATENATE)), 1e-12);
    assertArrayEquals(new double[] {3}, merged(MergeLayer.of("m", MergeLayer.Op.ADD)), 1e-12);
    assertArrayEquals(new double[] {9}, merged(MergeLayer.of("m", MergeLayer.Op.SUBTRACT)), 1e-12);
    assertArrayEquals(new double[] {-18}, merged(MergeLayer.of("m", MergeLayer.Op.MULTIPLY)), 1e-12);
    assertArrayEquals(new double[] {1.5}, merged(MergeLayer.of("m", MergeLayer.Op.AVERAGE)), 1e-12);
    assertArrayEquals(new double[] {6}, merged(MergeLayer.of("m", MergeLayer.Op.MAXIMUM)), 1e-12);
    assertArrayEquals(new double[] {-3}, merged(MergeLayer.of("m", MergeLayer.Op.MINIMUM)), 1e-12);
    assertArrayEquals(new double[] {-18}, merged(MergeLayer.of("m", MergeLayer.Op.DOT)), 1e-12);
    // normalize: the cosine of two opposite one-value vectors.
    assertArrayEquals(new double[] {-1}, merged(new MergeLayer("m", MergeLayer.Op.DOT, new int[] {1, 1}, true)),
        1e-12);
  }

  /**
   * The masked branch's mask survives a merge with an unmasked one (AND with all-true). x = [1, 0,
   * 2]: Masking(0) → h = [1, 1, 2] (the masked step repeats the last output), the plain branch
   * gives [1, 0, 2]; Add = [2, 1, 4] with step 1 masked; a summing SimpleRNN (a = u = 1) then
   * skips it: 2 + 4 = 6 (7 if the mask were lost).
   */
  static RnnModel maskedBesideUnmasked() {
    return RnnModel.graph("in", 0, List.of(Node.of(new MaskingLayer("masking", 0f), Node.MODEL_INPUT),
        Node.of(scalarRnn("masked", 1, 0, true), 0), Node.of(scalarRnn("plain", 1, 0, true), Node.MODEL_INPUT),
        new Node(MergeLayer.of("add", MergeLayer.Op.ADD), List.of(1, 2)), Node.of(scalarRnn("sum", 1, 1, false), 3)),
        4);
  }

  @Test
  void mergeOfMaskedAndUnmasked_keepsTheMask() {
    assertArrayEquals(new double[] {6}, ReferenceForwardPass.forwardRow(maskedBesideUnmasked(),
        new double[][] {{1}, {0}, {2}}, null), 1e-12);
  }

  /**
   * initial_state wiring by hand: a summing encoder (a = u = 1) over x = [1, 2] ends with h = 3; a
   * summing decoder over the same row started from it gives 3 + 1 + 2 = 6 (3 from zeros). Output 0
   * of the encoder (its last output, which is h) wires the same way.
   */
  static RnnModel summingEncoderDecoder(int outputIndex) {
    return RnnModel.graph("in", 0, List.of(Node.of(scalarRnn("encoder", 1, 1, false), Node.MODEL_INPUT),
        new Node(scalarRnn("decoder", 1, 1, false), List.of(Node.MODEL_INPUT), List.of(new Node.Output(0,
            outputIndex)))), 1);
  }

  @Test
  void initialState_startsTheDecoderFromTheEncodersState() {
    assertArrayEquals(new double[] {6}, ReferenceForwardPass.forwardRow(summingEncoderDecoder(1),
        new double[][] {{1}, {2}}, null), 1e-12);
    assertArrayEquals(new double[] {6}, ReferenceForwardPass.forwardRow(summingEncoderDecoder(0),
        new double[][] {{1}, {2}}, null), 1e-12);
  }

  /** input → LSTM(go_backwards, return_sequences) and LSTM(return_sequences), concatenated [forward, backward]. */
  static RnnModel backwardsBeside(long seed) {
    Random random = new Random(seed);
    int d = 3;
    LstmLayer forward = (LstmLayer) RandomModels.recurrent(random, "LSTM", "forward", d, 4, true, Activation.TANH,
        Activation.SIGMOID, false, new Sequencing(true, false, false));
    LstmLayer backward = (LstmLayer) RandomModels.recurrent(random, "LSTM", "backward", d, 3, true, Activation.TANH,
        Activation.SIGMOID, false, new Sequencing(true, true, false));
    return RnnModel.graph("in", 0, List.of(Node.of(forward, Node.MODEL_INPUT), Node.of(backward, Node.MODEL_INPUT),
        new Node(MergeLayer.of("concatenate", MergeLayer.Op.CONCATENATE), List.of(0, 1))), 2);
  }

  /** The backward branch of {@link #backwardsBeside} as a forward LSTM alone (to run on reversed rows). */
  static RnnModel forwardCopyOfBackwardBranch(RnnModel graph) {
    LstmLayer backward = (LstmLayer) graph.nodes().get(1).layer();
    return new RnnModel("in", 0, List.of(backward.withSequencing(new Sequencing(true, false, false))));
  }

  @Test
  void goBackwardsBranch_keepsItsSequenceReversed() {
    RnnModel graph = backwardsBeside(5);
    RnnModel onReversed = forwardCopyOfBackwardBranch(graph);
    Random random = new Random(9);
    for (int length : new int[] {1, 2, 5}) {
      double[][] x = new double[length][3];
      double[][] reversed = new double[length][];
      for (int t = 0; t < length; t++) {
        for (int j = 0; j < 3; j++) {
          x[t][j] = random.nextGaussian();
        }
      }
      for (int t = 0; t < length; t++) {
        reversed[t] = x[length - 1 - t];
      }
      double[] got = ReferenceForwardPass.forwardRow(graph, x, null);
      double[] expected = ReferenceForwardPass.forwardRow(onReversed, reversed, null);
      double[] backColumns = new double[length * 3];
      for (int t = 0; t < length; t++) {
        System.arraycopy(got, t * 7 + 4, backColumns, t * 3, 3);
      }
      assertArrayEquals(expected, backColumns, 1e-12, "length " + length);
    }
  }
}
