package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.rnnscore.model.FrameFlattenLayer;
import org.rnnscore.model.WeightArray;

/** Flatten inside TimeDistributed: each step's frame to one step of H·W·C values (a bare Flatten is {@link FlattenKind}). */
final class FrameFlattenKind implements LayerKind {
  @Override
  public List<String> classNames() {
    return List.of("Flatten");
  }

  @Override
  public String supportedText() {
    return null;
  }

  @Override
  public LayerSpec parse(String className, String name, JsonNode config, int ordinal) {
    FrameKinds.requireChannelsLast(name, config);
    return new LayerSpec(this, className, name, config, ordinal);
  }

  @Override
  public FrameFlattenLayer build(LayerSpec spec, List<WeightArray> found, Generation generation) {
    return new FrameFlattenLayer(spec.name);
  }
}
