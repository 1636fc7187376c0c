package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.rnnscore.model.BatchNormalizationLayer;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.WeightArray;

/**
 * BatchNormalization at inference: axis (−1 or the feature axis), epsilon (Keras' default 1e-3),
 * center and scale (false drops β or γ from the weights, which Keras saves as gamma, beta,
 * moving_mean, moving_variance, the absent ones skipped). tf.keras' renorm and
 * virtual_batch_size are refused. Keras 1 files: mode 0 only (1 is per-sample, 2 uses the batch's
 * own statistics even at inference); its weights gamma, beta, running_mean, running_std, the last
 * holding the moving variance despite its name (Keras 1.2 updates it with the batch variance and
 * divides by √(running_std + ε)).
 */
public final class BatchNormalizationKind implements LayerKind {
  static final double DEFAULT_EPSILON = 1e-3;

  @Override
  public List<String> classNames() {
    return List.of("BatchNormalization");
  }

  @Override
  public String supportedText() {
    return "BatchNormalization";
  }

  @Override
  public LayerSpec parse(String className, String name, JsonNode config, int ordinal) {
    if (LayerConfigs.flag(config, "renorm")) {
      throw new ModelFormatException("layer '" + name + "' (BatchNormalization) has renorm=True, which rnnscore does not"
          + " run (its extra renorm statistics); re-create the layer without renorm");
    }
    JsonNode virtual = config.get("virtual_batch_size");
    if (virtual != null && !virtual.isNull()) {
      throw new ModelFormatException("layer '" + name + "' (BatchNormalization) has virtual_batch_size " + virtual
          + ", which rnnscore does not run; re-create the layer without it");
    }
    ConfigNumbers.axis(name, className, config, -1);
    ConfigNumbers.number(name, config, "epsilon", DEFAULT_EPSILON);
    return new LayerSpec(this, className, name, config, ordinal);
  }

  @Override
  public boolean readsKeras1() {
    return true;
  }

  @Override
  public JsonNode keras1Config(String className, String name, JsonNode config) {
    JsonNode mode = config.get("mode");
    if (mode != null && !mode.isNull() && mode.asInt(-1) != 0) {
      throw new ModelFormatException("layer '" + name + "' (a Keras 1 BatchNormalization) has mode " + mode + ": only"
          + " mode 0 (feature-wise, moving statistics at inference) is run; mode 1 normalizes each sample and mode 2"
          + " uses the batch's own statistics even at inference, which a row scored alone cannot reproduce");
    }
    // Keras 1 always had both β and γ; its weights are named apart (see weightNames).
    com.fasterxml.jackson.databind.node.ObjectNode copy = LayerConfigs.renamed(config);
    copy.put("center", true);
    copy.put("scale", true);
    copy.put("keras1", true);
    return copy;
  }

  private static boolean center(LayerSpec spec) {
    JsonNode value = spec.config.get("center");
    return value == null || value.asBoolean(true);
  }

  private static boolean scale(LayerSpec spec) {
    JsonNode value = spec.config.get("scale");
    return value == null || value.asBoolean(true);
  }

  @Override
  public List<String> weightNames(LayerSpec spec) {
    if (LayerConfigs.flag(spec.config, "keras1")) {
      return List.of("gamma", "beta", "running_mean", "running_std");
    }
    List<String> names = new ArrayList<>();
    if (scale(spec)) {
      names.add("gamma");
    }
    if (center(spec)) {
      names.add("beta");
    }
    names.add("moving_mean");
    names.add("moving_variance");
    return names;
  }

  @Override
  public BatchNormalizationLayer build(LayerSpec spec, List<WeightArray> found, Generation generation) {
    List<WeightArray> weights = LayerConfigs.named(spec, found, weightNames(spec), "; center = " + center(spec)
        + ", scale = " + scale(spec));
    int next = 0;
    WeightArray gamma = scale(spec) ? weights.get(next++) : null;
    WeightArray beta = center(spec) ? weights.get(next++) : null;
    WeightArray mean = weights.get(next++);
    WeightArray variance = weights.get(next);
    if (LayerConfigs.flag(spec.config, "keras1")) {
      mean = new WeightArray("moving_mean", mean.shape(), mean.data());
      variance = new WeightArray("moving_variance", variance.shape(), variance.data());
    }
    return new BatchNormalizationLayer(spec.name, ConfigNumbers.axis(spec.name, spec.className, spec.config, -1),
        ConfigNumbers.number(spec.name, spec.config, "epsilon", DEFAULT_EPSILON), gamma, beta, mean, variance);
  }
}
