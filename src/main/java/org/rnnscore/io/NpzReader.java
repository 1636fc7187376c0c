package org.rnnscore.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.rnnscore.model.Messages;
import org.rnnscore.model.Activation;
import org.rnnscore.model.DenseLayer;
import org.rnnscore.model.Layer;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.SimpleRnnLayer;
import org.rnnscore.model.WeightArray;

/**
 * Reads the bare-weights .npz format: Wx (D×M), Wh (M×M), bh (M, optional), Wo (M×K), bo (K,
 * optional), as numpy users export a SimpleRNN→Dense by hand. The file carries no activations,
 * so the layers get Keras' defaults (tanh, linear) and the CLI may override them; arrays keep
 * their npz names so that messages point at what the user actually wrote.
 */
final class NpzReader {
  static final String RNN_NAME = "simple_rnn";
  static final String DENSE_NAME = "dense";
  private static final List<String> KNOWN = List.of("Wx", "Wh", "bh", "Wo", "bo");

  private NpzReader() {}

  /** An npz is a zip whose entries are all .npy arrays. */
  static boolean looksLikeNpz(ZipContents zip) {
    return zip.names().stream().allMatch(name -> name.endsWith(".npy"));
  }

  static RnnModel read(ZipContents zip) {
    Map<String, WeightArray> arrays = new LinkedHashMap<>();
    for (String entry : zip.names()) {
      String name = entry.substring(0, entry.length() - ".npy".length());
      if (!KNOWN.contains(name)) {
        throw new ModelFormatException("holds an unexpected array '" + name + "'; an .npz model holds exactly "
            + "Wx (D×M), Wh (M×M), bh (M, optional), Wo (M×K), bo (K, optional)");
      }
      arrays.put(name, NpyArrays.parse(name, zip.get(entry)));
    }
    WeightArray wx = require(arrays, "Wx", "the input kernel, D×M");
    WeightArray wh = require(arrays, "Wh", "the recurrent kernel, M×M");
    WeightArray wo = require(arrays, "Wo", "the output kernel, M×K");
    requireRank(RNN_NAME, wx, 2, "[D, M]");
    requireRank(DENSE_NAME, wo, 2, "[M, K]");
    int units = wx.dim(1);
    List<Layer> layers = new ArrayList<>();
    layers.add(new SimpleRnnLayer(RNN_NAME, units, wx, wh, arrays.get("bh"), Activation.TANH));
    if (wo.dim(0) != units) {
      throw new ModelFormatException("layer '" + DENSE_NAME + "' Wo has shape " + wo.shapeText() + ", expected "
          + WeightArray.shapeText(units, wo.dim(1)) + " (M = " + units + " from Wx)");
    }
    layers.add(new DenseLayer(DENSE_NAME, wo.dim(1), wo, arrays.get("bo"), Activation.LINEAR));
    return new RnnModel(null, 0, layers);
  }

  private static WeightArray require(Map<String, WeightArray> arrays, String name, String what) {
    WeightArray array = arrays.get(name);
    if (array == null) {
      throw new ModelFormatException("array '" + name + "' (" + what + ") is missing; the file holds "
          + (arrays.isEmpty() ? "no arrays" : Messages.list(arrays.keySet())));
    }
    return array;
  }

  private static void requireRank(String layer, WeightArray array, int rank, String expected) {
    if (array.rank() != rank) {
      throw new ModelFormatException("layer '" + layer + "' " + array.name() + " has shape " + array.shapeText()
          + ", expected " + rank + " dimensions " + expected);
    }
  }
}
