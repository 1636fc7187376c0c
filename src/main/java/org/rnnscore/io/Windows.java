package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.Padding1D;

/** Config fields of the 1-D window layers (Conv1D, pooling): sizes, padding, data_format. */
final class Windows {
  private Windows() {}

  /**
   * A 1-D size: an integer or a one-element list ([3], as Keras 2 and 3 save it); {@code
   * fallback} when absent or null (null fallback: required).
   */
  static int size(String layer, JsonNode config, String key, Integer fallback) {
    JsonNode value = config.get(key);
    if ((value == null || value.isNull()) && fallback != null) {
      return fallback;
    }
    JsonNode single = value != null && value.isArray() && value.size() == 1 ? value.get(0) : value;
    if (single == null || !single.isIntegralNumber() || !single.canConvertToInt() || single.asInt() < 1) {
      throw new ModelFormatException("layer '" + layer + "' has " + key + " " + (value == null ? "(missing)" : value)
          + ", expected a positive integer (or a list of one)");
    }
    return single.asInt();
  }

  /** padding: valid (the default), same, and for a convolution causal. */
  static Padding1D padding(String layer, JsonNode config, boolean convolution) {
    JsonNode value = config.get("padding");
    String text = value == null || value.isNull() ? "valid" : value.asText();
    Padding1D padding = Padding1D.fromKerasName(text);
    if (padding == null || padding == Padding1D.CAUSAL && !convolution) {
      throw new ModelFormatException("layer '" + layer + "' has padding " + value + ", expected "
          + (convolution ? "valid, same or causal" : "valid or same"));
    }
    return padding;
  }

  /** data_format: channels_last (or absent); channels_first is refused by name. */
  static void channelsLast(String layer, String className, JsonNode config) {
    JsonNode value = config.get("data_format");
    if (value != null && !value.isNull() && !value.asText().equals("channels_last")) {
      throw new ModelFormatException("layer '" + layer + "' (" + className + ") has data_format " + value
          + "; rnnscore reads sequences as (steps, features), data_format channels_last, only");
    }
  }
}
