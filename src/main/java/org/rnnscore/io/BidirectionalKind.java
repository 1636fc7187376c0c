package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.rnnscore.model.BidirectionalLayer;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.RecurrentLayer;
import org.rnnscore.model.WeightArray;

/**
 * Bidirectional around a recurrent layer: the forward half's weights, then the backward half's,
 * kept in Keras 3 files on its forward_layer and backward_layer. Without a backward_layer in the
 * config, Keras builds the backward half from the forward config with go_backwards flipped.
 */
public final class BidirectionalKind implements LayerKind {
  private static final String INSIDE = "supported inside Bidirectional: SimpleRNN, LSTM, GRU";

  @Override
  public List<String> classNames() {
    return List.of("Bidirectional");
  }

  @Override
  public String supportedText() {
    return "Bidirectional (around SimpleRNN, LSTM or GRU)";
  }

  @Override
  public LayerSpec parse(String className, String name, JsonNode config, int ordinal) {
    String label = "layer '" + name + "' (Bidirectional)";
    JsonNode inner = config.path("layer");
    String innerClass = LayerConfigs.innerClass(inner);
    LayerKind innerKind = LayerKinds.of(innerClass);
    if (!(innerKind instanceof RecurrentKind)) {
      throw new ModelFormatException(label + " wraps " + (innerClass.isEmpty() ? "no layer" : "a " + innerClass)
          + "; " + INSIDE);
    }
    LayerConfigs.refuseCustom(inner, innerClass, name);
    JsonNode mergeMode = config.get("merge_mode");
    // Throws for None and unknown modes, naming the layer.
    BidirectionalLayer.MergeMode.fromKeras(name, mergeMode == null ? "concat" : mergeMode.isNull() ? null
        : mergeMode.asText());
    JsonNode forwardConfig = inner.path("config");
    RecurrentKind.check(name, label, forwardConfig);
    String base = forwardConfig.path("name").asText(name);
    LayerSpec forward = new LayerSpec(innerKind, innerClass,
        "forward_" + removePrefix(base, "forward_"), forwardConfig, -1);
    JsonNode backwardEntry = config.get("backward_layer");
    LayerSpec backward;
    if (backwardEntry != null && !backwardEntry.isNull()) {
      String backwardClass = LayerConfigs.innerClass(backwardEntry);
      LayerKind backwardKind = LayerKinds.of(backwardClass);
      if (!(backwardKind instanceof RecurrentKind)) {
        throw new ModelFormatException(label + " has a backward_layer of type " + (backwardClass.isEmpty() ? "(none)"
            : backwardClass) + "; " + INSIDE);
      }
      LayerConfigs.refuseCustom(backwardEntry, backwardClass, name);
      JsonNode backwardConfig = backwardEntry.path("config");
      RecurrentKind.check(name, label, backwardConfig);
      backward = new LayerSpec(backwardKind, backwardClass,
          backwardConfig.path("name").asText("backward_" + base), backwardConfig, -1);
    } else {
      ObjectNode copy = forwardConfig.isObject() ? ((ObjectNode) forwardConfig).deepCopy()
          : JsonNodeFactory.instance.objectNode();
      copy.put("go_backwards", !LayerConfigs.flag(forwardConfig, "go_backwards"));
      String backwardName = "backward_" + removePrefix(base, "backward_");
      copy.put("name", backwardName);
      backward = new LayerSpec(innerKind, innerClass, backwardName, copy, -1);
    }
    return new LayerSpec(this, className, name, config, ordinal, forward, backward);
  }

  private static String removePrefix(String text, String prefix) {
    return text.startsWith(prefix) ? text.substring(prefix.length()) : text;
  }

  @Override
  public List<String> weightNames(LayerSpec spec) {
    List<String> names = new ArrayList<>(spec.forward.kind.weightNames(spec.forward));
    names.addAll(spec.backward.kind.weightNames(spec.backward));
    return names;
  }

  @Override
  public List<String> weightGroups(LayerSpec spec, String base) {
    List<String> groups = new ArrayList<>(spec.forward.kind.weightGroups(spec.forward, base + "/forward_layer"));
    groups.addAll(spec.backward.kind.weightGroups(spec.backward, base + "/backward_layer"));
    return groups;
  }

  @Override
  public BidirectionalLayer build(LayerSpec spec, List<WeightArray> found, Generation generation) {
    List<String> forwardNames = spec.forward.kind.weightNames(spec.forward);
    List<String> backwardNames = spec.backward.kind.weightNames(spec.backward);
    if (found.size() != forwardNames.size() + backwardNames.size()) {
      throw new ModelFormatException("layer '" + spec.name + "' has " + found.size() + " weight array"
          + (found.size() == 1 ? "" : "s") + " in the file (" + LayerConfigs.arrayNames(found) + "), expected "
          + (forwardNames.size() + backwardNames.size()) + " (" + spec.forward.name + ": " + String.join(", ", forwardNames)
          + LayerConfigs.biasDetail(spec.forward) + "; " + spec.backward.name + ": " + String.join(", ", backwardNames)
          + LayerConfigs.biasDetail(spec.backward) + ")");
    }
    List<WeightArray> forwardArrays = LayerConfigs.rename(found.subList(0, forwardNames.size()), forwardNames);
    List<WeightArray> backwardArrays = LayerConfigs.rename(found.subList(forwardNames.size(), found.size()),
        backwardNames);
    String label = "layer '" + spec.name + "' (Bidirectional), ";
    RecurrentLayer forward;
    RecurrentLayer backward;
    try {
      forward = RecurrentKind.layer(spec.forward, forwardArrays, true, generation);
    } catch (ModelFormatException e) {
      throw new ModelFormatException(label + "forward half: " + e.getMessage(), e);
    }
    try {
      backward = RecurrentKind.layer(spec.backward, backwardArrays, true, generation);
    } catch (ModelFormatException e) {
      throw new ModelFormatException(label + "backward half: " + e.getMessage(), e);
    }
    JsonNode mergeMode = spec.config.get("merge_mode");
    return new BidirectionalLayer(spec.name, forward, backward, BidirectionalLayer.MergeMode.fromKeras(spec.name,
        mergeMode == null ? "concat" : mergeMode.asText()));
  }

  @Override
  public boolean recurrent() {
    return true;
  }

  @Override
  public boolean returnsState(LayerSpec spec) {
    return LayerConfigs.flag(spec.forward.config, "return_state");
  }
}
