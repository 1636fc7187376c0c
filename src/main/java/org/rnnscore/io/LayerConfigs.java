package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.rnnscore.model.Layer;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.WeightArray;

/** What the layer kinds share in reading a layer's config and checking its weights, with the messages. */
public final class LayerConfigs {
  public static final String NEVER_RUN = "rnnscore never runs Python code from a model file (Lambda and custom"
      + " layers); rebuild the model from built-in layers";
  /** Why the attention layers are refused by name. */
  public static final String ATTENTION = "attention layers mix every timestep of a row with every other, which this version"
      + " does not run (it runs recurrent layers and what surrounds them)";
  /** Why the convolutions other than Conv1D are refused by name. */
  public static final String NO_CONVOLUTION = "this convolution is not run by this version";

  private LayerConfigs() {}

  public static boolean flag(JsonNode config, String key) {
    JsonNode value = config.get(key);
    return value != null && value.asBoolean(false);
  }

  public static int positiveInt(String layerName, JsonNode config, String key) {
    JsonNode value = config.get(key);
    if (value == null || !value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < 1) {
      throw new ModelFormatException("layer '" + layerName + "' has " + key + " " + (value == null ? "(missing)" : value)
          + ", expected a positive integer");
    }
    return value.asInt();
  }

  public static boolean useBias(JsonNode config) {
    JsonNode value = config.get("use_bias");
    return value == null || value.asBoolean(true);
  }

  /** How weight-count messages explain an optional bias: "; use_bias = false". */
  public static String biasDetail(LayerSpec spec) {
    return "; use_bias = " + useBias(spec.config);
  }

  /** Keras 3 marks layers from outside Keras by their module; those are user code. */
  public static void refuseCustom(JsonNode entry, String className, String name) {
    JsonNode module = entry.get("module");
    if (module != null && module.isTextual() && !module.asText().equals("keras")
        && !module.asText().startsWith("keras.")) {
      JsonNode registered = entry.get("registered_name");
      throw new ModelFormatException("layer '" + name + "' has type " + className + ", a custom layer (module '"
          + module.asText() + "'" + (registered != null && registered.isTextual() ? ", registered as '"
          + registered.asText() + "'" : "") + "): " + NEVER_RUN + "; " + LayerKinds.SUPPORTED);
    }
  }

  /**
   * Keras 1 configs name a layer's width output_dim (Keras 2: units); in a file that does not say
   * it is Keras 1 (keras_version 1.x) we cannot tell which generation's weights it holds.
   */
  public static void refuseKeras1Config(String name, JsonNode config) {
    if (config.has("output_dim") && !config.has("units")) {
      throw new ModelFormatException("layer '" + name + "' has output_dim and no units: a Keras 1 layer config, in a"
          + " file whose keras_version is not 1.x; re-save the model with Keras 2 or later");
    }
  }

  /** A copy of a Keras 1 config with its fields renamed ({@code from, to, from, to, ...}), for the kinds' keras1Config. */
  public static ObjectNode renamed(JsonNode config, String... fromTo) {
    ObjectNode copy = config.isObject() ? ((ObjectNode) config).deepCopy() : JsonNodeFactory.instance.objectNode();
    for (int i = 0; i < fromTo.length; i += 2) {
      JsonNode value = copy.remove(fromTo[i]);
      if (value != null) {
        copy.set(fromTo[i + 1], value);
      }
    }
    return copy;
  }

  /** Checks the count and gives the arrays Keras' names (kernel, recurrent_kernel, bias, embeddings). */
  public static List<WeightArray> named(LayerSpec spec, List<WeightArray> found, List<String> expected,
      String detail) {
    if (found.size() != expected.size()) {
      throw new ModelFormatException("layer '" + spec.name + "' has " + found.size() + " weight array"
          + (found.size() == 1 ? "" : "s") + " in the file (" + arrayNames(found) + "), expected " + expected.size()
          + " (" + String.join(", ", expected) + detail + ")");
    }
    return rename(found, expected);
  }

  public static List<WeightArray> rename(List<WeightArray> found, List<String> expected) {
    List<WeightArray> named = new ArrayList<>();
    for (int i = 0; i < found.size(); i++) {
      WeightArray array = found.get(i);
      named.add(new WeightArray(expected.get(i), array.shape(), array.data()));
    }
    return named;
  }

  public static String arrayNames(List<WeightArray> found) {
    return found.isEmpty() ? "none" : found.stream().map(WeightArray::name).collect(Collectors.joining(", "));
  }

  /** The wrapped layer of a wrapper's config ({"layer": {"class_name": ..., "config": ...}}). */
  public static String innerClass(JsonNode inner) {
    return inner.path("class_name").asText("");
  }

  /**
   * Keras 1 and 2 refuse a model in which a mask reaches a layer without mask support ("Layer
   * reshape does not support masking"); Keras 3 drops the mask there, and so do we.
   */
  public static void refuseUnsupportedMask(RnnModel model, Generation generation) {
    Layer layer = model.maskedLayerWithoutMaskSupport();
    if (layer != null && generation.version().major() < 3) {
      throw new ModelFormatException("layer '" + layer.name() + "' (" + layer.kerasClass() + ") does not support"
          + " masking, but a mask (from Masking or Embedding(mask_zero)) reaches it; Keras "
          + generation.version().major() + " refuses such a model, so rnnscore does too (Keras 3 "
          + (layer.masksOutput(true) ? "passes the mask on around it, in TimeDistributed" : "drops the mask there")
          + ")");
    }
    // Keras 3.4 changed masked merges (keras-team/keras#19685): the output mask became the OR of the
    // inputs' masks (none if an input has none) and Maximum/Minimum/Multiply skip masked values;
    // Keras 2 ANDs the masks and merges the values as they are, which is what rnnscore runs.
    Layer merge = model.firstMaskReached(reached -> reached instanceof org.rnnscore.model.MergeLayer);
    if (merge != null && generation.version().major() >= 3) {
      throw new ModelFormatException("layer '" + merge.name() + "' (" + merge.kerasClass() + ") merges inputs that a"
          + " mask (from Masking or Embedding(mask_zero)) reaches, in a Keras 3 file: Keras 3 changed how merges combine"
          + " masks and masked values (3.4), and rnnscore runs only Keras 2's rule (AND of the masks)");
    }
  }
}
