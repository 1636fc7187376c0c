package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.rnnscore.model.Conv1DLayer;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.Padding1D;
import org.rnnscore.model.WeightArray;

/**
 * Conv1D(filters, kernel_size, strides, padding, data_format, dilation_rate, groups, activation,
 * use_bias): kernel (k, D, filters)[, bias]. Sizes are Keras 2/3's one-element lists or plain
 * integers; channels_first and groups ≠ 1 are refused by name.
 *
 * <p>Keras 1's Convolution1D(nb_filter, filter_length, border_mode, subsample_length, activation,
 * bias) keeps its kernel as (filter_length, 1, input_dim, nb_filter). Keras 1 on Theano ran a true
 * convolution (Theano flips the kernel), TensorFlow a correlation: a Theano file's kernels are
 * flipped along the kernel axis, as Keras 2's own loader does for such files (convert_kernel);
 * Theano's border_mode same differs from TensorFlow's for even kernels and strides, and is refused
 * there, and a Keras 1 file that does not name its backend is refused (we cannot tell which
 * convolution it means).
 */
public final class Conv1DKind implements LayerKind {
  @Override
  public List<String> classNames() {
    return List.of("Conv1D", "Convolution1D");
  }

  @Override
  public List<String> keras1ClassNames() {
    return List.of("Convolution1D");
  }

  @Override
  public boolean readsKeras1() {
    return true;
  }

  @Override
  public JsonNode keras1Config(String className, String name, JsonNode config) {
    return LayerConfigs.renamed(config, "nb_filter", "filters", "filter_length", "kernel_size", "border_mode",
        "padding", "subsample_length", "strides", "bias", "use_bias");
  }

  @Override
  public String supportedText() {
    return "Conv1D";
  }

  @Override
  public LayerSpec parse(String className, String name, JsonNode config, int ordinal) {
    LayerConfigs.positiveInt(name, config, "filters");
    Windows.size(name, config, "kernel_size", null);
    Windows.size(name, config, "strides", 1);
    Windows.size(name, config, "dilation_rate", 1);
    Windows.padding(name, config, true);
    Windows.channelsLast(name, className, config);
    JsonNode groups = config.get("groups");
    if (groups != null && !groups.isNull() && groups.asInt(0) != 1) {
      throw new ModelFormatException("layer '" + name + "' (Conv1D) has groups " + groups + "; rnnscore runs"
          + " Conv1D with groups = 1 only (a grouped convolution is not run by this version)");
    }
    return new LayerSpec(this, className, name, config, ordinal);
  }

  @Override
  public List<String> weightNames(LayerSpec spec) {
    List<String> names = new ArrayList<>(List.of("kernel"));
    if (LayerConfigs.useBias(spec.config)) {
      names.add("bias");
    }
    return names;
  }

  @Override
  public Conv1DLayer build(LayerSpec spec, List<WeightArray> found, Generation generation) {
    List<WeightArray> weights = LayerConfigs.named(spec, found, weightNames(spec), LayerConfigs.biasDetail(spec));
    JsonNode c = spec.config;
    if (generation != null && generation.keras1()) {
      weights = new ArrayList<>(weights);
      weights.set(0, keras1Kernel(spec, weights.get(0), generation));
    }
    return new Conv1DLayer(spec.name, LayerConfigs.positiveInt(spec.name, c, "filters"),
        Windows.size(spec.name, c, "kernel_size", null), Windows.size(spec.name, c, "strides", 1),
        Windows.size(spec.name, c, "dilation_rate", 1), Windows.padding(spec.name, c, true), weights.get(0),
        weights.size() > 1 ? weights.get(1) : null, generation.activation(spec.name, c, "activation", "linear",
            "linear"));
  }

  /** Keras 1's (filter_length, 1, input_dim, nb_filter) as (k, D, filters), flipped along k for a Theano file. */
  private static WeightArray keras1Kernel(LayerSpec spec, WeightArray kernel, Generation generation) {
    String backend = generation.backend();
    if (backend == null || !backend.equals("tensorflow") && !backend.equals("theano")) {
      throw new ModelFormatException("layer '" + spec.name + "' (a Keras 1 Convolution1D) is in a file whose backend"
          + " attribute is " + (backend == null ? "missing" : "'" + backend + "'") + ": Keras 1 on Theano stored"
          + " convolution kernels flipped, on TensorFlow not, so rnnscore cannot tell which convolution the file"
          + " means; re-save the model with Keras 2 or later");
    }
    if (kernel.rank() != 4 || kernel.dim(1) != 1) {
      throw new ModelFormatException("layer '" + spec.name + "' (a Keras 1 Convolution1D) " + kernel.name()
          + " has shape " + kernel.shapeText() + ", expected (filter_length, 1, input_dim, nb_filter)");
    }
    int k = kernel.dim(0);
    int d = kernel.dim(2);
    int f = kernel.dim(3);
    boolean theano = backend.equals("theano");
    if (theano && Windows.padding(spec.name, spec.config, true) == Padding1D.SAME
        && (k % 2 == 0 || Windows.size(spec.name, spec.config, "strides", 1) > 1)) {
      throw new ModelFormatException("layer '" + spec.name + "' (a Keras 1 Convolution1D of a Theano file) has"
          + " border_mode same with filter_length " + k + " and subsample_length "
          + Windows.size(spec.name, spec.config, "strides", 1) + ": Theano pads such a convolution otherwise than"
          + " TensorFlow, which rnnscore follows; re-save the model with Keras 2 or later");
    }
    float[] data = kernel.data();
    float[] out = new float[data.length];
    int tap = d * f;
    for (int i = 0; i < k; i++) {
      System.arraycopy(data, (theano ? k - 1 - i : i) * tap, out, i * tap, tap);
    }
    return new WeightArray(kernel.name(), new int[] {k, d, f}, out);
  }
}
