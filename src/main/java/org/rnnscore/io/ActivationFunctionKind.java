package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.rnnscore.model.ActivationFunctionLayer;
import org.rnnscore.model.Layer;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.PReluLayer;
import org.rnnscore.model.WeightArray;

/**
 * The activation layers with parameters. Defaults as Keras': LeakyReLU's slope 0.3 (Keras 2's
 * {@code alpha}, Keras 3's {@code negative_slope}), ELU's alpha 1, ThresholdedReLU's theta 1
 * (Keras 2 only), ReLU's max_value None, negative_slope 0, threshold 0; Softmax over axis −1
 * only. PReLU has one weight, alpha, shaped as its input without the batch axis ({@code
 * shared_axes} set to 1).
 */
public final class ActivationFunctionKind implements LayerKind {
  @Override
  public List<String> classNames() {
    return List.of("ReLU", "LeakyReLU", "PReLU", "ELU", "ThresholdedReLU", "Softmax");
  }

  @Override
  public String supportedText() {
    return String.join(", ", classNames());
  }

  @Override
  public LayerSpec parse(String className, String name, JsonNode config, int ordinal) {
    if (className.equals("Softmax")) {
      int axis = ConfigNumbers.axis(name, className, config, -1);
      if (axis != -1) {
        throw new ModelFormatException("layer '" + name + "' (Softmax) has axis " + axis + ", expected -1: rnnscore"
            + " applies softmax over the features only");
      }
    }
    LayerSpec spec = new LayerSpec(this, className, name, config, ordinal);
    if (!className.equals("PReLU")) {
      build(spec, List.of(), null); // checks the parameters before any weight is read
    }
    return spec;
  }

  @Override
  public List<String> weightNames(LayerSpec spec) {
    return spec.className.equals("PReLU") ? List.of("alpha") : List.of();
  }

  @Override
  public Layer build(LayerSpec spec, List<WeightArray> found, Generation generation) {
    String name = spec.name;
    JsonNode config = spec.config;
    switch (spec.className) {
      case "ReLU": {
        JsonNode max = config.get("max_value");
        double maxValue = max == null || max.isNull() ? Double.POSITIVE_INFINITY
            : ConfigNumbers.number(name, config, "max_value", 0);
        return ActivationFunctionLayer.relu(name, maxValue, ConfigNumbers.number(name, config, "negative_slope", 0),
            ConfigNumbers.number(name, config, "threshold", 0));
      }
      case "LeakyReLU":
        return ActivationFunctionLayer.leakyRelu(name, ConfigNumbers.number(name, config,
            config.has("negative_slope") ? "negative_slope" : "alpha", 0.3));
      case "ELU":
        return ActivationFunctionLayer.elu(name, ConfigNumbers.number(name, config, "alpha", 1.0));
      case "ThresholdedReLU":
        return ActivationFunctionLayer.thresholdedRelu(name, ConfigNumbers.number(name, config, "theta", 1.0));
      case "Softmax":
        return ActivationFunctionLayer.softmax(name);
      case "PReLU": {
        List<WeightArray> weights = LayerConfigs.named(spec, found, weightNames(spec), "");
        return new PReluLayer(name, weights.get(0));
      }
      default:
        throw new IllegalStateException(spec.className);
    }
  }
}
