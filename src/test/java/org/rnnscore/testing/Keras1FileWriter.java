package org.rnnscore.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;

import java.util.Map;
import org.rnnscore.model.BatchNormalizationLayer;
import org.rnnscore.model.Conv1DLayer;
import org.rnnscore.model.DenseLayer;
import org.rnnscore.model.Padding1D;
import org.rnnscore.model.Pooling1DLayer;
import org.rnnscore.model.GruLayer;
import org.rnnscore.model.Layer;
import org.rnnscore.model.LstmLayer;
import org.rnnscore.model.RecurrentLayer;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.SimpleRnnLayer;
import org.rnnscore.model.WeightArray;

/**
 * Writes models as Keras 1.2's {@code model.save("x.h5")}: a Sequential config that is the bare
 * layer list (the first layer carrying batch_input_shape), Keras 1 field names (output_dim,
 * inner_activation, consume_less, Dense's bias), and per-gate weights in Keras 1's order (LSTM
 * i, c, f, o; GRU z, r, h) named {@code <layer>_W_i:0}, ... or, with consume_less="gpu", fused
 * ({@code <layer>_W:0}, in Keras 2's gate order). Recurrent layers must have a bias (Keras 1's
 * always did) and GRUs reset_after=False. BatchNormalization (mode 0, always with β and γ) as
 * Keras 1.2 saved it: epsilon, mode, axis, momentum, and weights {@code <layer>_gamma},
 * {@code _beta}, {@code _running_mean}, {@code _running_std} (the last the moving variance).
 */
public final class Keras1FileWriter {
  public static final String KERAS1_VERSION = "1.2.2";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Keras1FileWriter() {}

  public static void write(Path path, RnnModel model, boolean gpu) {
    KerasFileWriter.writeLegacyH5(path, config(model, gpu).toString(), weights(model, gpu), KERAS1_VERSION);
  }

  /**
   * As {@link #write}, as saved with {@code backend} ({@code null}: no backend attribute): with
   * "theano" each Convolution1D kernel is stored flipped along its kernel axis, as a Theano-trained
   * Keras 1 model holds the kernel Theano's true convolution uses.
   */
  public static void write(Path path, RnnModel model, boolean gpu, String backend) {
    KerasFileWriter.writeLegacyH5(path, config(model, gpu).toString(), weights(model, gpu, "theano".equals(backend)),
        KERAS1_VERSION, backend);
  }

  public static ObjectNode config(RnnModel model, boolean gpu) {
    ObjectNode root = NODES.objectNode();
    root.put("class_name", "Sequential");
    ArrayNode layers = root.putArray("config");
    for (Layer layer : model.layers()) {
      ObjectNode entry = layers.addObject();
      entry.put("class_name", layer.kerasClass());
      ObjectNode config = entry.putObject("config");
      config.put("name", layer.name());
      config.put("trainable", true);
      if (layer instanceof RecurrentLayer rnn) {
        config.put("output_dim", rnn.units());
        config.put("activation", KerasFileWriter.activationName(rnn.activation(), 2));
        if (!(rnn instanceof SimpleRnnLayer)) {
          config.put("inner_activation", KerasFileWriter.activationName(rnn.recurrentActivation(), 2));
        }
        config.put("return_sequences", rnn.sequencing().returnSequences());
        config.put("go_backwards", rnn.sequencing().goBackwards());
        config.put("stateful", rnn.sequencing().stateful());
        config.put("unroll", false);
        config.put("consume_less", gpu ? "gpu" : "cpu");
        config.put("dropout_W", 0.0);
        config.put("dropout_U", 0.0);
      } else if (layer instanceof DenseLayer dense) {
        config.put("output_dim", dense.units());
        config.put("activation", KerasFileWriter.activationName(dense.activation(), 2));
        config.put("bias", dense.bias().isPresent());
      } else if (layer instanceof BatchNormalizationLayer bn) {
        if (bn.gamma().isEmpty() || bn.beta().isEmpty()) {
          throw new IllegalArgumentException("Keras 1 BatchNormalization always has gamma and beta: " + layer);
        }
        config.put("epsilon", bn.epsilon());
        config.put("mode", 0);
        config.put("axis", bn.axis());
        config.put("momentum", 0.99);
        config.put("beta_init", "zero");
        config.put("gamma_init", "one");
        config.putNull("gamma_regularizer");
        config.putNull("beta_regularizer");
      } else if (layer instanceof Conv1DLayer conv) {
        if (conv.dilation() != 1 || conv.padding() == Padding1D.CAUSAL) {
          throw new IllegalArgumentException("Keras 1's Convolution1D has no dilation or causal padding: " + layer);
        }
        entry.put("class_name", "Convolution1D");
        config.put("nb_filter", conv.filters());
        config.put("filter_length", conv.kernelSize());
        config.put("init", "glorot_uniform");
        config.put("activation", KerasFileWriter.activationName(conv.activation(), 2));
        config.put("border_mode", conv.padding().kerasName());
        config.put("subsample_length", conv.stride());
        config.put("bias", conv.bias().isPresent());
        config.put("input_dim", conv.inputWidth());
      } else if (layer instanceof Pooling1DLayer pool) {
        config.put("pool_length", pool.poolSize());
        config.put("stride", pool.stride());
        config.put("border_mode", pool.padding().kerasName());
      } else {
        throw new IllegalArgumentException("no Keras 1 writer for " + layer);
      }
      if (layers.size() == 1) {
        ArrayNode shape = config.putArray("batch_input_shape");
        shape.addNull();
        if (model.declaredTimesteps().isPresent()) {
          shape.add(model.declaredTimesteps().getAsInt());
        } else {
          shape.addNull();
        }
        shape.add(model.inputWidth());
        config.put("input_dtype", "float32");
      }
    }
    root.put("keras_version", KERAS1_VERSION);
    return root;
  }

  /** Each layer's datasets by Keras 1 weight name, in the order Keras 1 saved them. */
  public static Map<String, Map<String, WeightArray>> weights(RnnModel model, boolean gpu) {
    return weights(model, gpu, false);
  }

  private static Map<String, Map<String, WeightArray>> weights(RnnModel model, boolean gpu, boolean theano) {
    Map<String, Map<String, WeightArray>> weights = new LinkedHashMap<>();
    for (Layer layer : model.layers()) {
      Map<String, WeightArray> datasets = new LinkedHashMap<>();
      String prefix = layer.name() + "_";
      if (layer instanceof RecurrentLayer rnn) {
        WeightArray bias = rnn.bias().orElseThrow(() -> new IllegalArgumentException("Keras 1 RNNs have a bias"));
        String keras1Order = rnn instanceof LstmLayer ? "icfo" : rnn instanceof GruLayer ? "zrh" : "";
        String keras2Order = rnn instanceof LstmLayer ? "ifco" : keras1Order;
        if (gpu || keras1Order.isEmpty()) {
          datasets.put(prefix + "W:0", rnn.kernel());
          datasets.put(prefix + "U:0", rnn.recurrentKernel());
          datasets.put(prefix + "b:0", bias);
        } else {
          for (char gate : keras1Order.toCharArray()) {
            int index = keras2Order.indexOf(gate);
            datasets.put(prefix + "W_" + gate + ":0", gate(rnn.kernel(), index, keras2Order.length()));
            datasets.put(prefix + "U_" + gate + ":0", gate(rnn.recurrentKernel(), index, keras2Order.length()));
            datasets.put(prefix + "b_" + gate + ":0", gate(bias, index, keras2Order.length()));
          }
        }
      } else if (layer instanceof DenseLayer dense) {
        datasets.put(prefix + "W:0", dense.kernel());
        dense.bias().ifPresent(b -> datasets.put(prefix + "b:0", b));
      } else if (layer instanceof BatchNormalizationLayer bn) {
        datasets.put(prefix + "gamma:0", bn.gamma().orElseThrow());
        datasets.put(prefix + "beta:0", bn.beta().orElseThrow());
        datasets.put(prefix + "running_mean:0", bn.movingMean());
        datasets.put(prefix + "running_std:0", bn.movingVariance());
      } else if (layer instanceof Conv1DLayer conv) {
        datasets.put(prefix + "W:0", keras1Kernel(conv.kernel(), theano));
        conv.bias().ifPresent(b -> datasets.put(prefix + "b:0", b));
      }
      weights.put(layer.name(), datasets);
    }
    return weights;
  }

  /** (k, D, filters) as Keras 1's (filter_length, 1, input_dim, nb_filter), reversed along k for Theano. */
  public static WeightArray keras1Kernel(WeightArray kernel, boolean flip) {
    int k = kernel.dim(0);
    int tap = kernel.dim(1) * kernel.dim(2);
    float[] out = new float[kernel.size()];
    for (int i = 0; i < k; i++) {
      System.arraycopy(kernel.data(), i * tap, out, (flip ? k - 1 - i : i) * tap, tap);
    }
    return new WeightArray(kernel.name(), new int[] {k, 1, kernel.dim(1), kernel.dim(2)}, out);
  }

  /** Gate {@code index} of {@code gates}: the index-th block of the last axis. */
  static WeightArray gate(WeightArray fused, int index, int gates) {
    int last = fused.dim(fused.rank() - 1);
    int block = last / gates;
    int rows = fused.size() / last;
    float[] data = new float[rows * block];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(fused.data(), r * last + index * block, data, r * block, block);
    }
    int[] shape = fused.shape().clone();
    shape[shape.length - 1] = block;
    return new WeightArray(fused.name(), shape, data);
  }

}
