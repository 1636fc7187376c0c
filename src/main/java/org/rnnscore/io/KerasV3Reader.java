package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * .../vars/<i>}); see {@link #varsPaths}. tf.keras 2.13–2.15 wrote the same zip with its layer
 * groups elsewhere ({@link Layout}).
 */
final class KerasV3Reader {
  static final String CONFIG_ENTRY = "config.json";
  static final String METADATA_ENTRY = "metadata.json";
  static final String WEIGHTS_ENTRY = "model.weights.h5";
  /** Keras 3's layer container. */
  private static final String LAYERS = "layers";
  /**
   * tf.keras 2.13–2.15's: saving_lib walks the model's attributes in dir() order, and this dict
   * of the layers comes before {@code layers}.
   */
  private static final String CHECKPOINT_DEPENDENCIES = "_layer_checkpoint_dependencies";

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

  /** True when an HDF5 file has Keras 3's layout (a layers container at the root, in any of its forms). */
  static boolean hasLayerContainer(HdfFile file) {
    return Layout.of(file) != null;
  }

  /** The weights of Keras 3's layout in {@code file}, which messages call {@code what}. */
  static KerasConfig.WeightSource source(HdfFile file, String what) {
    Layout found = Layout.of(file);
    Layout layout = found != null ? found : new Layout(LAYERS, '/', false);
    return layer -> {
      List<WeightArray> arrays = new ArrayList<>();
      for (String relative : varsPaths(layer, layout.doubledOrdinals)) {
        arrays.addAll(vars(file, what, layer, relative, layout));
      }
      return arrays;
    };
  }

  /**
   * Where a file's layer groups lie: below {@code layers} (Keras 3) or {@code
   * _layer_checkpoint_dependencies} (tf.keras 2.13–2.15), as nested groups or, saved on Windows,
   * as root groups whose names join the path with backslashes ({@code
   * _layer_checkpoint_dependencies\lstm\cell}, holding {@code vars}): saving_lib joined with
   * os.path.join, and h5py took the backslashes as part of the name.
   *
   * @param doubledOrdinals the container counted each layer with weights twice: tf.keras'
   *     checkpoint dict lists it as {@code layer_with_weights-N} and again as {@code layer-I},
   *     and saving_lib's per-class counter counted the second (skipped) visit too, so the second
   *     LSTM is {@code lstm_2}. Seen in the groups themselves: a {@code <class>_2} without a
   *     {@code <class>_1}, which Keras 3's contiguous counter never writes.
   */
  record Layout(String container, char separator, boolean doubledOrdinals) {
    private static final Pattern ORDINAL = Pattern.compile("(.+)_([0-9]+)");

    /** The file's layout, or null when it has no layer container in any form. */
    static Layout of(Group root) {
      for (String container : List.of(LAYERS, CHECKPOINT_DEPENDENCIES)) {
        Group nested = Hdf5.childGroup(root, container);
        if (nested != null) {
          return new Layout(container, '/', doubled(nested.getChildren().keySet()));
        }
        String prefix = container + "\\";
        Set<String> layers = new HashSet<>();
        for (String name : root.getChildren().keySet()) {
          if (name.startsWith(prefix)) {
            layers.add(name.substring(prefix.length()).split("\\\\")[0]);
          }
        }
        if (!layers.isEmpty()) {
          return new Layout(container, '\\', doubled(layers));
        }
      }
      return null;
    }

    private static boolean doubled(Set<String> layerGroups) {
      for (String name : layerGroups) {
        Matcher m = ORDINAL.matcher(name);
        if (m.matches() && m.group(2).equals("2") && !layerGroups.contains(m.group(1) + "_1")) {
          return true;
        }
      }
      return false;
    }

    /** The path of the vars group {@code relative} ({@code <layer>[/<attribute>...]/vars}) in this layout. */
    String path(String relative) {
      String full = container + "/" + relative;
      if (separator == '/') {
        return full;
      }
      String group = full.substring(0, full.length() - "/vars".length());
      return group.replace('/', separator) + "/vars";
    }

    /** The group at {@link #path}, or null. */
    Group find(Group root, String relative) {
      String path = path(relative);
      int split = path.lastIndexOf('/');
      Node parent = separator == '/' ? Hdf5.find(root, path.substring(0, split))
          : root.getChildren().get(path.substring(0, split));
      Node vars = parent instanceof Group ? ((Group) parent).getChildren().get("vars") : null;
      return vars instanceof Group ? (Group) vars : null;
    }
  }

  /**
   * The h5 paths of a layer's variables, relative to the layer container: saving_lib walks the
   * model's layers list, naming each by its snake_case class and a counter, then each layer's
   * saveable attributes by attribute name: a recurrent layer's {@code cell}, a Bidirectional's
   * {@code forward_layer} and {@code backward_layer}, a TimeDistributed's {@code layer}; each
   * layer kind says which ({@link LayerKind#weightGroups}).
   */
  static List<String> varsPaths(LayerSpec layer) {
    return varsPaths(layer, false);
  }

  /** As {@link #varsPaths(LayerSpec)}, counted as {@link Layout#doubledOrdinals} says. */
  static List<String> varsPaths(LayerSpec layer, boolean doubledOrdinals) {
    int ordinal = doubledOrdinals ? layer.checkpointOrdinal : layer.classOrdinal;
    String base = KerasConfig.snakeCase(layer.className) + (ordinal == 0 ? "" : "_" + ordinal);
    return layer.kind.weightGroups(layer, base);
  }

  private static List<WeightArray> vars(HdfFile file, String what, LayerSpec layer, String relative,
      Layout layout) {
    Group vars = layout.find(file, relative);
    String path = layout.path(relative);
    if (vars == null) {
      throw new ModelFormatException(what + " has no group " + path + " for layer '" + layer.name
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
