package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.rnnscore.model.Activation;
import org.rnnscore.model.ModelFormatException;

/**
 * The Keras generation a file's layer configs are read as: the version that wrote it (for
 * defaults that changed between generations), the one whose hard_sigmoid applies (the file's,
 * unless forced by {@link ReadOptions}), and the backend the file says wrote it ({@code
 * "tensorflow"}, {@code "theano"}; null when it does not say): a Theano file's convolution
 * kernels are stored flipped.
 */
public record Generation(KerasVersion version, int activationMajor, String backend) {
  Generation(KerasVersion version, int activationMajor) {
    this(version, activationMajor, null);
  }

  /** tf.keras, Keras 2.3+ and 3, whose defaults differ from standalone Keras 2.0–2.2's. */
  public boolean modern() {
    return version.modern();
  }

  /** Keras 1.x, whose layer configs and weights the kinds translate ({@link LayerKind#keras1Config}). */
  public boolean keras1() {
    return version.major() == 1;
  }

  /**
   * The activation under {@code key}, or Keras' default when the config has none: {@code
   * oldDefault} for standalone Keras 2.0–2.2 (LSTM/GRU recurrent_activation hard_sigmoid), {@code
   * modernDefault} for tf.keras, Keras 2.3+ and 3 (sigmoid).
   */
  public Activation activation(String layerName, JsonNode config, String key, String oldDefault, String modernDefault) {
    JsonNode value = config.get(key);
    if (value == null) {
      return activation(layerName, JsonNodeFactory.instance.textNode(modern() ? modernDefault : oldDefault));
    }
    return activation(layerName, value);
  }

  /** "tanh", or Keras 3's {"class_name": "function", "config": "tanh", ...}; null means linear. */
  public Activation activation(String layerName, JsonNode value) {
    String name;
    if (value == null || value.isNull()) {
      name = null;
    } else if (value.isTextual()) {
      name = value.asText();
    } else if (value.isObject() && value.path("config").isTextual()) {
      name = value.get("config").asText();
    } else {
      throw new ModelFormatException("layer '" + layerName + "' has activation " + value
          + ", expected the name of a built-in Keras activation; " + Activation.supportedNames());
    }
    try {
      return Activation.fromKerasName(name, activationMajor);
    } catch (ModelFormatException e) {
      throw new ModelFormatException("layer '" + layerName + "': " + e.getMessage(), e);
    }
  }
}
