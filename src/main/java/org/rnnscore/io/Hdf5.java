package org.rnnscore.io;

import io.jhdf.HdfFile;
import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.WeightArray;

/**
 * The few HDF5 reads both Keras formats need, on top of jhdf, with Keras' conventions: strings
 * may be fixed- or variable-length (h5py writes both, depending on version), a long list
 * attribute may be split into {@code name0, name1, ...}, and weights may be float32 or float64.
 * jhdf reports problems lazily and with its own exception types; callers wrap those, this class
 * turns the Keras-level problems into messages that name the group, attribute or dataset.
 */
final class Hdf5 {
  private Hdf5() {}

  /**
   * Opens HDF5 bytes after checking the superblock's end-of-file address, so that a truncated
   * file fails with its sizes instead of with whichever object happens to lie past the end.
   *
   * @param what how messages name these bytes ("the file", "model.weights.h5")
   */
  static HdfFile open(byte[] content, String what) {
    long declared = declaredLength(content);
    if (declared == TOO_SHORT) {
      throw new ModelFormatException(what + " is truncated: " + content.length
          + " bytes, too short to hold an HDF5 superblock");
    }
    if (declared > content.length) {
      throw new ModelFormatException(what + " is truncated: its HDF5 superblock says it is " + declared
          + " bytes long, but it has " + content.length + " bytes");
    }
    try {
      return HdfFile.fromBytes(content);
    } catch (RuntimeException e) {
      throw corrupt(what, e);
    }
  }

  static ModelFormatException corrupt(String what, RuntimeException e) {
    return new ModelFormatException(what + " is not a readable HDF5 file (corrupt or truncated: "
        + ModelReader.describe(e) + ")", e);
  }

  private static final long TOO_SHORT = -2;

  /**
   * The superblock's base address + end-of-file address (HDF5 spec, "Format Signature and
   * Superblock"): the length the file had when written. {@link #TOO_SHORT} when the bytes end
   * inside the superblock; -1 when the superblock is of a version or offset size we cannot tell.
   */
  static long declaredLength(byte[] content) {
    if (content.length < 14) {
      return TOO_SHORT;
    }
    int version = content[8] & 0xff;
    int offsetSize;
    int baseAt;
    if (version == 0 || version == 1) {
      // sig(8) versions(4) reserved... offsets(1)@13 lengths(1) reserved(1) leafK(2) internalK(2) flags(4) [v1: 4 more]
      offsetSize = content[13] & 0xff;
      baseAt = version == 0 ? 24 : 28;
    } else if (version == 2 || version == 3) {
      // sig(8) version(1) offsets(1)@9 lengths(1) flags(1) then base@12
      offsetSize = content[9] & 0xff;
      baseAt = 12;
    } else {
      return -1;
    }
    if (offsetSize != 8 && offsetSize != 4) {
      return -1;
    }
    // base address, then (v0/v1) free-space address or (v2/v3) superblock extension address, then EOF.
    int eofAt = baseAt + 2 * offsetSize;
    if (eofAt + offsetSize > content.length) {
      return TOO_SHORT;
    }
    ByteBuffer buffer = ByteBuffer.wrap(content).order(ByteOrder.LITTLE_ENDIAN);
    long base = offsetSize == 8 ? buffer.getLong(baseAt) : buffer.getInt(baseAt) & 0xffffffffL;
    long eof = offsetSize == 8 ? buffer.getLong(eofAt) : buffer.getInt(eofAt) & 0xffffffffL;
    boolean undefined = offsetSize == 8 ? eof == -1L : eof == 0xffffffffL;
    if (undefined || base < 0 || eof < 0) {
      return -1;
    }
    return base + eof;
  }

  /** A string attribute (scalar, or a one-element array), or null when the node has none. */
  static String stringAttribute(Node node, String name) {
    Attribute attribute = node.getAttributes().get(name);
    if (attribute == null) {
      return null;
    }
    List<String> values = strings(node, name, attribute);
    if (values.size() != 1) {
      throw new ModelFormatException("attribute '" + name + "' of " + where(node) + " holds " + values.size()
          + " strings, expected one");
    }
    return values.get(0);
  }

  /**
   * A list-of-strings attribute, read as Keras writes it: whole, or split into {@code name0,
   * name1, ...} when too long for one object header. Null when neither form is present.
   */
  static List<String> stringListAttribute(Node node, String name) {
    Attribute whole = node.getAttributes().get(name);
    if (whole != null) {
      return strings(node, name, whole);
    }
    List<String> values = null;
    for (int chunk = 0; node.getAttributes().containsKey(name + chunk); chunk++) {
      if (values == null) {
        values = new ArrayList<>();
      }
      values.addAll(strings(node, name + chunk, node.getAttributes().get(name + chunk)));
    }
    return values;
  }

  private static List<String> strings(Node node, String name, Attribute attribute) {
    List<String> values = new ArrayList<>();
    if (attribute.isEmpty() || attribute.getSize() == 0) {
      // Keras writes an empty list for a weightless layer as an empty float array.
      return values;
    }
    Object data = attribute.getData();
    collect(data, values, node, name);
    return values;
  }

  private static void collect(Object data, List<String> values, Node node, String name) {
    if (data instanceof String) {
      values.add((String) data);
    } else if (data instanceof byte[]) {
      values.add(new String((byte[]) data, java.nio.charset.StandardCharsets.UTF_8));
    } else if (data != null && data.getClass().isArray()) {
      for (int i = 0; i < Array.getLength(data); i++) {
        collect(Array.get(data, i), values, node, name);
      }
    } else {
      throw new ModelFormatException("attribute '" + name + "' of " + where(node) + " holds "
          + (data == null ? "nothing" : data.getClass().getSimpleName()) + ", expected strings");
    }
  }

  /** A group child, or null when absent or not a group. */
  static Group childGroup(Group group, String name) {
    Node child = group.getChildren().get(name);
    return child instanceof Group ? (Group) child : null;
  }

  /** The node at a '/'-separated path below a group, or null when any step is absent. */
  static Node find(Group group, String path) {
    Node node = group;
    for (String step : path.split("/")) {
      if (step.isEmpty()) {
        continue;
      }
      if (!(node instanceof Group)) {
        return null;
      }
      node = ((Group) node).getChildren().get(step);
      if (node == null) {
        return null;
      }
    }
    return node;
  }

  /**
   * A float32/float64 dataset as a weight array.
   *
   * @param name the {@link WeightArray} name (messages say "dataset '...'" with its HDF5 path)
   * @param what how messages name the file holding the dataset
   */
  static WeightArray weight(Dataset dataset, String name, String what) {
    Class<?> type = dataset.getJavaType();
    if ((type == long.class || type == int.class || type == Long.class || type == Integer.class) && dataset.isScalar()) {
      // A counter kept among a layer's weights (tfmot's int64 pruning_step): one number, which no kind uses as a weight.
      return new WeightArray(name, new int[0], new float[] {((Number) dataset.getData()).floatValue()});
    }
    if (type != float.class && type != double.class && type != Float.class && type != Double.class) {
      throw new ModelFormatException("dataset '" + dataset.getPath() + "' in " + what + " holds " + type.getSimpleName()
          + " values (" + dataset.getDataType().getSize() + " bytes each), expected float32 or float64");
    }
    int[] shape = dataset.getDimensions();
    checkDeclaredSize(dataset.getPath(), what, shape, dataset.getSize(), MAX_WEIGHT_VALUES);
    float[] values;
    if (dataset.getSize() == 0) {
      values = new float[0];
    } else {
      Object flat = dataset.isScalar() ? dataset.getData() : dataset.getDataFlat();
      if (flat instanceof float[]) {
        values = (float[]) flat;
      } else if (flat instanceof double[]) {
        double[] doubles = (double[]) flat;
        values = new float[doubles.length];
        for (int i = 0; i < doubles.length; i++) {
          values[i] = (float) doubles[i];
        }
      } else if (flat instanceof Float) {
        values = new float[] {(Float) flat};
      } else if (flat instanceof Double) {
        values = new float[] {((Double) flat).floatValue()};
      } else {
        throw new ModelFormatException("dataset '" + dataset.getPath() + "' in " + what + " could not be read as numbers");
      }
    }
    return new WeightArray(name, shape, values);
  }

  /**
   * 2^28 values (1 GiB of float32): more than any recurrent model's weight, and less than a
   * driver heap can lose to one array. A file may declare any shape (chunked storage of
   * zeros compresses to nothing); reading past this would end in an OutOfMemoryError.
   */
  static final long MAX_WEIGHT_VALUES = 1L << 28;

  static void checkDeclaredSize(String path, String what, int[] shape, long size, long limit) {
    if (size > limit) {
      throw new ModelFormatException("dataset '" + path + "' in " + what + " declares shape "
          + java.util.Arrays.toString(shape) + " = " + size + " values, more than the " + limit
          + " a weight array may hold; the file is corrupt or not a recurrent model");
    }
  }

  static String where(Node node) {
    String path = node.getPath();
    return path == null || path.isEmpty() || path.equals("/") ? "the root group" : "group '" + trimSlash(path) + "'";
  }

  static String trimSlash(String path) {
    String trimmed = path.startsWith("/") ? path.substring(1) : path;
    return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
  }
}
