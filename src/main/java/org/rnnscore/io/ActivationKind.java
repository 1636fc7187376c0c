package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.rnnscore.model.ActivationLayer;
import org.rnnscore.model.WeightArray;

/** Activation(activation): no weights; a missing activation is linear, as in Keras. */
public final class ActivationKind implements LayerKind {
  @Override
  public List<String> classNames() {
    return List.of("Activation");
  }

  @Override
  public String supportedText() {
    return "Activation";
  }

  @Override
  public LayerSpec parse(String className, String name, JsonNode config, int ordinal) {
    return new LayerSpec(this, className, name, config, ordinal);
  }

  /** Keras 1 wrote these configs as Keras 2 reads them. */
  @Override
  public boolean readsKeras1() {
    return true;
  }

  @Override
  public ActivationLayer build(LayerSpec spec, List<WeightArray> found, Generation generation) {
    return new ActivationLayer(spec.name, generation.activation(spec.name, spec.config.get("activation")));
  }
}
