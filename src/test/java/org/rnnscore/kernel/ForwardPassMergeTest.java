package org.rnnscore.kernel;

import java.util.Random;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import java.util.List;
import org.rnnscore.model.Activation;
import org.rnnscore.model.MaskingLayer;
import org.rnnscore.model.MergeLayer;
import org.rnnscore.model.Node;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.Sequencing;
import org.rnnscore.testing.RandomModels;

/**
 * ForwardPass against {@link ReferenceForwardPass} on seeded random graphs that are not chains
 * ({@link RandomModels#randomGraph}: two or three recurrent branches, some go_backwards, joined by
 * every merge kind, widths 1 to 5), over ragged rows with masked steps (the Masking layer's value)
 * and explicit step masks. Tolerance as {@link ForwardPassLayersTest}.
 */
class ForwardPassMergeTest {
  private static final int SEEDS = 60;

  @Test
  void randomGraphs_matchTheReference() {
    for (long seed = 0; seed < SEEDS; seed++) {
      check(RandomModels.randomGraph(seed), seed);
    }
  }

  /** Seq2seq graphs: a decoder started from its encoder's states (initial_state wiring). */
  @Test
  void randomSeq2seq_matchTheReference() {
    for (long seed = 0; seed < SEEDS; seed++) {
      check(RandomModels.randomSeq2seq(seed), seed);
    }
  }

  @Test
  void initialState_startsTheDecoderFromTheEncodersState() {
    for (int index : new int[] {0, 1}) {
      float[][] got = new ForwardPass(ReferenceMergeTest.summingEncoderDecoder(index)).score(new float[] {1, 2, 4},
          new int[] {0, 2}, new int[] {2, 1}, 2);
      ForwardPassLayersTest.assertClose(new double[] {6}, got[0], 1, "row [1, 2], output " + index);
      ForwardPassLayersTest.assertClose(new double[] {8}, got[1], 1, "row [4], output " + index);
    }
  }

  /**
   * Two inputs, each with its own lengths (so its own sorted order in the batch): an encoder over
   * input 0 whose states start a decoder over input 1 (the Keras seq2seq training model), and
   * beside it the encoder's output concatenated with the decoder's last output.
   */
  @Test
  void twoInputs_eachOfItsOwnLength_matchTheReference() {
    for (long seed = 0; seed < 12; seed++) {
      Random random = new Random(seed);
      String kind = RandomModels.pick(random, List.of("LSTM", "GRU", "SimpleRNN"));
      int d0 = 1 + random.nextInt(5);
      int d1 = 1 + random.nextInt(5);
      int m = 1 + random.nextInt(5);
      boolean sequences = random.nextBoolean();
      Node encoder = Node.of(RandomModels.recurrent(random, kind, "encoder", d0, m, true, Activation.TANH,
          Activation.HARD_SIGMOID_KERAS2, random.nextBoolean(), new Sequencing(false, random.nextBoolean(), false)),
          Node.input(0));
      List<Node.Output> states = kind.equals("LSTM") ? List.of(new Node.Output(0, 1), new Node.Output(0, 2))
          : List.of(new Node.Output(0, 1));
      Node decoder = new Node(RandomModels.recurrent(random, kind, "decoder", d1, m, true, Activation.TANH,
          Activation.SIGMOID, random.nextBoolean(), new Sequencing(sequences, false, false)), List.of(Node.input(1)),
          states);
      List<Node> nodes = new java.util.ArrayList<>(List.of(encoder, decoder));
      if (!sequences) {
        nodes.add(new Node(MergeLayer.of("concatenate", MergeLayer.Op.CONCATENATE), List.of(0, 1)));
      }
      nodes.add(Node.of(RandomModels.dense(random, "dense", sequences ? m : 2 * m, 3, true, Activation.SOFTMAX),
          nodes.size() - 1));
      RnnModel model = RnnModel.graph(List.of(new RnnModel.Input("encoder_input", 0, d0),
          new RnnModel.Input("decoder_input", 0, d1)), nodes, nodes.size() - 1);

      int batch = 1 + random.nextInt(6);
      List<float[]> values = new java.util.ArrayList<>();
      List<int[]> offsets = new java.util.ArrayList<>();
      List<int[]> lengths = new java.util.ArrayList<>();
      double[][][][] rows = new double[2][batch][][];
      for (int k = 0; k < 2; k++) {
        int d = k == 0 ? d0 : d1;
        int[] length = new int[batch];
        int[] offset = new int[batch];
        int total = 0;
        for (int b = 0; b < batch; b++) {
          length[b] = 1 + random.nextInt(6);
          offset[b] = total;
          total += length[b] * d;
        }
        float[] v = new float[total];
        for (int b = 0; b < batch; b++) {
          rows[k][b] = new double[length[b]][d];
          for (int t = 0; t < length[b]; t++) {
            for (int j = 0; j < d; j++) {
              rows[k][b][t][j] = random.nextGaussian();
              v[offset[b] + t * d + j] = (float) rows[k][b][t][j];
            }
          }
        }
        values.add(v);
        offsets.add(offset);
        lengths.add(length);
      }
      float[][] got = new ForwardPass(model).score(values, offsets, lengths, batch, null);
      for (int b = 0; b < batch; b++) {
        double[] expected = ReferenceForwardPass.forwardRow(model, List.of(rows[0][b], rows[1][b]), null);
        ForwardPassLayersTest.assertClose(expected, got[b], 3, "seed " + seed + " " + describe(model) + ", row " + b);
      }
    }
  }

  /** Two outputs (a per-step head and a last-output head), each as the reference gives it, in the model's order. */
  @Test
  void twoOutputs_eachMatchesTheReference() {
    RnnModel model = RandomModels.twoHeads(3);
    assertEquals(List.of(1, 3), model.outputNodes());
    Random random = new Random(8);
    int[] lengths = {4, 1, 6};
    int[] offsets = {0, 4 * 3, 5 * 3};
    float[] values = new float[11 * 3];
    double[][][] rows = new double[3][][];
    for (int b = 0; b < 3; b++) {
      rows[b] = new double[lengths[b]][3];
      for (int t = 0; t < lengths[b]; t++) {
        for (int j = 0; j < 3; j++) {
          rows[b][t][j] = random.nextGaussian();
          values[offsets[b] + t * 3 + j] = (float) rows[b][t][j];
        }
      }
    }
    List<float[][]> got = new ForwardPass(model).scoreOutputs(List.of(values), List.of(offsets), List.of(lengths), 3,
        null);
    assertEquals(2, got.size());
    for (int b = 0; b < 3; b++) {
      List<double[]> expected = ReferenceForwardPass.forwardRowOutputs(model, List.<double[][]>of(rows[b]), null);
      ForwardPassLayersTest.assertClose(expected.get(0), got.get(0)[b], 2, "per-step head, row " + b);
      ForwardPassLayersTest.assertClose(expected.get(1), got.get(1)[b], 1, "last-output head, row " + b);
      assertEquals(lengths[b] * 2, got.get(0)[b].length, "per-step head, row " + b);
    }
  }

  private static void check(RnnModel model, long seed) {
    {
      Random random = new Random(seed * 31 + 7);
      int d = model.inputWidth();
      int batch = 1 + random.nextInt(6);
      float maskValue = Float.NaN;
      for (Node node : model.nodes()) {
        if (node.layer() instanceof MaskingLayer masking) {
          maskValue = masking.maskValue();
        }
      }
      double[][][] x = new double[batch][][];
      boolean[][] explicit = seed % 3 == 0 ? new boolean[batch][] : null;
      int[] lengths = new int[batch];
      int[] offsets = new int[batch];
      int total = 0;
      for (int b = 0; b < batch; b++) {
        lengths[b] = 1 + random.nextInt(7);
        offsets[b] = total;
        total += lengths[b] * d;
        x[b] = new double[lengths[b]][d];
        for (int t = 0; t < lengths[b]; t++) {
          boolean masked = !Float.isNaN(maskValue) && random.nextInt(4) == 0;
          for (int j = 0; j < d; j++) {
            x[b][t][j] = masked ? maskValue : random.nextGaussian();
          }
        }
        if (explicit != null && b % 2 == 0) {
          explicit[b] = new boolean[lengths[b]];
          for (int t = 0; t < lengths[b]; t++) {
            explicit[b][t] = random.nextInt(3) != 0;
          }
        }
      }
      float[] values = new float[total];
      for (int b = 0; b < batch; b++) {
        for (int t = 0; t < lengths[b]; t++) {
          for (int j = 0; j < d; j++) {
            values[offsets[b] + t * d + j] = (float) x[b][t][j];
          }
        }
      }
      float[][] got = new ForwardPass(model).score(values, offsets, lengths, batch, explicit);
      for (int b = 0; b < batch; b++) {
        double[] expected = ReferenceForwardPass.forwardRow(model, x[b], explicit == null ? null : explicit[b]);
        ForwardPassLayersTest.assertClose(expected, got[b], model.outputWidth(), "seed " + seed + " "
            + describe(model) + ", row " + b + " (length " + lengths[b] + ")");
      }
    }
  }

  /**
   * A go_backwards LSTM with return_sequences on one branch: its sequence stays in processing
   * order (last step first), as Keras returns it, so Concatenate pairs step s of the forward
   * branch with the backward branch's output after it has read the row's last s + 1 steps. The
   * backward columns equal a forward LSTM of the same weights run on the reversed row.
   */
  @Test
  void goBackwardsBranch_keepsItsSequenceReversed() {
    RnnModel graph = ReferenceMergeTest.backwardsBeside(5);
    RnnModel reversedChain = ReferenceMergeTest.forwardCopyOfBackwardBranch(graph);
    int d = graph.inputWidth();
    int[] lengths = {5, 2, 7, 1};
    int[] offsets = new int[lengths.length];
    Random random = new Random(5);
    int total = 0;
    for (int b = 0; b < lengths.length; b++) {
      offsets[b] = total;
      total += lengths[b] * d;
    }
    float[] values = new float[total];
    for (int i = 0; i < total; i++) {
      values[i] = (float) random.nextGaussian();
    }
    float[][] got = new ForwardPass(graph).score(values, offsets, lengths, lengths.length);
    int width = graph.outputWidth();
    int backWidth = reversedChain.outputWidth();
    for (int b = 0; b < lengths.length; b++) {
      float[] reversed = new float[lengths[b] * d];
      for (int t = 0; t < lengths[b]; t++) {
        System.arraycopy(values, offsets[b] + (lengths[b] - 1 - t) * d, reversed, t * d, d);
      }
      float[] onReversed = new ForwardPass(reversedChain).score(reversed, new int[] {0}, new int[] {lengths[b]}, 1)[0];
      float[] backColumns = new float[lengths[b] * backWidth];
      for (int t = 0; t < lengths[b]; t++) {
        System.arraycopy(got[b], t * width + width - backWidth, backColumns, t * backWidth, backWidth);
      }
      ForwardPassLayersTest.assertClose(toDouble(onReversed), backColumns, backWidth, "row " + b);
    }
  }

  /** The kernel keeps a masked branch's mask through a merge with an unmasked one (see ReferenceMergeTest). */
  @Test
  void mergeOfMaskedAndUnmasked_keepsTheMask() {
    float[][] got = new ForwardPass(ReferenceMergeTest.maskedBesideUnmasked()).score(new float[] {1, 0, 2, 5},
        new int[] {0, 3}, new int[] {3, 1}, 2);
    ForwardPassLayersTest.assertClose(new double[] {6}, got[0], 1, "row [1, 0, 2]");
    ForwardPassLayersTest.assertClose(new double[] {10}, got[1], 1, "row [5]: 5 + 5");
  }

  private static double[] toDouble(float[] v) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i];
    }
    return out;
  }

  private static String describe(RnnModel model) {
    StringBuilder text = new StringBuilder();
    for (Node node : model.nodes()) {
      text.append(node.layer().kerasClass()).append(node.inputs()).append(' ');
    }
    return text.toString().trim();
  }
}
