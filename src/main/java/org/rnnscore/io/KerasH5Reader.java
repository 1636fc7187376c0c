package org.rnnscore.io;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.util.ArrayList;
import java.util.List;
import org.rnnscore.model.Messages;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.WeightArray;

/**
 * Reads Keras' legacy full-model HDF5 files (Keras 2.0+, tf.keras 2.x, Keras 3's legacy h5).
 * Weights are found the way Keras' own loader finds them, through the {@code layer_names} and
 * {@code weight_names} attributes, never by guessing paths: the dataset names changed with every
 * Keras generation ("simple_rnn_1/kernel:0", "simple_rnn/simple_rnn_cell/kernel:0",
 * "simple_rnn/simple_rnn_cell/kernel") while the attributes did not.
 */
final class KerasH5Reader {
  private static final String WHAT = "the file";

  private KerasH5Reader() {}

  static RnnModel read(byte[] content, ReadOptions options) {
    try (HdfFile file = Hdf5.open(content, WHAT)) {
      return read(file, options);
    } catch (ModelFormatException e) {
      throw e;
    } catch (RuntimeException e) {
      throw Hdf5.corrupt(WHAT, e);
    }
  }

  private static RnnModel read(HdfFile file, ReadOptions options) {
    String modelConfig = Hdf5.stringAttribute(file, "model_config");
    Group weights = Hdf5.childGroup(file, "model_weights");
    if (weights == null && Hdf5.stringListAttribute(file, "layer_names") != null) {
      weights = file; // weights-only layout: layer groups directly under the root
    }
    if (modelConfig == null) {
      if (weights != null || KerasV3Reader.hasLayerContainer(file)) {
        throw new ModelFormatException("has no model_config attribute: it holds weights only (saved with"
            + " save_weights); read it together with the architecture JSON saved by model.to_json(), or save the"
            + " whole model with model.save(\"model.h5\")");
      }
      throw new ModelFormatException("is an HDF5 file but not a Keras model: it has no model_config attribute"
          + " (root holds: " + (file.getChildren().isEmpty() ? "nothing" : Messages.list(file.getChildren().keySet()))
          + ")");
    }
    String kerasVersion = Hdf5.stringAttribute(file, "keras_version");
    KerasVersion version = KerasVersion.parse(kerasVersion, 2);
    String backend = Hdf5.stringAttribute(file, "backend");
    if (backend == null && weights != null) {
      backend = Hdf5.stringAttribute(weights, "backend");
    }
    KerasConfig config = KerasConfig.parse(KerasConfig.json("the model_config attribute", modelConfig),
        "the model_config attribute", version, options, backend);
    if (weights == null) {
      throw new ModelFormatException("has a model_config attribute but no model_weights group: the model was saved"
          + " without its weights");
    }
    return config.build(source(weights));
  }

  /**
   * The weights of the legacy layout below {@code weights} (a full model's {@code model_weights}
   * group, or the root of a save_weights file), found through layer_names and weight_names.
   */
  static KerasConfig.WeightSource source(Group weights) {
    List<String> layerNames = Hdf5.stringListAttribute(weights, "layer_names");
    if (layerNames == null) {
      throw new ModelFormatException(Hdf5.where(weights) + " has no layer_names attribute; expected the names of the"
          + " layers whose weights it holds");
    }
    return layer -> layerWeights(weights, layerNames, layer);
  }

  private static List<WeightArray> layerWeights(Group weights, List<String> layerNames, LayerSpec layer) {
    String where = Hdf5.where(weights);
    if (!layerNames.contains(layer.name)) {
      throw new ModelFormatException("layer '" + layer.name + "' has no weights in the file: the layer_names attribute"
          + " of " + where + " lists " + (layerNames.isEmpty() ? "no layers" : "'" + String.join("', '", layerNames) + "'"));
    }
    Group group = Hdf5.childGroup(weights, layer.name);
    if (group == null) {
      throw new ModelFormatException("layer '" + layer.name + "' is listed in the layer_names attribute of " + where
          + ", but there is no group '" + layer.name + "' there");
    }
    List<String> weightNames = Hdf5.stringListAttribute(group, "weight_names");
    if (weightNames == null) {
      throw new ModelFormatException(Hdf5.where(group) + " (layer '" + layer.name + "') has no weight_names attribute;"
          + " expected the names of its weight datasets");
    }
    List<WeightArray> arrays = new ArrayList<>();
    for (String weightName : weightNames) {
      Node node = Hdf5.find(group, weightName);
      if (!(node instanceof Dataset)) {
        throw new ModelFormatException("layer '" + layer.name + "' weight '" + weightName + "', listed in the"
            + " weight_names attribute of " + Hdf5.where(group) + ", is " + (node == null ? "missing" : "not a dataset"));
      }
      arrays.add(Hdf5.weight((Dataset) node, weightName, WHAT));
    }
    return arrays;
  }
}
