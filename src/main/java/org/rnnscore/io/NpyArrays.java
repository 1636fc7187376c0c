package org.rnnscore.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.WeightArray;

/**
 * Parses one .npy array (NumPy's format, versions 1.0 to 3.0) into a {@link WeightArray}.
 *
 * <p>Hand-parsed on purpose. The only JVM library on Maven Central, org.jetbrains.bio:npy
 * (0.3.5, last released 2021), reads only from a file path (we hold bytes from a broadcast or a
 * zip entry, and would need temp files on every executor), does not expose {@code fortran_order}
 * (so a Fortran-order array could not be refused and would be read transposed), and brings the
 * Kotlin 1.4 standard library (1.5 MB) onto Spark's classpath. The subset needed here is small
 * and fully specified: a magic string, a little-endian header length and a Python dict literal
 * with three keys, followed by the raw values.
 */
final class NpyArrays {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
  private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

  private NpyArrays() {}

  /**
   * @param name the array's name, used as the {@link WeightArray} name and in messages
   * @throws ModelFormatException for anything but a C-order float32/float64 array
   */
  static WeightArray parse(String name, byte[] npy) {
    if (npy.length < 10 || !startsWithMagic(npy)) {
      throw new ModelFormatException("array '" + name + "' is not in .npy format (starts with bytes "
          + ModelReader.hexPrefix(npy, 6) + ", expected 93 4e 55 4d 50 59 = \\x93NUMPY)");
    }
    int major = npy[6] & 0xff;
    ByteBuffer buffer = ByteBuffer.wrap(npy).order(ByteOrder.LITTLE_ENDIAN);
    long headerLength;
    int headerStart;
    if (major == 1) {
      headerLength = buffer.getShort(8) & 0xffff;
      headerStart = 10;
    } else if (major == 2 || major == 3) {
      if (npy.length < 12) {
        throw truncated(name, npy.length, 12);
      }
      headerLength = buffer.getInt(8) & 0xffffffffL;
      headerStart = 12;
    } else {
      throw new ModelFormatException("array '" + name + "' has .npy format version " + major + "." + (npy[7] & 0xff)
          + ", expected 1.0, 2.0 or 3.0");
    }
    if (headerStart + headerLength > npy.length) {
      throw new ModelFormatException("array '" + name + "' is truncated: its .npy header is " + headerLength
          + " bytes long but the entry holds " + (npy.length - headerStart) + " bytes after the preamble");
    }
    String header = new String(npy, headerStart, (int) headerLength,
        major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).trim();
    String descr = find(DESCR, header, name, "descr");
    String fortran = find(FORTRAN, header, name, "fortran_order");
    int[] shape = parseShape(name, find(SHAPE, header, name, "shape"));
    if (fortran.equals("True")) {
      throw new ModelFormatException("array '" + name + "' is stored in Fortran (column-major) order; expected C order"
          + " (save it with np.ascontiguousarray(...) first)");
    }
    ByteOrder order;
    int itemSize;
    switch (descr) {
      case "<f4":
      case "|f4":
      case "=f4":
        order = ByteOrder.LITTLE_ENDIAN;
        itemSize = 4;
        break;
      case ">f4":
        order = ByteOrder.BIG_ENDIAN;
        itemSize = 4;
        break;
      case "<f8":
      case "=f8":
        order = ByteOrder.LITTLE_ENDIAN;
        itemSize = 8;
        break;
      case ">f8":
        order = ByteOrder.BIG_ENDIAN;
        itemSize = 8;
        break;
      default:
        throw new ModelFormatException("array '" + name + "' has dtype '" + descr
            + "', expected float32 ('<f4') or float64 ('<f8')");
    }
    long count = 1;
    for (int dim : shape) {
      count *= dim;
    }
    long dataStart = headerStart + headerLength;
    long available = npy.length - dataStart;
    if (available < count * itemSize) {
      throw new ModelFormatException("array '" + name + "' is truncated: shape " + WeightArray.shapeText(shape)
          + " of " + descr + " needs " + count * itemSize + " bytes of data, the entry holds " + available);
    }
    if (count > Integer.MAX_VALUE - 8) {
      throw new ModelFormatException("array '" + name + "' has " + count + " values, more than one weight array can hold");
    }
    ByteBuffer data = ByteBuffer.wrap(npy, (int) dataStart, (int) (count * itemSize)).slice().order(order);
    float[] values = new float[(int) count];
    for (int i = 0; i < values.length; i++) {
      values[i] = itemSize == 4 ? data.getFloat(i * 4) : (float) data.getDouble(i * 8);
    }
    return new WeightArray(name, shape, values);
  }

  private static boolean startsWithMagic(byte[] npy) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (npy[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  private static ModelFormatException truncated(String name, int length, int needed) {
    return new ModelFormatException("array '" + name + "' is truncated: " + length + " bytes, less than the "
        + needed + "-byte .npy preamble");
  }

  private static String find(Pattern pattern, String header, String name, String key) {
    Matcher matcher = pattern.matcher(header);
    if (!matcher.find()) {
      throw new ModelFormatException("array '" + name + "' has a .npy header without a readable '" + key + "' entry: "
          + header);
    }
    return matcher.group(1);
  }

  private static int[] parseShape(String name, String text) {
    List<Integer> dims = new ArrayList<>();
    for (String part : text.split(",")) {
      String trimmed = part.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      String digits = trimmed.endsWith("L") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
      try {
        dims.add(Integer.parseInt(digits));
      } catch (NumberFormatException e) {
        throw new ModelFormatException("array '" + name + "' has a .npy shape that is not a tuple of integers: (" + text
            + ")", e);
      }
    }
    return dims.stream().mapToInt(Integer::intValue).toArray();
  }
}
