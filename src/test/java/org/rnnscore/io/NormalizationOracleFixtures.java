package org.rnnscore.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.rnnscore.kernel.ModelSpec;
import org.rnnscore.model.RnnModel;
import org.rnnscore.testing.KerasFileWriter;

/**
 * Writes the models and input rows of src/test/resources/oracle-norm/ (run by
 * make-fixtures.sh there, which then has the tfjs oracle compute expected.json; CI does not run
 * it). Seeded: rerunning gives the same files. Each fixture's format is one tfjs reads as Keras
 * does: .keras where BatchNormalization is (tfjs cannot read tf.keras' list axis [2]), .h5 where
 * LeakyReLU is (export.py passes Keras 3's negative_slope to tfjs, which reads alpha).
 */
class NormalizationOracleFixtures {
  /** name, format, spec, whether rows get masked (all-zero) steps. */
  record Fixture(String name, String format, String spec, boolean masked) {}

  static final List<Fixture> FIXTURES = List.of(
      new Fixture("bn_ln_prelu_relu_elu_threlu_softmax", "keras",
          "dense(5) > relu(0.8,0,0) > elu(1.0) > threlu(0.3) > bn > lstm(4,rs) > ln > prelu > dense(3) > softmax", false),
      new Fixture("bn_nocenter_noscale_ln_noscale_prelu_shared", "keras",
          "bn(nocenter,eps=0.01) > simple(4,rs) > ln(noscale,eps=0.0001) > prelu(shared) > lstm(3) > bn(noscale)"
              + " > dense(2)", false),
      new Fixture("masked_bn_ln_nocenter_prelu", "keras",
          "masking(0) > bn > ln(nocenter) > prelu > lstm(3,rs) > dense(2) > relu(none,0,0)", true),
      new Fixture("vector_bn_ln_axis1_prelu_softmax", "keras",
          "lstm(5) > bn(axis=1) > ln(axis=1) > dense(4) > prelu > softmax", false),
      new Fixture("leaky_prelu_elu_h5", "h5", "leaky(0.1) > prelu > lstm(3,rs) > dense(2) > leaky(0.3) > elu(1.0)",
          false),
      new Fixture("masked_leaky_threlu_h5", "h5",
          "masking(0) > leaky(0.2) > threlu(0.1) > lstm(3,rs) > dense(2) > leaky(0.3)", true));

  static final int D = 3;
  static final int ROWS = 16;

  static RnnModel model(int index) {
    return ModelSpec.build(FIXTURES.get(index).spec(), 4100 + index, D, 0);
  }

  /** Row r of fixture {@code index}: 1 to 7 steps, values in [-2, 2), some steps all zero when masked. */
  static float[][] row(int index, int r) {
    Random rnd = new Random(index * 1000L + r);
    int len = 1 + rnd.nextInt(7);
    float[][] x = new float[len][D];
    for (int t = 0; t < len; t++) {
      boolean zero = FIXTURES.get(index).masked() && t > 0 && rnd.nextInt(4) == 0;
      for (int d = 0; d < D; d++) {
        x[t][d] = zero ? 0f : (float) (rnd.nextDouble() * 4 - 2);
      }
    }
    return x;
  }

  @Test
  @EnabledIfSystemProperty(named = "rnnscore.write.fixtures", matches = ".+")
  void write() throws IOException {
    Path out = Path.of(System.getProperty("rnnscore.write.fixtures"));
    for (int i = 0; i < FIXTURES.size(); i++) {
      Fixture f = FIXTURES.get(i);
      Path dir = Files.createDirectories(out.resolve(f.name()));
      if (f.format().equals("h5")) {
        KerasFileWriter.writeLegacyH5(dir.resolve("model.h5"), model(i));
      } else {
        KerasFileWriter.writeKerasV3(dir.resolve("model.keras"), model(i));
      }
      StringBuilder lines = new StringBuilder();
      for (int r = 0; r < ROWS; r++) {
        StringBuilder steps = new StringBuilder("[");
        for (float[] step : row(i, r)) {
          steps.append(steps.length() > 1 ? ", " : "").append(java.util.Arrays.toString(step));
        }
        lines.append("{\"id\": ").append(r).append(", \"features\": ").append(steps).append("]}\n");
      }
      Files.writeString(dir.resolve("input.json"), lines.toString());
      Files.writeString(dir.resolve("spec.txt"), f.spec() + "\n");
    }
  }
}
