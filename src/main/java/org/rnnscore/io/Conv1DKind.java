package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.rnnscore.model.Conv1DLayer;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.Padding1D;
import org.rnnscore.model.WeightArray;

/**
 * Conv1D(filters, kernel_size, strides, padding, data_format, dilation_rate, groups, activation,
 * use_bias): kernel (k, D, filters)[, bias]. Sizes are Keras 2/3's one-element lists or plain
 * integers; channels_first and groups ≠ 1 are refused by name.
 */
final class Conv1DKind implements LayerKind {
  @Override
  public List<String> classNames() {
    return List.of("Conv1D");
  }

  @Override
  public String supportedText() {
    return "Conv1D";
  }

  @Override
  public KerasConfig.LayerSpec parse(String className, String name, JsonNode config, int ordinal) {
    LayerConfigs.positiveInt(name, config, "filters");
    Windows.size(name, config, "kernel_size", null);
    Windows.size(name, config, "strides", 1);
    Windows.size(name, config, "dilation_rate", 1);
    Windows.padding(name, config, true);
    Windows.channelsLast(name, className, config);
    JsonNode groups = config.get("groups");
    if (groups != null && !groups.isNull() && groups.asInt(0) != 1) {
      throw new ModelFormatException("layer '" + name + "' (Conv1D) has groups " + groups + "; rnnscore runs"
          + " Conv1D with groups = 1 only (a grouped convolution is not run by this version)");
    }
    return new KerasConfig.LayerSpec(this, className, name, config, ordinal);
  }

  @Override
  public List<String> weightNames(KerasConfig.LayerSpec spec) {
    List<String> names = new ArrayList<>(List.of("kernel"));
    if (LayerConfigs.useBias(spec.config)) {
      names.add("bias");
    }
    return names;
  }

  @Override
  public Conv1DLayer build(KerasConfig.LayerSpec spec, List<WeightArray> found, Generation generation) {
    List<WeightArray> weights = LayerConfigs.named(spec, found, weightNames(spec), LayerConfigs.biasDetail(spec));
    JsonNode c = spec.config;
    return new Conv1DLayer(spec.name, LayerConfigs.positiveInt(spec.name, c, "filters"),
        Windows.size(spec.name, c, "kernel_size", null), Windows.size(spec.name, c, "strides", 1),
        Windows.size(spec.name, c, "dilation_rate", 1), Windows.padding(spec.name, c, true), weights.get(0),
        weights.size() > 1 ? weights.get(1) : null, generation.activation(spec.name, c, "activation", "linear",
            "linear"));
  }
}
