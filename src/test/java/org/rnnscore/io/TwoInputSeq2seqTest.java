package org.rnnscore.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.rnnscore.kernel.ForwardPass;
import org.rnnscore.kernel.ReferenceForwardPass;
import org.rnnscore.model.Node;
import org.rnnscore.model.RnnModel;
import org.rnnscore.testing.SharedData;

/**
 * The real two-input seq2seq file of ../shared/keras-real (kamal-rahimi/MachineTranslation,
 * standalone Keras 2.2.4: encoder LSTM(40, return_state) over (None, None, 150), decoder LSTM(40,
 * return_sequences) over (None, None, 50) started from the encoder's [h, c], Dense(50, softmax),
 * hard_sigmoid): it loads as a graph of two inputs and scores rows of two inputs of their own
 * lengths, equal to the reference with the file's weights. No oracle output exists for it (tfjs
 * runs single-input models only), so the reference is the check.
 */
class TwoInputSeq2seqTest {
  @Test
  void kamalSeq2seq_loadsAndScoresAsTheReference() throws IOException {
    Path file = SharedData.require("keras-real/kamal_seq2seq_2in_k224/model.h5");
    RnnModel model = ModelReader.read("model.h5", Files.readAllBytes(file));
    assertEquals(List.of("encoder_input", "decoder_input"), model.inputs().stream().map(RnnModel.Input::name).toList());
    assertEquals(List.of(150, 50), model.inputs().stream().map(RnnModel.Input::width).toList());
    assertEquals(List.of("encoder_lstm", "decoder_lstm", "decoder_dense"),
        model.nodes().stream().map(n -> n.layer().name()).toList());
    assertEquals(List.of(new Node.Output(0, 1), new Node.Output(0, 2)), model.nodes().get(1).initialState());
    assertEquals(List.of(Node.input(1)), model.nodes().get(1).inputs());
    assertEquals(50, model.outputWidth());

    Random random = new Random(224);
    int batch = 16;
    List<float[]> values = new ArrayList<>();
    List<int[]> offsets = new ArrayList<>();
    List<int[]> lengths = new ArrayList<>();
    double[][][][] rows = new double[2][batch][][];
    for (int k = 0; k < 2; k++) {
      int d = model.inputs().get(k).width();
      int[] length = new int[batch];
      int[] offset = new int[batch];
      int total = 0;
      for (int b = 0; b < batch; b++) {
        length[b] = 1 + random.nextInt(9);
        offset[b] = total;
        total += length[b] * d;
      }
      float[] v = new float[total];
      for (int b = 0; b < batch; b++) {
        rows[k][b] = new double[length[b]][d];
        for (int t = 0; t < length[b]; t++) {
          // One-hot characters, as the model was trained on.
          int hot = random.nextInt(d);
          rows[k][b][t][hot] = 1;
          v[offset[b] + t * d + hot] = 1;
        }
      }
      values.add(v);
      offsets.add(offset);
      lengths.add(length);
    }
    float[][] got = new ForwardPass(model).score(values, offsets, lengths, batch, null);
    for (int b = 0; b < batch; b++) {
      double[] expected = ReferenceForwardPass.forwardRow(model, List.of(rows[0][b], rows[1][b]), null);
      assertEquals(lengths.get(1)[b] * 50, got[b].length, "row " + b + ": one 50-vector per decoder step");
      for (int i = 0; i < expected.length; i++) {
        double tolerance = 1e-5 + 1e-4 * Math.abs(expected[i]);
        if (Math.abs(got[b][i] - expected[i]) > tolerance) {
          throw new AssertionError("row " + b + " value " + i + ": kernel " + got[b][i] + ", reference " + expected[i]);
        }
      }
    }
  }
}
