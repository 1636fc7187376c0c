package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.PermuteLayer;
import org.rnnscore.model.ReshapeLayer;
import org.rnnscore.model.WeightArray;

/**
 * Reshape(target_shape) and Permute(dims): a list of integers each, spelled the same in every
 * Keras generation; no weights. The model layers check which forms rnnscore runs.
 */
public final class ReshapeKind implements LayerKind {
  @Override
  public List<String> classNames() {
    return List.of("Reshape", "Permute");
  }

  @Override
  public String supportedText() {
    return "Reshape, Permute";
  }

  @Override
  public LayerSpec parse(String className, String name, JsonNode config, int ordinal) {
    ints(name, config, key(className));
    return new LayerSpec(this, className, name, config, ordinal);
  }

  @Override
  public org.rnnscore.model.Layer build(LayerSpec spec, List<WeightArray> found, Generation generation) {
    int[] values = ints(spec.name, spec.config, key(spec.className));
    return spec.className.equals("Reshape") ? new ReshapeLayer(spec.name, values) : new PermuteLayer(spec.name, values);
  }

  private static String key(String className) {
    return className.equals("Reshape") ? "target_shape" : "dims";
  }

  private static int[] ints(String name, JsonNode config, String key) {
    JsonNode value = config.get(key);
    boolean ok = value != null && value.isArray();
    for (int i = 0; ok && i < value.size(); i++) {
      ok = value.get(i).isIntegralNumber() && value.get(i).canConvertToInt();
    }
    if (!ok) {
      throw new ModelFormatException("layer '" + name + "' has " + key + " " + (value == null ? "(missing)" : value)
          + ", expected a list of integers");
    }
    int[] out = new int[value.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = value.get(i).asInt();
    }
    return out;
  }
}
