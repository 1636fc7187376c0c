package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.rnnscore.model.FlattenLayer;
import org.rnnscore.model.WeightArray;

/** Flatten: no config we read, no weights. */
final class FlattenKind implements LayerKind {
  @Override
  public List<String> classNames() {
    return List.of("Flatten");
  }

  @Override
  public String supportedText() {
    return "Flatten";
  }

  @Override
  public KerasConfig.LayerSpec parse(String className, String name, JsonNode config, int ordinal) {
    return new KerasConfig.LayerSpec(this, className, name, config, ordinal);
  }

  @Override
  public FlattenLayer build(KerasConfig.LayerSpec spec, List<WeightArray> found, Generation generation) {
    return new FlattenLayer(spec.name);
  }
}
