package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.rnnscore.model.RepeatVectorLayer;
import org.rnnscore.model.WeightArray;

/** RepeatVector(n): n is required, a positive integer (every Keras generation spells it so); no weights. */
final class RepeatVectorKind implements LayerKind {
  @Override
  public List<String> classNames() {
    return List.of("RepeatVector");
  }

  @Override
  public String supportedText() {
    return "RepeatVector";
  }

  @Override
  public KerasConfig.LayerSpec parse(String className, String name, JsonNode config, int ordinal) {
    LayerConfigs.positiveInt(name, config, "n");
    return new KerasConfig.LayerSpec(this, className, name, config, ordinal);
  }

  @Override
  public RepeatVectorLayer build(KerasConfig.LayerSpec spec, List<WeightArray> found, Generation generation) {
    return new RepeatVectorLayer(spec.name, LayerConfigs.positiveInt(spec.name, spec.config, "n"));
  }
}
