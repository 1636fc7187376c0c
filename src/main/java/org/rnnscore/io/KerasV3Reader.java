package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.rnnscore.model.Messages;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.WeightArray;

/**
 * Reads Keras 3 .keras files (also written by Keras 2.13+): a zip of config.json, metadata.json
 * and model.weights.h5. Unlike the legacy h5, the weights file does not name layers: Keras'
 * saving_lib stores each layer under {@code layers/<snake_case class name>[_N]}, N counting the
 * earlier layers of the same class in model order, so the path is derived from the class and
 * position, never from the layer's {@code name}. Recurrent layers keep their variables on the
 * cell ({@code .../cell/vars/<i>}), wrappers on the wrapped layers, others directly ({@code
 * .../vars/<i>}); see {@link #varsPaths}.
 */
final class KerasV3Reader {
  static final String CONFIG_ENTRY = "config.json";
  static final String METADATA_ENTRY = "metadata.json";
  static final String WEIGHTS_ENTRY = "model.weights.h5";
  /** Keras 2.13–2.15 named the layer container differently; Keras 3 itself falls back to it. */
  private static final List<String> LAYER_CONTAINERS = List.of("layers", "_layer_checkpoint_dependencies");

  private KerasV3Reader() {}

  static RnnModel read(ZipContents zip, ReadOptions options) {
    JsonNode model = KerasConfig.json(CONFIG_ENTRY, utf8(zip.get(CONFIG_ENTRY)));
    String versionText = null;
    byte[] metadata = zip.get(METADATA_ENTRY);
    if (metadata != null) {
      JsonNode version = KerasConfig.json(METADATA_ENTRY, utf8(metadata)).get("keras_version");
      versionText = version == null || version.isNull() ? null : version.asText();
    }
    KerasConfig config = KerasConfig.parse(model, CONFIG_ENTRY, KerasVersion.parse(versionText, 3), options);
    byte[] weights = zip.get(WEIGHTS_ENTRY);
    if (weights == null) {
      if (zip.names().contains("model.weights.npz")) {
        throw new ModelFormatException("keeps its weights in model.weights.npz (saved with weights_format=\"npz\"),"
            + " which rnnscore does not read; re-save with the default weights_format=\"h5\"");
      }
      throw new ModelFormatException("has no " + WEIGHTS_ENTRY + " entry; entries: " + zip.namesText());
    }
    try (HdfFile file = Hdf5.open(weights, WEIGHTS_ENTRY)) {
      return config.build(source(file, WEIGHTS_ENTRY));
    } catch (ModelFormatException e) {
      throw e;
    } catch (RuntimeException e) {
      throw Hdf5.corrupt(WEIGHTS_ENTRY, e);
    }
  }

  /** True when an HDF5 file has Keras 3's layout (a layers container at the root). */
  static boolean hasLayerContainer(HdfFile file) {
    for (String container : LAYER_CONTAINERS) {
      if (Hdf5.childGroup(file, container) != null) {
        return true;
      }
    }
    return false;
  }

  /** The weights of Keras 3's layout in {@code file}, which messages call {@code what}. */
  static KerasConfig.WeightSource source(HdfFile file, String what) {
    return layer -> {
      List<WeightArray> arrays = new ArrayList<>();
      for (String relative : varsPaths(layer)) {
        arrays.addAll(vars(file, what, layer, relative));
      }
      return arrays;
    };
  }

  /**
   * The h5 paths of a layer's variables, relative to the layer container: saving_lib walks the
   * model's layers list, naming each by its snake_case class and a counter, then each layer's
   * saveable attributes by attribute name: a recurrent layer's {@code cell}, a Bidirectional's
   * {@code forward_layer} and {@code backward_layer}, a TimeDistributed's {@code layer}; each
   * layer kind says which ({@link LayerKind#weightGroups}).
   */
  static List<String> varsPaths(KerasConfig.LayerSpec layer) {
    String base = KerasConfig.snakeCase(layer.className) + (layer.classOrdinal == 0 ? "" : "_" + layer.classOrdinal);
    return layer.kind.weightGroups(layer, base);
  }

  private static List<WeightArray> vars(HdfFile file, String what, KerasConfig.LayerSpec layer, String relative) {
    Group vars = null;
    String path = null;
    for (String container : LAYER_CONTAINERS) {
      Node node = Hdf5.find(file, container + "/" + relative);
      if (node instanceof Group) {
        vars = (Group) node;
        path = container + "/" + relative;
        break;
      }
    }
    if (vars == null) {
      throw new ModelFormatException(what + " has no group layers/" + relative + " for layer '" + layer.name
          + "' (" + ordinal(layer.classOrdinal + 1) + " " + layer.className + " in layer order; Keras 3 files name"
          + " weight groups by class and position, not by layer name)");
    }
    Map<String, Node> children = vars.getChildren();
    List<WeightArray> arrays = new ArrayList<>();
    for (int i = 0; i < children.size(); i++) {
      Node node = children.get(String.valueOf(i));
      if (!(node instanceof Dataset)) {
        throw new ModelFormatException(what + " group " + path + " (layer '" + layer.name + "') holds "
            + Messages.list(children.keySet()) + "; expected datasets named 0 to " + (children.size() - 1));
      }
      arrays.add(Hdf5.weight((Dataset) node, path + "/" + i, what));
    }
    return arrays;
  }

  private static String ordinal(int n) {
    int mod100 = n % 100;
    String suffix = mod100 >= 11 && mod100 <= 13 ? "th" : n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
    return n + suffix;
  }

  private static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
