package org.rnnscore.io;

import java.util.Locale;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.RnnModel;

/**
 * The one door into this package. The format is decided by the bytes, not the file name: users
 * rename files, and a ".h5" that is really an HTML error page must fail as "not a model", not as
 * an obscure HDF5 parse error. Every failure leaves here as a {@link ModelFormatException} whose
 * message starts with the display name, so the CLI and the Spark driver can show it as is; the
 * readers below throw unprefixed messages and this class adds the prefix in one place.
 */
public final class ModelReader {
  private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  private static final byte[] ZIP_LOCAL_HEADER = {'P', 'K', 3, 4};

  private ModelReader() {}

  /**
   * Reads a model from a file's full contents, choosing the format by content (magic bytes), not
   * by extension: HDF5 signature -> Keras legacy full-model .h5; zip containing config.json ->
   * Keras 3 .keras; zip of .npy entries -> .npz. {@code displayName} (e.g. "sample-data/model.h5")
   * starts every error message.
   *
   * @throws ModelFormatException for any file that cannot be read as a supported model
   */
  public static RnnModel read(String displayName, byte[] content) {
    try {
      return dispatch(content);
    } catch (ModelFormatException e) {
      throw new ModelFormatException(displayName + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // A reader let a library exception through: still a clear, prefixed model error.
      throw new ModelFormatException(displayName + ": the file could not be read (" + describe(e) + ")", e);
    }
  }

  private static RnnModel dispatch(byte[] content) {
    if (content == null || content.length == 0) {
      throw new ModelFormatException("the file is empty (0 bytes); expected a Keras .h5, .keras or .npz file");
    }
    if (startsWith(content, HDF5_SIGNATURE)) {
      return KerasH5Reader.read(content);
    }
    if (startsWith(content, ZIP_LOCAL_HEADER)) {
      ZipContents zip = ZipContents.read(content, ZipContents.DEFAULT_ENTRY_LIMIT);
      if (zip.names().contains(KerasV3Reader.CONFIG_ENTRY)) {
        return KerasV3Reader.read(zip);
      }
      if (NpzReader.looksLikeNpz(zip)) {
        return NpzReader.read(zip);
      }
      throw new ModelFormatException("a zip file that is neither a Keras 3 .keras file (no " + KerasV3Reader.CONFIG_ENTRY
          + ") nor an .npz (not all entries are .npy arrays); entries: " + zip.namesText());
    }
    throw new ModelFormatException("not a Keras .h5, .keras or .npz file (starts with bytes " + hexPrefix(content, 4) + ")");
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
