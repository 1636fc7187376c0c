package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.rnnscore.model.GlobalPooling1DLayer;
import org.rnnscore.model.Layer;
import org.rnnscore.model.Pooling1DLayer;
import org.rnnscore.model.WeightArray;

/**
 * MaxPooling1D and AveragePooling1D (pool_size, strides — pool_size when null —, padding valid or
 * same, data_format), GlobalMaxPooling1D and GlobalAveragePooling1D (data_format, keepdims); no
 * weights.
 */
final class PoolingKind implements LayerKind {
  @Override
  public List<String> classNames() {
    return List.of("MaxPooling1D", "AveragePooling1D", "GlobalMaxPooling1D", "GlobalAveragePooling1D");
  }

  @Override
  public String supportedText() {
    return String.join(", ", classNames());
  }

  private static boolean global(String className) {
    return className.startsWith("Global");
  }

  private static Pooling1DLayer.Kind kind(String className) {
    return className.contains("Max") ? Pooling1DLayer.Kind.MAX : Pooling1DLayer.Kind.AVERAGE;
  }

  @Override
  public KerasConfig.LayerSpec parse(String className, String name, JsonNode config, int ordinal) {
    Windows.channelsLast(name, className, config);
    if (!global(className)) {
      int pool = Windows.size(name, config, "pool_size", 2);
      Windows.size(name, config, "strides", pool);
      Windows.padding(name, config, false);
    }
    return new KerasConfig.LayerSpec(this, className, name, config, ordinal);
  }

  @Override
  public Layer build(KerasConfig.LayerSpec spec, List<WeightArray> found, Generation generation) {
    if (global(spec.className)) {
      return new GlobalPooling1DLayer(spec.name, kind(spec.className), LayerConfigs.flag(spec.config, "keepdims"));
    }
    int pool = Windows.size(spec.name, spec.config, "pool_size", 2);
    return new Pooling1DLayer(spec.name, kind(spec.className), pool, Windows.size(spec.name, spec.config, "strides",
        pool), Windows.padding(spec.name, spec.config, false));
  }
}
