package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.rnnscore.model.FlattenLayer;
import org.rnnscore.model.WeightArray;

/** Flatten: no config we read, no weights. */
public final class FlattenKind implements LayerKind {
  @Override
  public List<String> classNames() {
    return List.of("Flatten");
  }

  @Override
  public String supportedText() {
    return "Flatten";
  }

  @Override
  public LayerSpec parse(String className, String name, JsonNode config, int ordinal) {
    return new LayerSpec(this, className, name, config, ordinal);
  }

  @Override
  public FlattenLayer build(LayerSpec spec, List<WeightArray> found, Generation generation) {
    return new FlattenLayer(spec.name);
  }
}
