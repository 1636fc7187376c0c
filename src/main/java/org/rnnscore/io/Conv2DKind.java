package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.rnnscore.model.Conv2DLayer;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.WeightArray;
import org.rnnscore.model.Window2D;

/**
 * Conv2D inside TimeDistributed: filters, kernel_size, strides, padding valid/same,
 * dilation_rate, activation, use_bias; channels_last; groups 1. Weights kernel (kh, kw, C, F)[,
 * bias (F)]. Reached only through {@link TimeDistributedKind}; a bare Conv2D is refused by name.
 */
final class Conv2DKind implements LayerKind {
  @Override
  public List<String> classNames() {
    return List.of("Conv2D");
  }

  @Override
  public String supportedText() {
    return null;
  }

  @Override
  public LayerSpec parse(String className, String name, JsonNode config, int ordinal) {
    LayerConfigs.positiveInt(name, config, "filters");
    Window2D window = FrameKinds.convWindow(name, config);
    if ((window.strideH() > 1 || window.strideW() > 1) && (window.dilationH() > 1 || window.dilationW() > 1)) {
      // Keras (and TensorFlow) refuse to build such a layer, so no trained file holds one.
      throw new ModelFormatException("layer '" + name + "' (Conv2D) has strides (" + window.strideH() + ", "
          + window.strideW() + ") and dilation_rate (" + window.dilationH() + ", " + window.dilationW()
          + "); Keras allows strides > 1 or dilation_rate > 1, not both");
    }
    FrameKinds.requireChannelsLast(name, config);
    JsonNode groups = config.get("groups");
    if (groups != null && !groups.isNull() && groups.asInt(1) != 1) {
      throw new ModelFormatException("layer '" + name + "' (Conv2D) has groups " + groups
          + ", expected 1 (grouped convolutions are not run)");
    }
    return new LayerSpec(this, className, name, config, ordinal);
  }

  @Override
  public List<String> weightNames(LayerSpec spec) {
    List<String> names = new ArrayList<>(List.of("kernel"));
    if (LayerConfigs.useBias(spec.config)) {
      names.add("bias");
    }
    return names;
  }

  @Override
  public Conv2DLayer build(LayerSpec spec, List<WeightArray> found, Generation generation) {
    List<WeightArray> weights = LayerConfigs.named(spec, found, weightNames(spec), LayerConfigs.biasDetail(spec));
    return new Conv2DLayer(spec.name, LayerConfigs.positiveInt(spec.name, spec.config, "filters"),
        FrameKinds.convWindow(spec.name, spec.config), weights.get(0), weights.size() > 1 ? weights.get(1) : null,
        generation.activation(spec.name, spec.config, "activation", "linear", "linear"));
  }
}
