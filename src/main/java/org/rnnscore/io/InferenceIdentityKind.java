package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.rnnscore.model.Layer;
import org.rnnscore.model.WeightArray;

/** Layers that only act in training (noise, dropout, regularizers): left out of the model. */
public final class InferenceIdentityKind implements LayerKind {
  private static final List<String> CLASSES = List.of("Dropout", "SpatialDropout1D", "GaussianNoise",
      "GaussianDropout", "AlphaDropout", "ActivityRegularization");

  @Override
  public List<String> classNames() {
    return CLASSES;
  }

  @Override
  public String supportedText() {
    return "and layers that do nothing at inference (" + String.join(", ", CLASSES) + ")";
  }

  @Override
  public LayerSpec parse(String className, String name, JsonNode config, int ordinal) {
    return null;
  }

  /** Keras 1 wrote these configs as Keras 2 reads them. */
  @Override
  public boolean readsKeras1() {
    return true;
  }

  @Override
  public Layer build(LayerSpec spec, List<WeightArray> found, Generation generation) {
    throw new IllegalStateException("layer '" + spec.name + "' does nothing at inference and is never built");
  }
}
