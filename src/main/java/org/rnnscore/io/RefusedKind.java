package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.rnnscore.model.Layer;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.WeightArray;

/** A standard Keras class we refuse by name, with the reason (Lambda: it would run Python code). */
public final class RefusedKind implements LayerKind {
  private final String className;
  private final String reason;

  public RefusedKind(String className, String reason) {
    this.className = className;
    this.reason = reason;
  }

  @Override
  public List<String> classNames() {
    return List.of(className);
  }

  @Override
  public String supportedText() {
    return null;
  }

  @Override
  public LayerSpec parse(String className, String name, JsonNode config, int ordinal) {
    throw new ModelFormatException("layer '" + name + "' has type " + className + ": " + reason + "; "
        + LayerKinds.SUPPORTED);
  }

  @Override
  public Layer build(LayerSpec spec, List<WeightArray> found, Generation generation) {
    throw new IllegalStateException("layer '" + spec.name + "' is refused and never built");
  }
}
