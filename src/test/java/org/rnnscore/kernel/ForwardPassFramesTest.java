package org.rnnscore.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnnscore.model.Conv2DLayer;
import org.rnnscore.model.Frame;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.Shape;
import org.rnnscore.model.Window2D;
import org.rnnscore.testing.FrameModels;
import org.rnnscore.testing.RandomModels;

/**
 * The per-step image CNN (TimeDistributed Conv2D / pooling / Flatten before a recurrent layer):
 * {@link ForwardPass} (im2col + one GEMM over the batch's frames) against {@link
 * ReferenceForwardPass}'s direct nested-loop convolution, on seeded shapes: odd H and W, k = 1,
 * strides 2, dilation, same and valid, even kernels (same's extra padding on the bottom/right),
 * ragged rows. Tolerance as {@link ForwardPassLayersTest}: the sums are at most kh·kw·C ≲ 60
 * terms long in float32.
 */
class ForwardPassFramesTest {
  record Case(String name, long seed, Frame frame, String recurrent, int[] lengths, String[] layers) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        c("valid 3x3 > max 2 (odd 7x5x2), LSTM", 1, new Frame(7, 5, 2), "LSTM", new int[] {3, 3, 3},
            "conv:4:3,3:1,1:1,1:valid:relu", "max:2,2:2,2:valid"),
        c("same 3x3 strides 2 (odd 9x7x3) > avg same 2/1, GRU, ragged", 2, new Frame(9, 7, 3), "GRU",
            new int[] {4, 1, 3, 2, 4}, "conv:5:3,3:2,2:1,1:same:tanh", "avg:2,2:1,1:same"),
        c("k=1 conv (5x5x1), SimpleRNN", 3, new Frame(5, 5, 1), "SimpleRNN", new int[] {2, 2},
            "conv:3:1,1:1,1:1,1:valid:linear"),
        c("dilation 2, kernel 2x3, strides 1x2, valid (8x9x2)", 4, new Frame(8, 9, 2), "LSTM", new int[] {3, 2, 1},
            "conv:3:2,3:1,2:2,2:valid:sigmoid"),
        c("even kernel 4 same strides 2 (6x7x2) > max same 3/2, no bias", 5, new Frame(6, 7, 2), "GRU",
            new int[] {2, 2, 2, 2}, "conv:2:4,4:2,2:1,1:same:relu:nobias", "max:3,3:2,2:same"),
        c("two convs > avg valid (11x11x1), 1x1 frames out of a stride", 6, new Frame(11, 11, 1), "LSTM",
            new int[] {5, 3}, "conv:4:3,3:2,2:1,1:valid:relu", "conv:3:3,3:2,2:1,1:same:softmax", "avg:2,2:2,2:valid"),
        c("conv > TimeDistributed(BatchNormalization) > max (7x6x2), ragged", 8, new Frame(7, 6, 2), "LSTM",
            new int[] {3, 1, 2}, "conv:3:3,3:1,1:1,1:same:relu", "bn", "max:2,2:2,2:valid"),
        c("TimeDistributed(BatchNormalization without scale) on the input frames (5x5x3)", 9, new Frame(5, 5, 3),
            "GRU", new int[] {2, 4}, "bn:noscale", "conv:2:3,3:2,2:1,1:valid:tanh"),
        c("1x1 frames, one step", 7, new Frame(1, 1, 3), "SimpleRNN", new int[] {1},
            "conv:2:1,1:1,1:1,1:same:tanh", "max:1,1:1,1:valid"));
  }

  static Arguments c(String name, long seed, Frame frame, String recurrent, int[] lengths, String... layers) {
    return Arguments.of(Named.of(name, new Case(name, seed, frame, recurrent, lengths, layers)));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void forwardPass_matchesDirectConvolutionReference(Case c) {
    RnnModel model = FrameModels.model(c.seed(), 0, c.frame(), c.recurrent(), 4, 2, c.layers());
    double[][][] x = FrameModels.rows(c.seed() + 100, c.lengths(), c.frame());
    int d = c.frame().size();
    int total = 0;
    for (int length : c.lengths()) {
      total += length * d;
    }
    float[] values = new float[total];
    int[] offsets = new int[x.length];
    int at = 0;
    for (int b = 0; b < x.length; b++) {
      offsets[b] = at;
      for (double[] step : x[b]) {
        for (double v : step) {
          values[at++] = (float) v;
        }
      }
    }
    float[][] out = new ForwardPass(model).score(values, offsets, c.lengths(), x.length);
    for (int b = 0; b < x.length; b++) {
      ForwardPassLayersTest.assertClose(ReferenceForwardPass.forwardRow(model, x[b], null), out[b], 2,
          c + " | row " + b + " (" + c.lengths()[b] + " frames)");
    }
  }

  /** The im2col blocks cut into chunks of whole frames give the same outputs as one block. */
  @Test
  void conv2dStage_chunkedIm2col_equalsOneBlock() {
    Frame frame = new Frame(5, 6, 2);
    Conv2DLayer conv = new Conv2DLayer("td", 3, new Window2D(3, 2, 2, 1, 1, 1, true),
        RandomModels.array(new java.util.Random(9), "kernel", 3, 2, 2, 3),
        RandomModels.array(new java.util.Random(10), "bias", 3), org.rnnscore.model.Activation.TANH);
    int[] lengths = {3, 2, 3};
    Batch batch = Batch.of(lengths, 3);
    float[] data = new float[batch.steps * batch.size * frame.size()];
    java.util.Random random = new java.util.Random(11);
    for (int i = 0; i < data.length; i++) {
      data[i] = random.nextFloat() * 2 - 1;
    }
    Tensor input = Tensor.sequence(data, frame.size(), null).withFrames(data, frame);
    Tensor whole = new Conv2DStage(conv).apply(input, batch);
    Tensor chunked = new Conv2DStage(conv, 1).apply(input, batch);
    assertEquals(new Frame(3, 6, 3), whole.frame);
    assertArrayEquals(whole.data, chunked.data);
  }

  @Test
  void shapes_framesThroughConvPoolFlatten() {
    RnnModel model = FrameModels.model(1, 10, new Frame(9, 7, 3), "LSTM", 4, 2, "conv:5:3,3:2,2:1,1:same:relu",
        "max:2,2:2,2:valid");
    assertEquals("(None, 10, 9, 7, 3)", model.shapeOf(-1).kerasText());
    assertEquals("(None, 10, 5, 4, 5)", model.outputShapes().get(0).kerasText());
    assertEquals("(None, 10, 2, 2, 5)", model.outputShapes().get(1).kerasText());
    assertEquals(Shape.sequence(10, 20), model.outputShapes().get(2));
    assertEquals(9 * 7 * 3, model.inputWidth());
  }

  @Test
  void valid_windowLargerThanFrame_refusedNamingTheLayer() {
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> FrameModels.model(1, 0,
        new Frame(2, 5, 1), "LSTM", 4, 2, "conv:2:3,3:1,1:1,1:valid:relu"));
    assertTrue(e.getMessage().contains("layer 'time_distributed' (TimeDistributed(Conv2D)) has a window of (3, 3)"
        + " with padding valid, larger than its input frames of 2×5"), e.getMessage());
  }

  @Test
  void conv_wrongChannels_refusedWithBothShapes() {
    Conv2DLayer conv = new Conv2DLayer("td", 2, new Window2D(1, 1, 1, 1, 1, 1, false),
        RandomModels.array(new java.util.Random(1), "kernel", 1, 1, 4, 2), null, org.rnnscore.model.Activation.LINEAR);
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> conv.outputShape(Shape.frames(3, new Frame(5, 5, 3)), "the model input"));
    assertEquals("layer 'td' (TimeDistributed(Conv2D)) kernel has shape [1, 1, 4, 2] (4 input channels), but the"
        + " model input gives frames of 5, 5, 3 (3 channels)", e.getMessage());
    ModelFormatException flat = assertThrows(ModelFormatException.class,
        () -> conv.outputShape(Shape.sequence(3, 75), "layer 'lstm'"));
    assertTrue(flat.getMessage().contains("needs a sequence of H×W×C frames (input shape (None, T, H, W, C)), but"
        + " layer 'lstm' gives (None, 3, 75)"), flat.getMessage());
  }
}
