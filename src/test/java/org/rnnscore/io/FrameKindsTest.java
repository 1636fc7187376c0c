package org.rnnscore.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnscore.model.Activation;
import org.rnnscore.model.Frame;
import org.rnnscore.model.FrameFlattenLayer;
import org.rnnscore.model.Layer;
import org.rnnscore.model.MaskingLayer;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.Sequencing;
import org.rnnscore.testing.FrameModels;
import org.rnnscore.testing.KerasFileWriter;
import org.rnnscore.testing.ModelAssertions;
import org.rnnscore.testing.RandomModels;

/** TimeDistributed(Conv2D / MaxPooling2D / AveragePooling2D / Flatten) read from files: configs, weights, refusals. */
class FrameKindsTest {
  @TempDir
  Path dir;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Every option value: valid/same, strides, dilation, k = 1, no bias, both poolings. */
  private static List<RnnModel> models() {
    return List.of(
        FrameModels.model(1, 6, new Frame(9, 7, 3), "LSTM", 4, 2, "conv:5:3,3:2,2:1,1:same:relu",
            "max:2,2:2,2:valid"),
        FrameModels.model(2, 0, new Frame(8, 9, 2), "GRU", 3, 1, "conv:3:2,3:1,1:2,2:valid:tanh:nobias",
            "avg:3,3:1,1:same", "conv:2:1,1:1,1:1,1:valid:linear"),
        FrameModels.model(3, 5, new Frame(7, 6, 2), "LSTM", 3, 2, "conv:3:3,3:1,1:1,1:same:relu", "bn",
            "max:2,2:2,2:valid"));
  }

  /**
   * tf.keras writes TimeDistributed(BatchNormalization) over frames with the inner layer's axis, [3] of
   * (batch, H, W, C): that is the channels (axis 4 of the model's (batch, T, H, W, C)); [2] would be W.
   */
  @Test
  void read_timeDistributedBatchNormalization_innerAxisCountsWithoutTime() throws IOException {
    RnnModel original = models().get(2);
    for (String axis : new String[] {"[3]", "3", "-1", "[2]"}) {
      ObjectNode config = KerasFileWriter.legacyModelConfig(original);
      ArrayNode layers = (ArrayNode) config.path("config").path("layers");
      ObjectNode bn = (ObjectNode) layers.get(2).path("config").path("layer").path("config");
      assertEquals("BatchNormalization", layers.get(2).path("config").path("layer").path("class_name").asText());
      bn.set("axis", JSON.readTree(axis));
      Path h5 = dir.resolve("m.h5");
      KerasFileWriter.writeLegacyH5(h5, original, JSON.writeValueAsString(config));
      if (axis.equals("[2]")) {
        ModelFormatException e = assertThrows(ModelFormatException.class,
            () -> ModelReader.read("m.h5", Files.readAllBytes(h5)));
        assertTrue(e.getMessage().contains("has axis 3 on the input (None, 5, 7, 6, 3) from layer 'time_distributed',"
            + " expected -1 or 4 (the feature axis)"), e.getMessage());
      } else {
        RnnModel read = ModelReader.read("m.h5", Files.readAllBytes(h5));
        assertEquals(axis.equals("-1") ? -1 : 4, ((org.rnnscore.model.BatchNormalizationLayer) read.layers().get(1))
            .axis(), axis);
        assertEquals(java.util.Arrays.deepToString(score(original)), java.util.Arrays.deepToString(score(read)), axis);
      }
    }
  }

  /** Two rows of 5 and 2 frames through the kernel. */
  private static float[][] score(RnnModel model) {
    double[][][] x = FrameModels.rows(41, new int[] {5, 2}, model.inputFrame());
    int d = model.inputFrame().size();
    float[] values = new float[7 * d];
    int at = 0;
    for (double[][] row : x) {
      for (double[] step : row) {
        for (double v : step) {
          values[at++] = (float) v;
        }
      }
    }
    return new org.rnnscore.kernel.ForwardPass(model).score(values, new int[] {0, 5 * d}, new int[] {5, 2}, 2);
  }

  @Test
  void read_legacyH5AndKeras3_roundTrip() throws IOException {
    for (RnnModel original : models()) {
      Path h5 = dir.resolve("m.h5");
      KerasFileWriter.writeLegacyH5(h5, original);
      ModelAssertions.assertSameModel(original, ModelReader.read("m.h5", Files.readAllBytes(h5)));
      Path keras = dir.resolve("m.keras");
      KerasFileWriter.writeKerasV3(keras, original);
      ModelAssertions.assertSameModel(original, ModelReader.read("m.keras", Files.readAllBytes(keras)));
    }
  }

  @Test
  void read_stridesDefaultToPoolSize_andKernelSizeAsOneInt() throws IOException {
    RnnModel original = models().get(0);
    ObjectNode config = KerasFileWriter.legacyModelConfig(original);
    ArrayNode layers = (ArrayNode) config.path("config").path("layers");
    ObjectNode conv = (ObjectNode) layers.get(1).path("config").path("layer").path("config");
    conv.put("kernel_size", 3);
    ObjectNode pool = (ObjectNode) layers.get(2).path("config").path("layer").path("config");
    pool.remove("strides");
    Path h5 = dir.resolve("m.h5");
    KerasFileWriter.writeLegacyH5(h5, original, JSON.writeValueAsString(config));
    ModelAssertions.assertSameModel(original, ModelReader.read("m.h5", Files.readAllBytes(h5)));
  }

  @Test
  void read_inspectShapes_showFrames() throws IOException {
    Path keras = dir.resolve("m.keras");
    KerasFileWriter.writeKerasV3(keras, models().get(0));
    RnnModel model = ModelReader.read("m.keras", Files.readAllBytes(keras));
    assertEquals("(None, 6, 5, 4, 5)", model.outputShapes().get(0).kerasText());
    assertEquals(new Frame(9, 7, 3), model.inputFrame());
    assertEquals("TimeDistributed(Conv2D)", model.layers().get(0).kerasClass());
  }

  @Test
  void parse_badConfigs_refusedByName() {
    assertEquals("layer 'td' has padding 'causal', expected valid or same", refused("Conv2D",
        "{\"filters\": 2, \"kernel_size\": [3, 3], \"padding\": \"causal\"}"));
    assertEquals("layer 'td' has data_format 'channels_first', expected channels_last (frames H×W×C; rnnscore does"
        + " not read channels_first)", refused("MaxPooling2D", "{\"data_format\": \"channels_first\"}"));
    assertEquals("layer 'td' has kernel_size [3,0], expected a positive integer or two (height, width)",
        refused("Conv2D", "{\"filters\": 2, \"kernel_size\": [3, 0]}"));
    assertEquals("layer 'td' (Conv2D) has groups 2, expected 1 (grouped convolutions are not run)",
        refused("Conv2D", "{\"filters\": 2, \"kernel_size\": 3, \"groups\": 2}"));
    assertEquals("layer 'td' (Conv2D) has strides (2, 2) and dilation_rate (2, 1); Keras allows strides > 1 or"
        + " dilation_rate > 1, not both", refused("Conv2D",
        "{\"filters\": 2, \"kernel_size\": 3, \"strides\": 2, \"dilation_rate\": [2, 1]}"));
    assertEquals("layer 'td' has filters (missing), expected a positive integer",
        refused("Conv2D", "{\"kernel_size\": 3}"));
  }

  @Test
  void parse_bareConv2D_refusedSayingTimeDistributed() {
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> LayerKinds.of("Conv2D").parse("Conv2D",
        "conv2d", JSON.createObjectNode(), 0));
    assertTrue(e.getMessage().startsWith("layer 'conv2d' has type Conv2D: rnnscore runs 2-D layers only per step,"
        + " inside TimeDistributed"), e.getMessage());
  }

  @Test
  void read_keras2MaskReachingTimeDistributedFlatten_refused_keras3_readsIt() throws IOException {
    Random random = new Random(3);
    List<Layer> layers = new ArrayList<>();
    layers.add(new MaskingLayer("masking", 0f));
    layers.add(new FrameFlattenLayer("time_distributed"));
    layers.add(RandomModels.recurrent(random, "LSTM", "lstm", 3, 4, true, Activation.TANH, Activation.SIGMOID, true,
        new Sequencing(false, false, false)));
    RnnModel model = new RnnModel(null, 0, layers);
    Path h5 = dir.resolve("m.h5");
    KerasFileWriter.writeLegacyH5(h5, model);
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> ModelReader.read("m.h5", Files.readAllBytes(h5)));
    assertEquals("m.h5: layer 'time_distributed' (TimeDistributed(Flatten)) does not support masking, but a mask (from"
        + " Masking or Embedding(mask_zero)) reaches it; Keras 2 refuses such a model, so rnnscore does too (Keras 3"
        + " passes the mask on around it, in TimeDistributed)", e.getMessage());
    Path keras = dir.resolve("m.keras");
    KerasFileWriter.writeKerasV3(keras, model);
    ModelAssertions.assertSameModel(model, ModelReader.read("m.keras", Files.readAllBytes(keras)));
  }

  @Test
  void masking_onFrames_refused() {
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> new MaskingLayer("masking", 0f)
        .outputShape(org.rnnscore.model.Shape.frames(4, new Frame(3, 3, 1)), "the model input"));
    assertEquals("layer 'masking' (Masking) reads image frames (None, 4, 3, 3, 1) from the model input: Keras would"
        + " mask each pixel rather than each step; put it after TimeDistributed(Flatten)", e.getMessage());
  }

  @Test
  void read_fiveDimensionalInputWithUndeclaredFrame_refused() throws IOException {
    RnnModel original = models().get(0);
    ObjectNode config = KerasFileWriter.legacyModelConfig(original);
    ArrayNode shape = (ArrayNode) config.path("config").path("layers").get(0).path("config").path("batch_input_shape");
    shape.setNull(2);
    Path h5 = dir.resolve("m.h5");
    KerasFileWriter.writeLegacyH5(h5, original, JSON.writeValueAsString(config));
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> ModelReader.read("m.h5", Files.readAllBytes(h5)));
    assertTrue(e.getMessage().contains("frames of undeclared size; expected height, width and channels declared"),
        e.getMessage());
  }

  private static String refused(String inner, String config) {
    ObjectNode td = JSON.createObjectNode();
    ObjectNode layer = td.putObject("layer");
    layer.put("class_name", inner);
    try {
      layer.set("config", JSON.readTree(config));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return assertThrows(ModelFormatException.class, () -> LayerKinds.of("TimeDistributed").parse("TimeDistributed",
        "td", td, 0)).getMessage();
  }
}
