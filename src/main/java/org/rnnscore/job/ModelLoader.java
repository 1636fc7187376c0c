package org.rnnscore.job;

import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.rnnscore.io.ModelReader;
import org.rnnscore.io.ReadOptions;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.UsageException;

/**
 * Reads a model file from any Hadoop path (local, HDFS, S3A, ...) on the driver. Executors never
 * open it: they get the weights by broadcast, so the file need not exist on workers.
 */
public final class ModelLoader {
  /** Larger than any SimpleRNN→Dense model a JVM could broadcast; refuses before reading. */
  static final long MAX_MODEL_BYTES = 1L << 30;

  private ModelLoader() {}

  public static RnnModel load(String location, Configuration hadoopConf) {
    return load(location, null, ReadOptions.DEFAULTS, hadoopConf);
  }

  /**
   * @param weights null for a full-model file; else the weights-only .h5 that goes with a
   *     {@code model.to_json()} architecture file at {@code location}
   */
  public static RnnModel load(String location, String weights, ReadOptions options, Configuration hadoopConf) {
    return loadWithProvenance(location, weights, options, hadoopConf).model();
  }

  /** A model and where it came from: file, format and the sha256 of its bytes (weights file included). */
  public record Loaded(RnnModel model, String file, String format, String sha256) {}

  public static Loaded loadWithProvenance(String location, String weights, ReadOptions options,
      Configuration hadoopConf) {
    byte[] content = readAll(location, "--model", hadoopConf);
    MessageDigest digest = sha256();
    digest.update(content);
    if (weights == null) {
      RnnModel model = ModelReader.read(location, content, options);
      return new Loaded(model, location, formatOf(content), HexFormat.of().formatHex(digest.digest()));
    }
    byte[] weightContent = readAll(weights, "--weights", hadoopConf);
    digest.update(weightContent);
    RnnModel model = ModelReader.read(location, content, weights, weightContent, options);
    return new Loaded(model, location + " + " + weights, "keras-json+h5", HexFormat.of().formatHex(digest.digest()));
  }

  private static String formatOf(byte[] content) {
    if (content.length >= 4 && content[1] == 'H' && content[2] == 'D' && content[3] == 'F') {
      return "keras-h5";
    }
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(content))) {
      for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
        if (entry.getName().equals("config.json")) {
          return "keras";
        }
      }
    } catch (IOException e) {
      return "unknown";
    }
    return "npz";
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  static byte[] readAll(String location, String option, Configuration hadoopConf) {
    PathGuards.requireNoColon(option, location);
    Path path = new Path(location);
    try {
      FileSystem fs = path.getFileSystem(hadoopConf);
      FileStatus status;
      try {
        status = fs.getFileStatus(path);
      } catch (FileNotFoundException e) {
        throw new UsageException(option + " " + location + " does not exist");
      }
      if (status.isDirectory()) {
        throw new UsageException(option + " " + location + " is a directory, expected a .h5, .keras or .npz file");
      }
      if (!status.isFile() || !isRegularLocalFile(fs, path)) {
        // Opening a FIFO blocks until a writer comes (forever); Hadoop's local status calls it a file.
        throw new ModelFormatException(location + ": not a regular file (a FIFO, device or socket); " + option
            + " must name a .h5, .keras or .npz file");
      }
      if (status.getLen() > MAX_MODEL_BYTES) {
        throw new ModelFormatException(location + ": the file has " + status.getLen() + " bytes, more than the "
            + MAX_MODEL_BYTES + " a SimpleRNN→Dense model can sensibly need");
      }
      byte[] content = new byte[(int) status.getLen()];
      try (InputStream in = fs.open(path)) {
        int read = in.readNBytes(content, 0, content.length);
        if (read != content.length) {
          throw new ModelFormatException(location + ": read " + read + " of " + content.length
              + " bytes; the file changed while it was read");
        }
      }
      return content;
    } catch (IOException e) {
      throw new UsageException(option + " " + location + " cannot be read: " + e.getMessage(), e);
    }
  }

  /** On the local filesystem, whether the file is a regular one (not a FIFO, device or socket); elsewhere true. */
  private static boolean isRegularLocalFile(FileSystem fs, Path path) {
    java.net.URI uri = fs.makeQualified(path).toUri();
    if (!"file".equals(uri.getScheme())) {
      return true;
    }
    return java.nio.file.Files.isRegularFile(java.nio.file.Paths.get(uri));
  }
}
