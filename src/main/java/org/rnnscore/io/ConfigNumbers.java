package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import org.rnnscore.model.ModelFormatException;

/** Reading numbers and axes from layer configs, with Keras' defaults and messages that name the layer. */
final class ConfigNumbers {
  private ConfigNumbers() {}

  /** The number under {@code key}, or {@code fallback} when the config has none or null. */
  static double number(String layer, JsonNode config, String key, double fallback) {
    JsonNode value = config.get(key);
    if (value == null || value.isNull()) {
      return fallback;
    }
    if (!value.isNumber()) {
      throw new ModelFormatException("layer '" + layer + "' has " + key + " " + value + ", expected a number");
    }
    return value.asDouble();
  }

  /**
   * One axis: an integer, or a list of one integer ({@code [2]}, as tf.keras writes it). A list
   * of several axes is refused: rnnscore normalizes over the feature axis alone.
   */
  static int axis(String layer, String className, JsonNode config, int fallback) {
    JsonNode value = config.get("axis");
    if (value == null || value.isNull()) {
      return fallback;
    }
    JsonNode single = value.isArray() && value.size() == 1 ? value.get(0) : value;
    if (!single.isIntegralNumber() || !single.canConvertToInt()) {
      throw new ModelFormatException("layer '" + layer + "' (" + className + ") has axis " + value + ", expected -1"
          + " or the feature axis (one integer): rnnscore " + (className.equals("Softmax") ? "applies softmax"
          : "normalizes") + " over the features only");
    }
    return single.asInt();
  }
}
