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
public final class PoolingKind implements LayerKind {
  @Override
  public List<String> classNames() {
    return List.of("MaxPooling1D", "AveragePooling1D", "GlobalMaxPooling1D", "GlobalAveragePooling1D");
  }

  @Override
  public String supportedText() {
    return String.join(", ", classNames());
  }

  @Override
  public boolean readsKeras1() {
    return true;
  }

  /** Keras 1: pool_length, stride, border_mode. */
  @Override
  public JsonNode keras1Config(String className, String name, JsonNode config) {
    return LayerConfigs.renamed(config, "pool_length", "pool_size", "stride", "strides", "border_mode", "padding");
  }

  private static boolean global(String className) {
    return className.startsWith("Global");
  }

  private static Pooling1DLayer.Kind kind(String className) {
    return className.contains("Max") ? Pooling1DLayer.Kind.MAX : Pooling1DLayer.Kind.AVERAGE;
  }

  @Override
  public LayerSpec parse(String className, String name, JsonNode config, int ordinal) {
    Windows.channelsLast(name, className, config);
    if (!global(className)) {
      int pool = Windows.size(name, config, "pool_size", 2);
      Windows.size(name, config, "strides", pool);
      Windows.padding(name, config, false);
    }
    return new LayerSpec(this, className, name, config, ordinal);
  }

  @Override
  public Layer build(LayerSpec spec, List<WeightArray> found, Generation generation) {
    if (global(spec.className)) {
      return new GlobalPooling1DLayer(spec.name, kind(spec.className), LayerConfigs.flag(spec.config, "keepdims"));
    }
    int pool = Windows.size(spec.name, spec.config, "pool_size", 2);
    if (generation != null && generation.keras1() && "theano".equals(generation.backend())
        && Windows.padding(spec.name, spec.config, false) == org.rnnscore.model.Padding1D.SAME) {
      throw new org.rnnscore.model.ModelFormatException("layer '" + spec.name + "' (a Keras 1 " + spec.className
          + " of a Theano file) has border_mode same: Theano pads pooling otherwise than TensorFlow, which rnnscore"
          + " follows; re-save the model with Keras 2 or later");
    }
    return new Pooling1DLayer(spec.name, kind(spec.className), pool, Windows.size(spec.name, spec.config, "strides",
        pool), Windows.padding(spec.name, spec.config, false));
  }
}
