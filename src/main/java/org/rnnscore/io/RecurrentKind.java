package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.rnnscore.model.Activation;
import org.rnnscore.model.GruLayer;
import org.rnnscore.model.LstmLayer;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.RecurrentLayer;
import org.rnnscore.model.Sequencing;
import org.rnnscore.model.SimpleRnnLayer;
import org.rnnscore.model.WeightArray;

/**
 * SimpleRNN, LSTM and GRU: kernel, recurrent_kernel[, bias], kept on the cell in Keras 3 files.
 * Standalone Keras 2.0–2.2 defaulted recurrent_activation to hard_sigmoid and GRU reset_after to
 * False; later generations to sigmoid and True.
 */
public final class RecurrentKind implements LayerKind {
  static final List<String> CLASSES = List.of("SimpleRNN", "LSTM", "GRU");

  @Override
  public List<String> classNames() {
    return CLASSES;
  }

  @Override
  public String supportedText() {
    return String.join(", ", CLASSES);
  }

  @Override
  public LayerSpec parse(String className, String name, JsonNode config, int ordinal) {
    check(name, "layer '" + name + "'", config);
    return new LayerSpec(this, className, name, config, ordinal);
  }

  @Override
  public boolean readsKeras1() {
    return true;
  }

  /**
   * Keras 1: output_dim, inner_activation; GRU without reset_after (Keras 1 reset before the
   * matmul). consume_less only chose the weight layout, which the weights' names tell.
   */
  @Override
  public JsonNode keras1Config(String className, String name, JsonNode config) {
    ObjectNode translated = LayerConfigs.renamed(config, "output_dim", "units", "inner_activation",
        "recurrent_activation");
    translated.remove("consume_less");
    if (className.equals("GRU")) {
      translated.put("reset_after", false);
    }
    return translated;
  }

  /**
   * The options we refuse, also inside Bidirectional.
   *
   * @param name the layer as the Keras 1 message names it
   * @param label the layer as the option messages name it
   */
  static void check(String name, String label, JsonNode config) {
    LayerConfigs.refuseKeras1Config(name, config);
    if (LayerConfigs.flag(config, "time_major")) {
      throw new ModelFormatException(label + " has time_major=true: it reads inputs laid out [timesteps, batch,"
          + " features], which rnnscore does not support; re-create it with time_major=False");
    }
  }

  @Override
  public List<String> weightNames(LayerSpec spec) {
    List<String> names = new ArrayList<>(List.of("kernel", "recurrent_kernel"));
    if (LayerConfigs.useBias(spec.config)) {
      names.add("bias");
    }
    return names;
  }

  @Override
  public List<String> weightGroups(LayerSpec spec, String base) {
    return List.of(base + "/cell/vars");
  }

  @Override
  public RecurrentLayer build(LayerSpec spec, List<WeightArray> found, Generation generation) {
    List<WeightArray> arrays = generation.keras1() ? Keras1Weights.fused(spec, found) : found;
    return layer(spec, LayerConfigs.named(spec, arrays, weightNames(spec), LayerConfigs.biasDetail(spec)), false,
        generation);
  }

  @Override
  public boolean recurrent() {
    return true;
  }

  @Override
  public boolean returnsState(LayerSpec spec) {
    return LayerConfigs.flag(spec.config, "return_state");
  }

  /** The layer from its named weights; {@code inBidirectional} for a half of a Bidirectional. */
  static RecurrentLayer layer(LayerSpec spec, List<WeightArray> weights, boolean inBidirectional,
      Generation generation) {
    JsonNode config = spec.config;
    int units = LayerConfigs.positiveInt(spec.name, config, "units");
    WeightArray kernel = weights.get(0);
    WeightArray recurrentKernel = weights.get(1);
    WeightArray bias = weights.size() > 2 ? weights.get(2) : null;
    boolean returnSequences = LayerConfigs.flag(config, "return_sequences");
    // Keras' Bidirectional forces zero_output_for_mask = return_sequences on both halves (tf.keras, Keras 2.3+, 3).
    boolean zeroOutput = inBidirectional && generation.modern() ? returnSequences
        : LayerConfigs.flag(config, "zero_output_for_mask");
    // stateful=True is read, not refused: each row is scored from the zero state (see Sequencing#stateful).
    Sequencing sequencing = new Sequencing(returnSequences, LayerConfigs.flag(config, "go_backwards"), zeroOutput,
        LayerConfigs.flag(config, "stateful"));
    Activation activation = generation.activation(spec.name, config, "activation", "tanh", "tanh");
    switch (spec.className) {
      case "SimpleRNN":
        return new SimpleRnnLayer(spec.name, units, kernel, recurrentKernel, bias, activation, sequencing);
      case "LSTM":
        return new LstmLayer(spec.name, units, kernel, recurrentKernel, bias, activation,
            generation.activation(spec.name, config, "recurrent_activation", "hard_sigmoid", "sigmoid"), sequencing);
      default:
        return new GruLayer(spec.name, units, kernel, recurrentKernel, bias, activation,
            generation.activation(spec.name, config, "recurrent_activation", "hard_sigmoid", "sigmoid"),
            resetAfter(config, bias, generation), sequencing);
    }
  }

  /**
   * reset_after as configured; configs from before the option (Keras 2.0–2.1) lack it and mean
   * False. Where it is absent and the layer has a bias, the bias' shape tells (2×3M only exists
   * with reset_after); without a bias, the file's Keras version gives the default.
   */
  private static boolean resetAfter(JsonNode config, WeightArray bias, Generation generation) {
    JsonNode value = config.get("reset_after");
    if (value != null && !value.isNull()) {
      return value.asBoolean();
    }
    if (bias != null) {
      return bias.rank() == 2;
    }
    return generation.modern();
  }
}
