package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.rnnscore.model.Layer;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.WeightArray;

/**
 * tfmot's {@code PruneLowMagnitude} wrapper, as a pruned model saved without strip_pruning holds
 * it: at inference the wrapped layer with each prunable weight (kernel, recurrent_kernel) times
 * its stored mask. The wrapped kind reads the inner config under the wrapper's name and builds
 * the layer, so any kind with a kernel can be wrapped. The file lists the wrapped layer's
 * weights with tfmot's own (mask, threshold per prunable weight, pruning_step) under the
 * wrapper; they are told apart by name, the masks taken in order by the prunable weights, as
 * tfmot creates them. tfmot writes legacy h5 (and JSON + weights) files; a .keras file with one
 * is refused.
 */
public final class PruneLowMagnitudeKind implements LayerKind {
  private static final Pattern MASK = Pattern.compile("(^|.*/)mask(_\\d+)?(:\\d+)?$");
  private static final Pattern PRUNING = Pattern.compile("(^|.*/)(mask|threshold|pruning_step)(_\\d+)?(:\\d+)?$");
  private static final Pattern PRUNABLE = Pattern.compile("(^|.*/)(kernel|recurrent_kernel)(:\\d+)?$");

  @Override
  public List<String> classNames() {
    return List.of("PruneLowMagnitude");
  }

  @Override
  public String supportedText() {
    return "PruneLowMagnitude (tfmot, around a layer with a kernel)";
  }

  @Override
  public LayerSpec parse(String className, String name, JsonNode config, int ordinal) {
    JsonNode inner = config.path("layer");
    String innerClass = LayerConfigs.innerClass(inner);
    LayerKind kind = LayerKinds.of(innerClass);
    LayerSpec wrapped = null;
    if (kind != null && !(kind instanceof PruneLowMagnitudeKind) && kind.supportedText() != null) {
      LayerConfigs.refuseCustom(inner, innerClass, name);
      wrapped = kind.parse(innerClass, name, inner.path("config"), -1);
    }
    if (wrapped == null || !wrapped.hasWeights()) {
      throw new ModelFormatException("layer '" + name + "' (PruneLowMagnitude) wraps " + (innerClass.isEmpty()
          ? "no layer" : "a " + innerClass) + "; expected a supported layer with weights (Dense, SimpleRNN, LSTM, GRU,"
          + " ...); " + LayerKinds.SUPPORTED);
    }
    return new LayerSpec(this, className, name, config, ordinal, wrapped, null);
  }

  @Override
  public List<String> weightNames(LayerSpec spec) {
    return spec.forward.kind.weightNames(spec.forward);
  }

  @Override
  public List<String> weightGroups(LayerSpec spec, String base) {
    throw new ModelFormatException("layer '" + spec.name + "' is a tfmot PruneLowMagnitude wrapper in a .keras file,"
        + " which rnnscore does not read (tfmot saves legacy h5); save the model with"
        + " tfmot.sparsity.keras.strip_pruning(model) first, or as .h5");
  }

  @Override
  public boolean returnsState(LayerSpec spec) {
    return spec.forward.kind.returnsState(spec.forward);
  }

  @Override
  public Layer build(LayerSpec spec, List<WeightArray> found, Generation generation) {
    List<WeightArray> masks = new ArrayList<>();
    List<WeightArray> plain = new ArrayList<>();
    for (WeightArray array : found) {
      if (MASK.matcher(array.name()).matches()) {
        masks.add(array);
      } else if (!PRUNING.matcher(array.name()).matches()) {
        plain.add(array);
      }
    }
    List<WeightArray> masked = new ArrayList<>();
    int next = 0;
    for (WeightArray array : plain) {
      if (PRUNABLE.matcher(array.name()).matches()) {
        if (next >= masks.size() || !masks.get(next).hasShape(array.shape())) {
          throw new ModelFormatException("layer '" + spec.name + "' (PruneLowMagnitude) has no mask of shape "
              + array.shapeText() + " for its weight " + array.name() + " (weights: " + LayerConfigs.arrayNames(found)
              + "); expected one mask per prunable weight, in order");
        }
        array = times(array, masks.get(next++));
      }
      masked.add(array);
    }
    if (next != masks.size()) {
      throw new ModelFormatException("layer '" + spec.name + "' (PruneLowMagnitude) has " + masks.size() + " masks for "
          + next + " prunable weights (weights: " + LayerConfigs.arrayNames(found) + ")");
    }
    return spec.forward.kind.build(spec.forward, masked, generation);
  }

  private static WeightArray times(WeightArray weight, WeightArray mask) {
    float[] w = weight.data();
    for (int i = 0; i < w.length; i++) {
      w[i] *= mask.get(i);
    }
    return new WeightArray(weight.name(), weight.shape(), w);
  }
}
