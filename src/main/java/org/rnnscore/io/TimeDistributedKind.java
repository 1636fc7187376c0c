package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.rnnscore.model.Layer;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.WeightArray;

/**
 * TimeDistributed around a layer that applies per step: the wrapped kind reads the inner config
 * under the wrapper's name and builds the layer (our layers already apply per step on a
 * sequence); Keras 3 files keep its weights on the wrapper's {@code layer} attribute.
 */
final class TimeDistributedKind implements LayerKind {
  /** The kinds allowed inside. */
  private static final List<String> INSIDE = List.of("Dense", "BatchNormalization", "LayerNormalization", "ReLU",
      "LeakyReLU", "PReLU", "ELU", "ThresholdedReLU", "Softmax");

  @Override
  public List<String> classNames() {
    return List.of("TimeDistributed");
  }

  @Override
  public String supportedText() {
    return "TimeDistributed (around " + String.join(", ", INSIDE) + ")";
  }

  @Override
  public KerasConfig.LayerSpec parse(String className, String name, JsonNode config, int ordinal) {
    JsonNode inner = config.path("layer");
    String innerClass = LayerConfigs.innerClass(inner);
    if (!INSIDE.contains(innerClass)) {
      throw new ModelFormatException("layer '" + name + "' (TimeDistributed) wraps " + (innerClass.isEmpty()
          ? "no layer" : "a " + innerClass) + "; supported inside TimeDistributed: " + String.join(", ", INSIDE));
    }
    LayerConfigs.refuseCustom(inner, innerClass, name);
    KerasConfig.LayerSpec wrapped = LayerKinds.of(innerClass).parse(innerClass, name, inner.path("config"), -1);
    return new KerasConfig.LayerSpec(this, className, name, config, ordinal, wrapped, null);
  }

  @Override
  public List<String> weightNames(KerasConfig.LayerSpec spec) {
    return spec.forward.kind.weightNames(spec.forward);
  }

  @Override
  public List<String> weightGroups(KerasConfig.LayerSpec spec, String base) {
    return spec.forward.kind.weightGroups(spec.forward, base + "/layer");
  }

  @Override
  public Layer build(KerasConfig.LayerSpec spec, List<WeightArray> found, Generation generation) {
    return spec.forward.kind.build(spec.forward, found, generation);
  }
}
