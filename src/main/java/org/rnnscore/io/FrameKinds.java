package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.Window2D;

/** What the 2-D (per-frame) kinds share in reading a config: (h, w) pairs, padding, data_format. */
public final class FrameKinds {
  /** Why Conv2D and the 2-D poolings are read only inside TimeDistributed. */
  public static final String ONLY_TIME_DISTRIBUTED = "rnnscore runs 2-D layers only per step, inside TimeDistributed (a"
      + " per-step image CNN before a recurrent layer, input (None, T, H, W, C)); wrap it in TimeDistributed";

  private FrameKinds() {}

  /** An int or a list of two positive ints under {@code key}; {@code fallback} when absent or null. */
  static int[] pair(String layer, JsonNode config, String key, int[] fallback) {
    JsonNode value = config.get(key);
    if (value == null || value.isNull()) {
      if (fallback == null) {
        throw new ModelFormatException("layer '" + layer + "' has no " + key + ", expected two positive integers");
      }
      return fallback;
    }
    if (value.isIntegralNumber() && value.canConvertToInt() && value.asInt() > 0) {
      return new int[] {value.asInt(), value.asInt()};
    }
    if (value.isArray() && value.size() == 2 && value.get(0).isIntegralNumber() && value.get(1).isIntegralNumber()
        && value.get(0).asInt() > 0 && value.get(1).asInt() > 0) {
      return new int[] {value.get(0).asInt(), value.get(1).asInt()};
    }
    throw new ModelFormatException("layer '" + layer + "' has " + key + " " + value
        + ", expected a positive integer or two (height, width)");
  }

  /** "valid" (Keras' default) or "same". */
  static boolean same(String layer, JsonNode config) {
    String padding = config.path("padding").asText("valid").toLowerCase(java.util.Locale.ROOT);
    if (!padding.equals("valid") && !padding.equals("same")) {
      throw new ModelFormatException("layer '" + layer + "' has padding '" + padding + "', expected valid or same");
    }
    return padding.equals("same");
  }

  /** channels_last (or unset: Keras' default under the TensorFlow backend); channels_first is refused. */
  static void requireChannelsLast(String layer, JsonNode config) {
    JsonNode format = config.get("data_format");
    if (format != null && !format.isNull() && !format.asText().equals("channels_last")) {
      throw new ModelFormatException("layer '" + layer + "' has data_format '" + format.asText()
          + "', expected channels_last (frames H×W×C; rnnscore does not read channels_first)");
    }
  }

  /** The conv window of a Conv2D config. */
  static Window2D convWindow(String layer, JsonNode config) {
    int[] k = pair(layer, config, "kernel_size", null);
    int[] s = pair(layer, config, "strides", new int[] {1, 1});
    int[] d = pair(layer, config, "dilation_rate", new int[] {1, 1});
    return new Window2D(k[0], k[1], s[0], s[1], d[0], d[1], same(layer, config));
  }

  /** The window of a pooling config: strides default to pool_size, as in Keras. */
  static Window2D poolWindow(String layer, JsonNode config) {
    int[] p = pair(layer, config, "pool_size", new int[] {2, 2});
    int[] s = pair(layer, config, "strides", p);
    return new Window2D(p[0], p[1], s[0], s[1], 1, 1, same(layer, config));
  }
}
