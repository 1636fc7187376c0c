package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.rnnscore.model.MergeLayer;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.WeightArray;

/**
 * The merge layers of Keras 2 and 3 (Concatenate(axis), Add, Subtract, Multiply, Average, Maximum,
 * Minimum, Dot(axes, normalize)): no weights; Concatenate's axis defaults to -1, Dot's normalize to
 * false, and Dot's axes (one int for both inputs, or a pair) has no default. Keras 1's {@code Merge}
 * is another class, refused as unknown.
 */
public final class MergeKind implements LayerKind {
  @Override
  public List<String> classNames() {
    return List.of("Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Dot");
  }

  @Override
  public String supportedText() {
    return "Concatenate, Add, Subtract, Multiply, Average, Maximum, Minimum, Dot";
  }

  @Override
  public LayerSpec parse(String className, String name, JsonNode config, int ordinal) {
    layer(className, name, config); // checks the config now, before any weight is read
    return new LayerSpec(this, className, name, config, ordinal);
  }

  @Override
  public MergeLayer build(LayerSpec spec, List<WeightArray> found, Generation generation) {
    return layer(spec.className, spec.name, spec.config);
  }

  private static MergeLayer layer(String className, String name, JsonNode config) {
    MergeLayer.Op op = null;
    for (MergeLayer.Op candidate : MergeLayer.Op.values()) {
      if (candidate.kerasClass().equals(className)) {
        op = candidate;
      }
    }
    if (op == MergeLayer.Op.CONCATENATE) {
      return new MergeLayer(name, op, new int[] {integer(name, config.get("axis"), "axis", -1)}, false);
    }
    if (op == MergeLayer.Op.DOT) {
      JsonNode axes = config.get("axes");
      int[] pair;
      if (axes != null && axes.isArray() && axes.size() == 2) {
        pair = new int[] {integer(name, axes.get(0), "axes", 0), integer(name, axes.get(1), "axes", 0)};
      } else if (axes != null && axes.isIntegralNumber()) {
        pair = new int[] {axes.asInt(), axes.asInt()};
      } else {
        throw new ModelFormatException("layer '" + name + "' (Dot) has axes " + (axes == null ? "(missing)" : axes)
            + ", expected an integer or a pair of integers");
      }
      return new MergeLayer(name, op, pair, LayerConfigs.flag(config, "normalize"));
    }
    return MergeLayer.of(name, op);
  }

  private static int integer(String name, JsonNode value, String key, int fallback) {
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw new ModelFormatException("layer '" + name + "' has " + key + " " + value + ", expected an integer");
    }
    return value.asInt();
  }
}
