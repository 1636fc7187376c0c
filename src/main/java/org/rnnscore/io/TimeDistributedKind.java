package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rnnscore.model.Layer;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.WeightArray;

/**
 * TimeDistributed around a layer that applies per step: the wrapped kind reads the inner config
 * under the wrapper's name and builds the layer (our layers already apply per step on a
 * sequence); Keras 3 files keep its weights on the wrapper's {@code layer} attribute.
 *
 * <p>Over frames (input (None, T, H, W, C)) each step is one H×W×C frame: Conv2D and the 2-D
 * poolings act on it, Flatten makes it one step of H·W·C values. A layer that acts on the last
 * (feature) axis alone (BatchNormalization) is wrapped by adding its kind below; over frames its
 * layer sees rows of {@code Shape.channels()} values (T·H·W per row of the batch) and keeps the
 * frame in its output shape.
 */
public final class TimeDistributedKind implements LayerKind {
  /** Kinds allowed inside that also stand alone: the registry's own (looked up when parsing, not at class init). */
  private static final List<String> FROM_REGISTRY = List.of("Dense", "BatchNormalization", "LayerNormalization",
      "ReLU", "LeakyReLU", "PReLU", "ELU", "ThresholdedReLU", "Softmax");

  /** Kinds that act on one H×W×C frame per step, allowed only inside TimeDistributed. */
  private static final Map<String, LayerKind> PER_FRAME = perFrame();

  private static Map<String, LayerKind> perFrame() {
    Map<String, LayerKind> kinds = new LinkedHashMap<>();
    kinds.put("Conv2D", new Conv2DKind());
    kinds.put("MaxPooling2D", new Pooling2DKind(true));
    kinds.put("AveragePooling2D", new Pooling2DKind(false));
    kinds.put("Flatten", new FrameFlattenKind());
    return kinds;
  }

  private static String insideText() {
    return String.join(", ", FROM_REGISTRY) + ", " + String.join(", ", PER_FRAME.keySet());
  }

  /** The kind that reads {@code innerClass} inside TimeDistributed, or null when none does. */
  private static LayerKind inside(String innerClass) {
    LayerKind perFrame = PER_FRAME.get(innerClass);
    if (perFrame != null) {
      return perFrame;
    }
    return FROM_REGISTRY.contains(innerClass) ? LayerKinds.of(innerClass) : null;
  }

  @Override
  public List<String> classNames() {
    return List.of("TimeDistributed");
  }

  @Override
  public String supportedText() {
    return "TimeDistributed (around " + insideText() + ")";
  }

  @Override
  public LayerSpec parse(String className, String name, JsonNode config, int ordinal) {
    JsonNode inner = config.path("layer");
    String innerClass = LayerConfigs.innerClass(inner);
    LayerKind innerKind = inside(innerClass);
    if (innerKind == null) {
      throw new ModelFormatException("layer '" + name + "' (TimeDistributed) wraps " + (innerClass.isEmpty()
          ? "no layer" : "a " + innerClass) + "; supported inside TimeDistributed: " + insideText());
    }
    LayerConfigs.refuseCustom(inner, innerClass, name);
    LayerSpec wrapped = innerKind.parse(innerClass, name, outerAxes(inner.path("config")), -1);
    return new LayerSpec(this, className, name, config, ordinal, wrapped, null);
  }

  @Override
  public List<String> weightNames(LayerSpec spec) {
    return spec.forward.kind.weightNames(spec.forward);
  }

  @Override
  public List<String> weightGroups(LayerSpec spec, String base) {
    return spec.forward.kind.weightGroups(spec.forward, base + "/layer");
  }

  @Override
  public Layer build(LayerSpec spec, List<WeightArray> found, Generation generation) {
    return spec.forward.kind.build(spec.forward, found, generation);
  }

  /**
   * The inner config with a non-negative {@code axis} (BatchNormalization, LayerNormalization) counted
   * on the wrapper's input: the inner layer sees (batch, H, W, C) or (batch, D) per step, so its axis a
   * is the model tensor's a + 1 (tf.keras writes TimeDistributed(BatchNormalization) over frames with
   * axis [3], which is axis 4 of (batch, T, H, W, C)). Negative axes count from the end and stay.
   */
  private static JsonNode outerAxes(JsonNode innerConfig) {
    JsonNode axis = innerConfig.path("axis");
    if (!(innerConfig instanceof ObjectNode) || !(axis.isInt() || axis.isArray())) {
      return innerConfig;
    }
    ObjectNode copy = ((ObjectNode) innerConfig).deepCopy();
    if (axis.isInt()) {
      copy.put("axis", axis.intValue() >= 0 ? axis.intValue() + 1 : axis.intValue());
    } else {
      ArrayNode shifted = copy.putArray("axis");
      for (JsonNode a : axis) {
        if (a.isInt() && a.intValue() >= 0) {
          shifted.add(a.intValue() + 1);
        } else {
          shifted.add(a);
        }
      }
    }
    return copy;
  }
}
