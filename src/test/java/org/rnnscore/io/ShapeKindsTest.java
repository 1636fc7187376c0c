package org.rnnscore.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnnscore.kernel.ModelSpec;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.RnnModel;
import org.rnnscore.testing.KerasFileWriter;
import org.rnnscore.testing.ModelAssertions;

/** RepeatVector, Reshape and Permute read from files: their configs, refusals and the mask rule by generation. */
class ShapeKindsTest {
  @TempDir
  Path dir;

  private static final String MASKED_RESHAPE = "masking(0) > lstm(4,rs) > reshape(-1,4) > gru(3) > dense(2)";

  @Test
  void read_keras2FileWithAMaskReachingReshape_refused() throws IOException {
    Path file = dir.resolve("m.h5");
    KerasFileWriter.writeLegacyH5(file, ModelSpec.build(MASKED_RESHAPE, 1, 3, 0));
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> ModelReader.read("m.h5", Files.readAllBytes(file)));
    assertEquals("m.h5: layer 'reshape_2' (Reshape) does not support masking, but a mask (from Masking or"
        + " Embedding(mask_zero)) reaches it; Keras 2 refuses such a model, so rnnscore does too (Keras 3 drops the"
        + " mask there)", e.getMessage());
  }

  @Test
  void read_keras3FileWithAMaskReachingReshape_readsIt() throws IOException {
    RnnModel original = ModelSpec.build(MASKED_RESHAPE, 1, 3, 0);
    Path file = dir.resolve("m.keras");
    KerasFileWriter.writeKerasV3(file, original);
    ModelAssertions.assertSameModel(original, ModelReader.read("m.keras", Files.readAllBytes(file)));
  }

  @Test
  void read_keras2FileWithTheMaskDroppedBeforeReshape_readsIt() throws IOException {
    RnnModel original = ModelSpec.build("masking(0) > lstm(4) > reshape(2,2) > gru(3,rs) > permute(2,1)", 2, 3, 0);
    assertNull(original.maskedLayerWithoutMaskSupport());
    Path file = dir.resolve("m.h5");
    KerasFileWriter.writeLegacyH5(file, original);
    ModelAssertions.assertSameModel(original, ModelReader.read("m.h5", Files.readAllBytes(file)));
  }

  @Test
  void read_everyShapeLayerInBothForms_roundTrips() throws IOException {
    for (String spec : new String[] {"lstm(4) > repeat(3) > lstm(2,rs) > dense(1)",
        "lstm(3,rs) > reshape(15) > dense(2)", "simple(4,rs) > reshape(2,-1) > lstm(3) > reshape(3,1) > gru(2)",
        "gru(3,rs) > permute(2,1) > lstm(4,rs) > permute(1,2) > dense(2)"}) {
      RnnModel original = ModelSpec.build(spec, 3, 2, 5);
      Path h5 = dir.resolve("m.h5");
      KerasFileWriter.writeLegacyH5(h5, original);
      ModelAssertions.assertSameModel(original, ModelReader.read("m.h5", Files.readAllBytes(h5)));
      Path keras = dir.resolve("m.keras");
      KerasFileWriter.writeKerasV3(keras, original);
      ModelAssertions.assertSameModel(original, ModelReader.read("m.keras", Files.readAllBytes(keras)));
    }
  }

  @Test
  void parse_badConfigs_refusedByName() {
    assertEquals("layer 'r' has target_shape \"7\", expected a list of integers",
        assertThrows(ModelFormatException.class, () -> parse("Reshape", "{\"target_shape\": \"7\"}")).getMessage());
    assertEquals("layer 'r' has dims (missing), expected a list of integers",
        assertThrows(ModelFormatException.class, () -> parse("Permute", "{}")).getMessage());
    assertEquals("layer 'r' has n 0, expected a positive integer",
        assertThrows(ModelFormatException.class, () -> parse("RepeatVector", "{\"n\": 0}")).getMessage());
  }

  private static void parse(String className, String config) throws IOException {
    LayerKinds.of(className).parse(className, "r", new com.fasterxml.jackson.databind.ObjectMapper().readTree(config),
        0);
  }
}
