package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import io.jhdf.HdfFile;
import io.jhdf.api.Group;
import java.nio.charset.StandardCharsets;
import org.rnnscore.model.Messages;
import org.rnnscore.model.ModelFormatException;

/**
 * Keras 2's habit of saving a model in two files: the architecture from {@code model.to_json()}
 * (the same JSON a full .h5 keeps in its model_config attribute) and the weights from {@code
 * model.save_weights("w.h5")}, an HDF5 file whose root carries {@code layer_names} and whose
 * layer groups carry {@code weight_names}, as in a full model's {@code model_weights} group.
 * Also accepted as the weights: a full-model .h5 (its model_weights group), and Keras 3's
 * {@code save_weights("x.weights.h5")} layout ({@code layers/<class>[_N]/.../vars}).
 *
 * <p>The steps are separate so that {@link ModelReader} can name the file at fault in each
 * message: the JSON for architecture problems, the weights file for weight problems.
 */
final class KerasJsonWeightsReader {
  private static final String WHAT = "the file";

  private KerasJsonWeightsReader() {}

  /** The weights file, opened, with where its weights lie. The caller closes {@link #file()}. */
  record Weights(HdfFile file, KerasConfig.WeightSource source, String kerasVersion, int layoutMajor) {}

  /** The architecture JSON. */
  static JsonNode architecture(byte[] json) {
    if (json == null || json.length == 0) {
      throw new ModelFormatException("the file is empty (0 bytes); expected the architecture JSON written by"
          + " model.to_json()");
    }
    if (ModelReader.isHdf5(json)) {
      throw new ModelFormatException("is an HDF5 file, not the architecture JSON; give the JSON from model.to_json()"
          + " first and the weights file from model.save_weights() second");
    }
    if (ModelReader.isZip(json)) {
      throw new ModelFormatException("is a zip file (.keras or .npz), not the architecture JSON; a .keras file holds"
          + " its own architecture and weights: read it alone");
    }
    return KerasConfig.json("the architecture JSON", new String(json, StandardCharsets.UTF_8));
  }

  /** Opens the weights file and finds its layout. */
  static Weights open(byte[] weights) {
    if (weights == null || weights.length == 0) {
      throw new ModelFormatException("the file is empty (0 bytes); expected the HDF5 weights file written by"
          + " model.save_weights()");
    }
    if (!ModelReader.isHdf5(weights)) {
      throw new ModelFormatException("is not an HDF5 weights file (starts with bytes " + ModelReader.hexPrefix(weights, 4)
          + "); expected the file written by model.save_weights(\"weights.h5\")");
    }
    HdfFile file = Hdf5.open(weights, WHAT);
    try {
      String version = Hdf5.stringAttribute(file, "keras_version");
      Group group = null;
      if (Hdf5.stringListAttribute(file, "layer_names") != null) {
        group = file;
      } else if (Hdf5.childGroup(file, "model_weights") != null) {
        group = Hdf5.childGroup(file, "model_weights");
        if (version == null) {
          version = Hdf5.stringAttribute(group, "keras_version");
        }
      }
      if (group != null) {
        return new Weights(file, KerasH5Reader.source(group), version, 2);
      }
      if (KerasV3Reader.hasLayerContainer(file)) {
        return new Weights(file, KerasV3Reader.source(file, WHAT), version, 3);
      }
      throw new ModelFormatException("holds no Keras weights: it has no layer_names attribute at the root, no"
          + " model_weights group and no layers group (root holds: " + (file.getChildren().isEmpty() ? "nothing"
          : Messages.list(file.getChildren().keySet())) + ")");
    } catch (RuntimeException e) {
      file.close();
      if (e instanceof ModelFormatException) {
        throw e;
      }
      throw Hdf5.corrupt(WHAT, e);
    }
  }

  /**
   * The architecture, checked. The Keras version comes from the JSON's keras_version (to_json
   * writes it), else the weights file's, else the weights' layout (2 for layer_names, 3 for
   * Keras 3's layers groups).
   */
  static KerasConfig config(JsonNode architecture, Weights weights, ReadOptions options) {
    JsonNode inJson = architecture.get("keras_version");
    String text = inJson != null && inJson.isTextual() ? inJson.asText() : weights.kerasVersion();
    KerasVersion version = KerasVersion.parse(text, weights.layoutMajor());
    return KerasConfig.parse(architecture, "the architecture JSON", version, options);
  }
}
