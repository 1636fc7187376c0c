package org.rnnscore.io;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.WeightArray;

/**
 * Keras 1's recurrent weights, fused into Keras 2's kernel, recurrent_kernel and bias. Keras 1
 * kept one W, U and b per gate ({@code lstm_1_W_i}, {@code lstm_1_U_f}, {@code lstm_1_b_c}, ...),
 * saved LSTM's in the order i, c, f, o, so they are matched by their name's suffix, never by
 * position, and concatenated along the last axis in Keras 2's gate order. With
 * consume_less="gpu" Keras 1 kept them already fused ({@code lstm_1_W}), in Keras 2's order.
 */
final class Keras1Weights {
  /** Keras 2's gate order per class; SimpleRNN has no gates. */
  private static final Map<String, String> GATES = Map.of("SimpleRNN", "", "LSTM", "ifco", "GRU", "zrh");
  private static final Pattern NAME = Pattern.compile(".*_([WUb])(?:_([a-z]))?(?::[0-9]+)?");
  private static final List<String> KINDS = List.of("W", "U", "b");
  private static final List<String> KERAS2 = List.of("kernel", "recurrent_kernel", "bias");

  private Keras1Weights() {}

  /** The layer's arrays as Keras 2 names and orders them: kernel, recurrent_kernel, bias. */
  static List<WeightArray> fused(LayerSpec spec, List<WeightArray> found) {
    String gates = GATES.get(spec.className);
    Map<String, WeightArray> byKey = new HashMap<>();
    for (WeightArray array : found) {
      Matcher m = NAME.matcher(array.name());
      String gate = m.matches() ? (m.group(2) == null ? "" : m.group(2)) : null;
      if (gate == null || !gate.isEmpty() && gates.indexOf(gate.charAt(0)) < 0
          || byKey.put(m.group(1) + gate, array) != null) {
        throw unexpected(spec, found, gates);
      }
    }
    List<WeightArray> fused = new ArrayList<>();
    for (int k = 0; k < KINDS.size(); k++) {
      String kind = KINDS.get(k);
      WeightArray whole = byKey.get(kind);
      List<WeightArray> parts = new ArrayList<>();
      for (char gate : gates.toCharArray()) {
        WeightArray part = byKey.get(kind + gate);
        if (part != null) {
          parts.add(part);
        }
      }
      if (whole != null && parts.isEmpty()) {
        fused.add(new WeightArray(KERAS2.get(k), whole.shape(), whole.data()));
      } else if (whole == null && !gates.isEmpty() && parts.size() == gates.length()) {
        fused.add(concatLast(KERAS2.get(k), parts, spec));
      } else {
        throw unexpected(spec, found, gates);
      }
    }
    return fused;
  }

  private static ModelFormatException unexpected(LayerSpec spec, List<WeightArray> found, String gates) {
    String perGate = gates.isEmpty() ? "" : " per gate (" + String.join(", ", gates.chars()
        .mapToObj(g -> "W_" + (char) g + ", U_" + (char) g + ", b_" + (char) g).toList()) + ") or fused";
    return new ModelFormatException("layer '" + spec.name + "' (a Keras 1 " + spec.className + ") has weights "
        + LayerConfigs.arrayNames(found) + ", expected W, U and b" + perGate);
  }

  /** The parts side by side along the last axis (all of one shape but the last axis). */
  private static WeightArray concatLast(String name, List<WeightArray> parts, LayerSpec spec) {
    WeightArray first = parts.get(0);
    int last = first.dim(first.rank() - 1);
    int rows = first.size() / Math.max(last, 1);
    for (WeightArray part : parts) {
      if (!part.hasShape(first.shape())) {
        throw new ModelFormatException("layer '" + spec.name + "' has Keras 1 gate weights of different shapes: "
            + first.name() + " " + first.shapeText() + ", " + part.name() + " " + part.shapeText());
      }
    }
    float[] data = new float[first.size() * parts.size()];
    int width = last * parts.size();
    for (int p = 0; p < parts.size(); p++) {
      float[] source = parts.get(p).data();
      for (int r = 0; r < rows; r++) {
        System.arraycopy(source, r * last, data, r * width + p * last, last);
      }
    }
    int[] shape = first.shape().clone();
    shape[shape.length - 1] = width;
    return new WeightArray(name, shape, data);
  }
}
