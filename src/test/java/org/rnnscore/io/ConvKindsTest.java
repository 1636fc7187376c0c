package org.rnnscore.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rnnscore.kernel.ModelSpec;
import org.rnnscore.model.Conv1DLayer;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.RnnModel;
import org.rnnscore.testing.KerasFileWriter;
import org.rnnscore.testing.ModelAssertions;

/** Conv1D and the 1-D pooling layers read from files: configs per generation, refusals, the mask rule. */
class ConvKindsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {
      "conv(5,3,relu) > maxpool(2) > lstm(4) > dense(1)",
      "conv(4,3,same,s=2,nobias) > avgpool(3,s=1,same) > gru(3,rs) > gavgpool > dense(2)",
      "conv(4,2,causal,d=2,tanh) > conv(3,1) > simple(3,rs) > gmaxpool(keepdims) > dense(2)",
      "lstm(3,rs) > conv(2,3,valid,s=3,sigmoid) > dense(2)"})
  void read_h5AndKeras_roundTrip(String spec) throws IOException {
    RnnModel original = ModelSpec.build(spec, 5, 3, 0);
    Path h5 = dir.resolve("m.h5");
    KerasFileWriter.writeLegacyH5(h5, original);
    ModelAssertions.assertSameModel(original, ModelReader.read("m.h5", Files.readAllBytes(h5)));
    Path keras = dir.resolve("m.keras");
    KerasFileWriter.writeKerasV3(keras, original);
    ModelAssertions.assertSameModel(original, ModelReader.read("m.keras", Files.readAllBytes(keras)));
  }

  @Test
  void read_declaredTimesteps_shortenedByEachLayer() throws IOException {
    RnnModel original = ModelSpec.build("conv(5,3) > maxpool(2) > lstm(4,rs)", 5, 3, 30);
    Path h5 = dir.resolve("m.h5");
    KerasFileWriter.writeLegacyH5(h5, original);
    RnnModel read = ModelReader.read("m.h5", Files.readAllBytes(h5));
    assertEquals("(None, 28, 5)", read.outputShapes().get(0).kerasText());
    assertEquals("(None, 14, 5)", read.outputShapes().get(1).kerasText());
    assertEquals(3, read.inputWidth(), "D from the kernel's axis 1 (k, D, filters)");
  }

  @Test
  void read_keras2FileWithAMaskReachingConv1D_refused() throws IOException {
    Path file = dir.resolve("m.h5");
    KerasFileWriter.writeLegacyH5(file, ModelSpec.build("masking(0) > conv(4,3,same) > lstm(3)", 1, 3, 0));
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> ModelReader.read("m.h5", Files.readAllBytes(file)));
    assertEquals("m.h5: layer 'conv_1' (Conv1D) does not support masking, but a mask (from Masking or"
        + " Embedding(mask_zero)) reaches it; Keras 2 refuses such a model, so rnnscore does too (Keras 3 drops the"
        + " mask there)", e.getMessage());
  }

  @Test
  void read_keras2FileWithAMaskReachingPoolingOrFlatten_refused() throws IOException {
    for (String[] c : new String[][] {
        {"masking(0) > lstm(3,rs) > maxpool(2) > gru(2)", "maxpool_2", "MaxPooling1D"},
        {"masking(0) > lstm(3,rs) > gmaxpool > dense(2)", "gmaxpool_2", "GlobalMaxPooling1D"},
        {"masking(0) > lstm(3,rs) > flatten > dense(2)", "flatten_2", "Flatten"}}) {
      Path file = dir.resolve("m.h5");
      KerasFileWriter.writeLegacyH5(file, ModelSpec.build(c[0], 1, 3, 4));
      ModelFormatException e = assertThrows(ModelFormatException.class,
          () -> ModelReader.read("m.h5", Files.readAllBytes(file)), c[0]);
      assertTrue(e.getMessage().startsWith("m.h5: layer '" + c[1] + "' (" + c[2] + ") does not support masking"),
          e.getMessage());
    }
  }

  @Test
  void read_keras2FileWithAMaskReachingGlobalAveragePooling_readsIt() throws IOException {
    RnnModel original = ModelSpec.build("masking(0) > lstm(3,rs) > gavgpool > dense(2)", 1, 3, 0);
    Path file = dir.resolve("m.h5");
    KerasFileWriter.writeLegacyH5(file, original);
    ModelAssertions.assertSameModel(original, ModelReader.read("m.h5", Files.readAllBytes(file)));
  }

  @Test
  void read_keras3FileWithAMaskReachingConv1DAndPooling_dropsIt() throws IOException {
    RnnModel original = ModelSpec.build("masking(0) > conv(4,3,same) > maxpool(2) > lstm(3)", 1, 3, 0);
    Path file = dir.resolve("m.keras");
    KerasFileWriter.writeKerasV3(file, original);
    ModelAssertions.assertSameModel(original, ModelReader.read("m.keras", Files.readAllBytes(file)));
  }

  @Test
  void parse_conv1dConfigs_refusedByName() {
    assertEquals("layer 'r' (Conv1D) has data_format \"channels_first\"; rnnscore reads sequences as (steps,"
        + " features), data_format channels_last, only", refusal("Conv1D",
            "{\"filters\": 2, \"kernel_size\": [3], \"data_format\": \"channels_first\"}"));
    assertEquals("layer 'r' (Conv1D) has groups 2; rnnscore runs Conv1D with groups = 1 only (a grouped convolution"
        + " is not run by this version)", refusal("Conv1D", "{\"filters\": 2, \"kernel_size\": 3, \"groups\": 2}"));
    assertEquals("layer 'r' has kernel_size [3,3], expected a positive integer (or a list of one)",
        refusal("Conv1D", "{\"filters\": 2, \"kernel_size\": [3, 3]}"));
    assertEquals("layer 'r' has padding \"full\", expected valid, same or causal",
        refusal("Conv1D", "{\"filters\": 2, \"kernel_size\": 3, \"padding\": \"full\"}"));
    assertEquals("layer 'r' has filters (missing), expected a positive integer", refusal("Conv1D",
        "{\"kernel_size\": 3}"));
    assertEquals("layer 'r' has padding \"causal\", expected valid or same",
        refusal("MaxPooling1D", "{\"pool_size\": 2, \"padding\": \"causal\"}"));
    assertEquals("layer 'r' (GlobalAveragePooling1D) has data_format \"channels_first\"; rnnscore reads sequences as"
        + " (steps, features), data_format channels_last, only",
        refusal("GlobalAveragePooling1D", "{\"data_format\": \"channels_first\"}"));
  }

  @Test
  void build_poolingStridesDefaultToThePoolSize() throws IOException {
    LayerSpec spec = LayerKinds.of("AveragePooling1D").parse("AveragePooling1D", "p",
        JSON.readTree("{\"pool_size\": [3], \"strides\": null, \"padding\": \"same\"}"), 0);
    assertEquals("pool 3, strides 3, same", spec.kind.build(spec, java.util.List.of(), null).details());
  }

  @Test
  void build_conv1dKernelOfAnotherWidth_namesItsShape() {
    RnnModel model = ModelSpec.build("conv(4,3) > lstm(3)", 1, 3, 0);
    Conv1DLayer conv = (Conv1DLayer) model.layers().get(0);
    assertEquals(4 * 3 * 3 + 4, conv.paramCount(), "k·D·filters + filters, as model.summary() counts");
  }

  private static String refusal(String className, String config) {
    return assertThrows(ModelFormatException.class, () -> LayerKinds.of(className).parse(className, "r",
        JSON.readTree(config), 0)).getMessage();
  }
}
