package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.rnnscore.model.MaskingLayer;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.WeightArray;

/** Masking(mask_value), 0 by default; no weights. */
public final class MaskingKind implements LayerKind {
  @Override
  public List<String> classNames() {
    return List.of("Masking");
  }

  @Override
  public String supportedText() {
    return "Masking";
  }

  @Override
  public LayerSpec parse(String className, String name, JsonNode config, int ordinal) {
    return new LayerSpec(this, className, name, config, ordinal);
  }

  @Override
  public MaskingLayer build(LayerSpec spec, List<WeightArray> found, Generation generation) {
    JsonNode value = spec.config.get("mask_value");
    if (value != null && !value.isNull() && !value.isNumber()) {
      throw new ModelFormatException("layer '" + spec.name + "' has mask_value " + value + ", expected a number");
    }
    return new MaskingLayer(spec.name, value == null || value.isNull() ? 0f : (float) value.asDouble());
  }
}
