package org.rnnscore.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.rnnscore.model.Activation;
import org.rnnscore.model.ActivationFunctionLayer;
import org.rnnscore.model.ActivationLayer;
import org.rnnscore.model.BatchNormalizationLayer;
import org.rnnscore.model.BidirectionalLayer;
import org.rnnscore.model.DenseLayer;
import org.rnnscore.model.EmbeddingLayer;
import org.rnnscore.model.FlattenLayer;
import org.rnnscore.model.GruLayer;
import org.rnnscore.model.Layer;
import org.rnnscore.model.LayerNormalizationLayer;
import org.rnnscore.model.LstmLayer;
import org.rnnscore.model.MaskingLayer;
import org.rnnscore.model.PReluLayer;
import org.rnnscore.model.PermuteLayer;
import org.rnnscore.model.RecurrentLayer;
import org.rnnscore.layers.RepeatVectorUnit.RepeatVectorLayer;
import org.rnnscore.model.ReshapeLayer;
import org.rnnscore.model.Conv1DLayer;
import org.rnnscore.model.GlobalPooling1DLayer;
import org.rnnscore.model.Padding1D;
import org.rnnscore.model.Pooling1DLayer;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.Sequencing;
import org.rnnscore.model.Shape;
import org.rnnscore.model.SimpleRnnLayer;
import org.rnnscore.model.WeightArray;

/**
 * Seeded random models from a one-line spec, so that a failing case names its model:
 * {@code "masking(0) > lstm(8,rs) > bi(gru,5,concat,rs,reset_before) > dense(3,softmax)"}.
 *
 * <ul>
 *   <li>{@code simple|lstm|gru(units, flags...)}: flags {@code rs} (return_sequences), {@code back}
 *       (go_backwards), {@code zero} (zero_output_for_mask), {@code nobias}, {@code reset_before}
 *       (GRU reset_after=False), {@code act=NAME}, {@code rec=NAME}.
 *   <li>{@code bi(kind, units, concat|sum|mul|ave, flags...)}: Bidirectional; its halves get
 *       zero_output_for_mask = return_sequences, as Keras' Bidirectional forces, unless {@code
 *       nozero} is given; {@code back} makes the forward half go backwards (and the backward
 *       half forwards).
 *   <li>{@code dense(units[, act][, nobias])}, {@code activation(act)}, {@code flatten},
 *       {@code masking(value)}, {@code embedding(V, E[, mask_zero])}, {@code repeat(n)} (RepeatVector),
 *       {@code reshape(a[, b])} (Reshape, -1 inferred), {@code permute(2, 1)}.
 *   <li>{@code conv(filters, k[, valid|same|causal][, s=N][, d=N][, act][, nobias])} (Conv1D),
 *       {@code maxpool|avgpool(pool[, s=N][, same])}, {@code gmaxpool|gavgpool([keepdims])}.
 *   <li>{@code bn(flags...)} (BatchNormalization) and {@code ln(flags...)} (LayerNormalization):
 *       flags {@code nocenter}, {@code noscale}, {@code eps=X}, {@code axis=N}; BatchNormalization's
 *       moving variance in [0.05, 2), its mean ±0.5, γ in [0.5, 1.5) with random sign, β ±0.5.
 *   <li>{@code leaky(alpha)}, {@code relu(max|none, negative_slope, threshold)}, {@code elu(alpha)},
 *       {@code threlu(theta)}, {@code softmax}, {@code prelu[(shared|step)]} (one α for all features, or one
 *       per declared step and feature).
 * </ul>
 *
 * Activation names are Keras 3's, plus {@code hard_sigmoid2} for the Keras 2 hard sigmoid.
 * Weights: input kernels ±1/√in, recurrent kernels ±0.6/√M (contractive, so long sequences do
 * not blow up float32 error), biases ±0.5, embeddings ±1.
 */
public final class ModelSpec {
  private ModelSpec() {}

  public static RnnModel build(String spec, long seed, int inputWidth, int declaredTimesteps) {
    Random rnd = new Random(seed);
    List<Layer> layers = new ArrayList<>();
    int width = inputWidth;
    boolean sequence = true;
    int steps = declaredTimesteps; // what a Flatten sees: the declared T, or RepeatVector's n
    int index = 0;
    for (String part : spec.split(">")) {
      String text = part.trim();
      String name = text.contains("(") ? text.substring(0, text.indexOf('(')).trim() : text;
      String[] args = text.contains("(")
          ? text.substring(text.indexOf('(') + 1, text.lastIndexOf(')')).split(",") : new String[0];
      for (int i = 0; i < args.length; i++) {
        args[i] = args[i].trim();
      }
      String layerName = name + "_" + index++;
      Layer layer;
      switch (name) {
        case "simple":
        case "lstm":
        case "gru":
          layer = recurrent(rnd, layerName, name, width, Integer.parseInt(args[0]), flags(args, 1), false, false);
          width = ((RecurrentLayer) layer).units();
          sequence = ((RecurrentLayer) layer).returnSequences();
          break;
        case "bi": {
          String kind = args[0];
          int units = Integer.parseInt(args[1]);
          BidirectionalLayer.MergeMode mode = BidirectionalLayer.MergeMode.fromKeras(layerName, args[2]);
          List<String> flags = flags(args, 3);
          RecurrentLayer forward = recurrent(rnd, "forward_" + layerName, kind, width, units, flags, true, false);
          RecurrentLayer backward = recurrent(rnd, "backward_" + layerName, kind, width, units, flags, true, true);
          BidirectionalLayer bi = new BidirectionalLayer(layerName, forward, backward, mode);
          layer = bi;
          width = bi.outputWidth();
          sequence = bi.returnSequences();
          break;
        }
        case "dense": {
          int units = Integer.parseInt(args[0]);
          List<String> flags = flags(args, 1);
          Activation act = Activation.LINEAR;
          for (String f : flags) {
            if (!f.equals("nobias")) {
              act = activation(f);
            }
          }
          layer = new DenseLayer(layerName, units, weights(rnd, "kernel", 1.5 / Math.sqrt(width), width, units),
              flags.contains("nobias") ? null : weights(rnd, "bias", 0.5, units), act);
          width = units;
          break;
        }
        case "activation":
          layer = new ActivationLayer(layerName, activation(args[0]));
          break;
        case "flatten":
          layer = new FlattenLayer(layerName);
          width = sequence ? width * steps : width;
          sequence = false;
          break;
        case "repeat":
          layer = new RepeatVectorLayer(layerName, Integer.parseInt(args[0]));
          sequence = true;
          steps = Integer.parseInt(args[0]);
          break;
        case "reshape":
        case "permute": {
          int[] values = new int[args.length];
          for (int i = 0; i < args.length; i++) {
            values[i] = Integer.parseInt(args[i]);
          }
          layer = name.equals("reshape") ? new ReshapeLayer(layerName, values) : new PermuteLayer(layerName, values);
          Shape out = layer.outputShape(sequence ? Shape.sequence(steps, width) : Shape.vector(width), "spec");
          width = out.width();
          sequence = out.sequence();
          steps = out.timesteps();
          break;
        }
        case "conv": {
          // conv(filters, k[, valid|same|causal][, s=N][, d=N][, act][, nobias])
          int filters = Integer.parseInt(args[0]);
          int k = Integer.parseInt(args[1]);
          Padding1D padding = Padding1D.VALID;
          int stride = 1;
          int dilation = 1;
          Activation act = Activation.LINEAR;
          List<String> flags = flags(args, 2);
          for (String f : flags) {
            if (Padding1D.fromKerasName(f) != null) {
              padding = Padding1D.fromKerasName(f);
            } else if (f.startsWith("s=")) {
              stride = Integer.parseInt(f.substring(2));
            } else if (f.startsWith("d=")) {
              dilation = Integer.parseInt(f.substring(2));
            } else if (!f.equals("nobias")) {
              act = activation(f);
            }
          }
          layer = new Conv1DLayer(layerName, filters, k, stride, dilation, padding,
              weights(rnd, "kernel", 1.5 / Math.sqrt(k * width), k, width, filters),
              flags.contains("nobias") ? null : weights(rnd, "bias", 0.5, filters), act);
          steps = layer.outputShape(Shape.sequence(steps, width), "spec").timesteps();
          width = filters;
          break;
        }
        case "maxpool":
        case "avgpool": {
          // maxpool(pool[, s=N][, same])
          int pool = Integer.parseInt(args[0]);
          int stride = pool;
          Padding1D padding = Padding1D.VALID;
          for (String f : flags(args, 1)) {
            if (f.startsWith("s=")) {
              stride = Integer.parseInt(f.substring(2));
            } else {
              padding = Padding1D.fromKerasName(f);
            }
          }
          layer = new Pooling1DLayer(layerName, name.equals("maxpool") ? Pooling1DLayer.Kind.MAX
              : Pooling1DLayer.Kind.AVERAGE, pool, stride, padding);
          steps = layer.outputShape(Shape.sequence(steps, width), "spec").timesteps();
          break;
        }
        case "gmaxpool":
        case "gavgpool": {
          boolean keep = args.length > 0 && args[0].equals("keepdims");
          layer = new GlobalPooling1DLayer(layerName, name.equals("gmaxpool") ? Pooling1DLayer.Kind.MAX
              : Pooling1DLayer.Kind.AVERAGE, keep);
          sequence = keep;
          steps = keep ? 1 : 0;
          break;
        }
        case "masking":
          layer = new MaskingLayer(layerName, Float.parseFloat(args[0]));
          break;
        case "embedding": {
          int v = Integer.parseInt(args[0]);
          int e = Integer.parseInt(args[1]);
          layer = new EmbeddingLayer(layerName, weights(rnd, "embeddings", 1, v, e),
              args.length > 2 && args[2].equals("mask_zero"));
          width = e;
          break;
        }
        case "bn":
        case "ln": {
          List<String> flags = flags(args, 0);
          double eps = 1e-3;
          int axis = -1;
          for (String f : flags) {
            if (f.startsWith("eps=")) {
              eps = Double.parseDouble(f.substring(4));
            } else if (f.startsWith("axis=")) {
              axis = Integer.parseInt(f.substring(5));
            }
          }
          WeightArray gamma = flags.contains("noscale") ? null : signedAround1(rnd, "gamma", width);
          WeightArray beta = flags.contains("nocenter") ? null : weights(rnd, "beta", 0.5, width);
          if (name.equals("bn")) {
            WeightArray mean = weights(rnd, "moving_mean", 0.5, width);
            float[] variance = new float[width];
            for (int i = 0; i < width; i++) {
              variance[i] = (float) (0.05 + 1.95 * rnd.nextDouble());
            }
            layer = new BatchNormalizationLayer(layerName, axis, eps, gamma, beta, mean,
                new WeightArray("moving_variance", new int[] {width}, variance));
          } else {
            layer = new LayerNormalizationLayer(layerName, axis, eps, gamma, beta);
          }
          break;
        }
        case "leaky":
          layer = ActivationFunctionLayer.leakyRelu(layerName, Double.parseDouble(args[0]));
          break;
        case "relu":
          layer = ActivationFunctionLayer.relu(layerName,
              args[0].equals("none") ? Double.POSITIVE_INFINITY : Double.parseDouble(args[0]),
              Double.parseDouble(args[1]), Double.parseDouble(args[2]));
          break;
        case "elu":
          layer = ActivationFunctionLayer.elu(layerName, Double.parseDouble(args[0]));
          break;
        case "threlu":
          layer = ActivationFunctionLayer.thresholdedRelu(layerName, Double.parseDouble(args[0]));
          break;
        case "softmax":
          layer = ActivationFunctionLayer.softmax(layerName);
          break;
        case "prelu": {
          int n = args.length > 0 && args[0].equals("shared") ? 1 : width;
          int t = args.length > 0 && args[0].equals("step") ? steps : 1;
          layer = new PReluLayer(layerName, sequence ? weights(rnd, "alpha", 0.6, t, n) : weights(rnd, "alpha", 0.6, n));
          break;
        }
        default:
          throw new IllegalArgumentException("unknown layer '" + name + "' in spec " + spec);
      }
      layers.add(layer);
    }
    return new RnnModel("input", declaredTimesteps, layers);
  }

  private static List<String> flags(String[] args, int from) {
    List<String> out = new ArrayList<>();
    for (int i = from; i < args.length; i++) {
      out.add(args[i]);
    }
    return out;
  }

  private static RecurrentLayer recurrent(Random rnd, String name, String kind, int width, int units,
      List<String> flags, boolean bidirectionalHalf, boolean backwardHalf) {
    boolean rs = flags.contains("rs");
    boolean back = flags.contains("back") != backwardHalf;
    boolean zero = flags.contains("zero") || (bidirectionalHalf && rs && !flags.contains("nozero"));
    boolean bias = !flags.contains("nobias");
    Activation act = Activation.TANH;
    Activation rec = Activation.SIGMOID;
    for (String f : flags) {
      if (f.startsWith("act=")) {
        act = activation(f.substring(4));
      } else if (f.startsWith("rec=")) {
        rec = activation(f.substring(4));
      }
    }
    Sequencing seq = new Sequencing(rs, back, zero);
    int gates = kind.equals("lstm") ? 4 : kind.equals("gru") ? 3 : 1;
    WeightArray kernel = weights(rnd, "kernel", 1 / Math.sqrt(width), width, gates * units);
    WeightArray recurrent = weights(rnd, "recurrent_kernel", 0.6 / Math.sqrt(units), units, gates * units);
    switch (kind) {
      case "simple":
        return new SimpleRnnLayer(name, units, kernel, recurrent, bias ? weights(rnd, "bias", 0.5, units) : null, act,
            seq);
      case "lstm":
        return new LstmLayer(name, units, kernel, recurrent, bias ? weights(rnd, "bias", 0.5, 4 * units) : null, act,
            rec, seq);
      case "gru": {
        boolean resetAfter = !flags.contains("reset_before");
        WeightArray b = !bias ? null
            : resetAfter ? weights(rnd, "bias", 0.5, 2, 3 * units) : weights(rnd, "bias", 0.5, 3 * units);
        return new GruLayer(name, units, kernel, recurrent, b, act, rec, resetAfter, seq);
      }
      default:
        throw new IllegalArgumentException("unknown recurrent kind " + kind);
    }
  }

  static Activation activation(String name) {
    if (name.equals("hard_sigmoid2")) {
      return Activation.HARD_SIGMOID_KERAS2;
    }
    return Activation.fromKerasName(name.toLowerCase(Locale.ROOT), 3);
  }

  /** Values in ±[0.5, 1.5): a scale that may flip signs but never vanishes. */
  static WeightArray signedAround1(Random rnd, String name, int n) {
    float[] data = new float[n];
    for (int i = 0; i < n; i++) {
      data[i] = (float) ((0.5 + rnd.nextDouble()) * (rnd.nextBoolean() ? 1 : -1));
    }
    return new WeightArray(name, new int[] {n}, data);
  }

  static WeightArray weights(Random rnd, String name, double scale, int... shape) {
    int size = 1;
    for (int s : shape) {
      size *= s;
    }
    float[] data = new float[size];
    for (int i = 0; i < size; i++) {
      data[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
    }
    return new WeightArray(name, shape, data);
  }
}
