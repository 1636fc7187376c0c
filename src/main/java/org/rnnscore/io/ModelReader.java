package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import io.jhdf.HdfFile;
import java.util.Locale;
import java.util.function.Supplier;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.RnnModel;

/**
 * The one door into this package. The format is decided by the bytes, not the file name: users
 * rename files, and a ".h5" that is really an HTML error page must fail as "not a model", not as
 * an obscure HDF5 parse error. Every failure leaves here as a {@link ModelFormatException} whose
 * message starts with the display name, so the CLI and the Spark driver can show it as is; the
 * readers below throw unprefixed messages and this class adds the prefix in one place.
 *
 * <p>Three ways in: one file ({@code .h5} full model, {@code .keras}, {@code .npz}); the Keras 2
 * pair of an architecture JSON ({@code model.to_json()}) and a weights file ({@code
 * save_weights()}); and either with {@link ReadOptions} (the hard_sigmoid generation).
 */
public final class ModelReader {
  private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  private static final byte[] ZIP_LOCAL_HEADER = {'P', 'K', 3, 4};

  private ModelReader() {}

  /** As {@link #read(String, byte[], ReadOptions)} with the defaults: everything as the file says. */
  public static RnnModel read(String displayName, byte[] content) {
    return read(displayName, content, ReadOptions.DEFAULTS);
  }

  /**
   * Reads a model from a file's full contents, choosing the format by content (magic bytes), not
   * by extension: HDF5 signature -> Keras legacy full-model .h5; zip containing config.json ->
   * Keras 3 .keras; zip of .npy entries -> .npz. {@code displayName} (e.g. "sample-data/model.h5")
   * starts every error message.
   *
   * @throws ModelFormatException for any file that cannot be read as a supported model
   */
  public static RnnModel read(String displayName, byte[] content, ReadOptions options) {
    ReadOptions chosen = options == null ? ReadOptions.DEFAULTS : options;
    return prefixed(displayName, () -> dispatch(content, chosen));
  }

  /**
   * Reads a model saved in two files, as Keras 2 users often did: the architecture JSON from
   * {@code model.to_json()} and the weights from {@code model.save_weights("weights.h5")}. Each
   * error message starts with the name of the file at fault: {@code jsonName} for the
   * architecture, {@code weightsName} for the weights and for disagreements between the two.
   *
   * @throws ModelFormatException for any pair that cannot be read as a supported model
   */
  public static RnnModel read(String jsonName, byte[] json, String weightsName, byte[] weights, ReadOptions options) {
    ReadOptions chosen = options == null ? ReadOptions.DEFAULTS : options;
    JsonNode architecture = prefixed(jsonName, () -> KerasJsonWeightsReader.architecture(json));
    KerasJsonWeightsReader.Weights opened = prefixed(weightsName, () -> KerasJsonWeightsReader.open(weights));
    try (HdfFile file = opened.file()) {
      KerasConfig config = prefixed(jsonName, () -> KerasJsonWeightsReader.config(architecture, opened, chosen));
      return prefixed(weightsName, () -> config.build(opened.source()));
    }
  }

  private static <T> T prefixed(String displayName, Supplier<T> body) {
    try {
      return body.get();
    } catch (ModelFormatException e) {
      throw new ModelFormatException(displayName + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // A reader let a library exception through: still a clear, prefixed model error.
      throw new ModelFormatException(displayName + ": the file could not be read (" + describe(e) + ")", e);
    }
  }

  private static RnnModel dispatch(byte[] content, ReadOptions options) {
    if (content == null || content.length == 0) {
      throw new ModelFormatException("the file is empty (0 bytes); expected a Keras .h5, .keras or .npz file");
    }
    if (isHdf5(content)) {
      return KerasH5Reader.read(content, options);
    }
    if (isZip(content)) {
      ZipContents zip = ZipContents.read(content, ParseLimits.DEFAULTS);
      if (zip.names().contains(KerasV3Reader.CONFIG_ENTRY)) {
        return KerasV3Reader.read(zip, options);
      }
      if (NpzReader.looksLikeNpz(zip)) {
        return NpzReader.read(zip);
      }
      throw new ModelFormatException("a zip file that is neither a Keras 3 .keras file (no " + KerasV3Reader.CONFIG_ENTRY
          + ") nor an .npz (not all entries are .npy arrays); entries: " + zip.namesText());
    }
    throw new ModelFormatException("not a Keras .h5, .keras or .npz file (starts with bytes " + hexPrefix(content, 4) + ")");
  }

  static boolean isHdf5(byte[] content) {
    return startsWith(content, HDF5_SIGNATURE);
  }

  static boolean isZip(byte[] content) {
    return startsWith(content, ZIP_LOCAL_HEADER);
  }

  private static boolean startsWith(byte[] content, byte[] prefix) {
    if (content.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (content[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  static String hexPrefix(byte[] content, int count) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < Math.min(count, content.length); i++) {
      if (i > 0) {
        text.append(' ');
      }
      text.append(String.format(Locale.ROOT, "%02x", content[i] & 0xff));
    }
    return text.toString();
  }

  static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
  }
}
