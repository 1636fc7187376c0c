package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.rnnscore.model.DenseLayer;
import org.rnnscore.model.WeightArray;

/** Dense: kernel[, bias]; activation linear by default. */
public final class DenseKind implements LayerKind {
  @Override
  public List<String> classNames() {
    return List.of("Dense");
  }

  @Override
  public String supportedText() {
    return "Dense";
  }

  @Override
  public LayerSpec parse(String className, String name, JsonNode config, int ordinal) {
    LayerConfigs.refuseKeras1Config(name, config);
    return new LayerSpec(this, className, name, config, ordinal);
  }

  @Override
  public boolean readsKeras1() {
    return true;
  }

  /** Keras 1: output_dim, bias (W and b, in Keras 2's order and shapes). */
  @Override
  public JsonNode keras1Config(String className, String name, JsonNode config) {
    return LayerConfigs.renamed(config, "output_dim", "units", "bias", "use_bias");
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
  public DenseLayer build(LayerSpec spec, List<WeightArray> found, Generation generation) {
    List<WeightArray> weights = LayerConfigs.named(spec, found, weightNames(spec), LayerConfigs.biasDetail(spec));
    int units = LayerConfigs.positiveInt(spec.name, spec.config, "units");
    return new DenseLayer(spec.name, units, weights.get(0), weights.size() > 1 ? weights.get(1) : null,
        generation.activation(spec.name, spec.config, "activation", "linear", "linear"));
  }
}
