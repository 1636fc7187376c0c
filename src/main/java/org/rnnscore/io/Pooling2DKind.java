package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.rnnscore.model.Pooling2DLayer;
import org.rnnscore.model.WeightArray;

/** MaxPooling2D / AveragePooling2D inside TimeDistributed: pool_size, strides (default pool_size), padding; no weights. */
final class Pooling2DKind implements LayerKind {
  private final boolean max;

  Pooling2DKind(boolean max) {
    this.max = max;
  }

  @Override
  public List<String> classNames() {
    return List.of(max ? "MaxPooling2D" : "AveragePooling2D");
  }

  @Override
  public String supportedText() {
    return null;
  }

  @Override
  public LayerSpec parse(String className, String name, JsonNode config, int ordinal) {
    FrameKinds.poolWindow(name, config);
    FrameKinds.requireChannelsLast(name, config);
    return new LayerSpec(this, className, name, config, ordinal);
  }

  @Override
  public Pooling2DLayer build(LayerSpec spec, List<WeightArray> found, Generation generation) {
    return new Pooling2DLayer(spec.name, max, FrameKinds.poolWindow(spec.name, spec.config));
  }
}
