package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.rnnscore.model.LayerNormalizationLayer;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.WeightArray;

/**
 * LayerNormalization: axis (−1 or the feature axis; a list only when it is that one axis),
 * epsilon (default 1e-3), center and scale (weights gamma then beta, the absent ones skipped).
 * Keras 3's rms_scaling=True is refused: Keras 3 releases computed it differently (the
 * variance about the mean in early 3.x, the mean of squares later), and the file does not say
 * which one trained the model.
 */
public final class LayerNormalizationKind implements LayerKind {
  static final double DEFAULT_EPSILON = 1e-3;

  @Override
  public List<String> classNames() {
    return List.of("LayerNormalization");
  }

  @Override
  public String supportedText() {
    return "LayerNormalization";
  }

  @Override
  public LayerSpec parse(String className, String name, JsonNode config, int ordinal) {
    if (LayerConfigs.flag(config, "rms_scaling")) {
      throw new ModelFormatException("layer '" + name + "' (LayerNormalization) has rms_scaling=True, which rnnscore"
          + " does not run: Keras 3 releases computed it differently (the variance about the mean in early 3.x, the"
          + " mean of squares later); re-create the layer with rms_scaling=False or use RMSNormalization");
    }
    ConfigNumbers.axis(name, className, config, -1);
    ConfigNumbers.number(name, config, "epsilon", DEFAULT_EPSILON);
    return new LayerSpec(this, className, name, config, ordinal);
  }

  private static boolean on(LayerSpec spec, String key) {
    JsonNode value = spec.config.get(key);
    return value == null || value.asBoolean(true);
  }

  @Override
  public List<String> weightNames(LayerSpec spec) {
    List<String> names = new ArrayList<>();
    if (on(spec, "scale")) {
      names.add("gamma");
    }
    if (on(spec, "center")) {
      names.add("beta");
    }
    return names;
  }

  @Override
  public LayerNormalizationLayer build(LayerSpec spec, List<WeightArray> found, Generation generation) {
    List<WeightArray> weights = LayerConfigs.named(spec, found, weightNames(spec), "; center = " + on(spec, "center")
        + ", scale = " + on(spec, "scale"));
    WeightArray gamma = on(spec, "scale") ? weights.get(0) : null;
    WeightArray beta = on(spec, "center") ? weights.get(weights.size() - 1) : null;
    return new LayerNormalizationLayer(spec.name, ConfigNumbers.axis(spec.name, spec.className, spec.config, -1),
        ConfigNumbers.number(spec.name, spec.config, "epsilon", DEFAULT_EPSILON), gamma, beta);
  }
}
