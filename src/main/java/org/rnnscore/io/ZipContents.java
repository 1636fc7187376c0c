package org.rnnscore.io;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import org.rnnscore.model.Messages;
import org.rnnscore.model.ModelFormatException;

/**
 * The entries of a zip held in memory (.keras and .npz are both zips). Read from the bytes, never
 * extracted to disk: executors get the model as a broadcast byte array and may have no writable
 * scratch space. The zip is inflated under {@link ParseLimits} (entries, bytes per entry, bytes in
 * all), so a zip bomb posing as a model fails with a message instead of exhausting the heap.
 */
final class ZipContents {
  private final Map<String, byte[]> entries;

  private ZipContents(Map<String, byte[]> entries) {
    this.entries = entries;
  }

  /**
   * @throws ModelFormatException for a truncated or corrupt zip, a duplicated entry name, or a zip
   *     beyond one of the limits (each message names the limit)
   */
  static ZipContents read(byte[] content, ParseLimits limits) {
    requireEndRecord(content);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    String current = null;
    int seen = 0;
    long inflated = 0;
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(content))) {
      for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
        current = entry.getName();
        if (++seen > limits.maxZipEntries()) {
          throw new ModelFormatException("the zip file has more than " + limits.maxZipEntries()
              + " entries, the most rnnscore reads in a model file (first entries: " + Messages.list(
                  entries.keySet()) + ")");
        }
        if (entry.isDirectory()) {
          continue;
        }
        if (entries.containsKey(current)) {
          throw new ModelFormatException("zip entry '" + current + "' appears twice; a model file names each entry once");
        }
        long budget = Math.min(limits.maxZipEntryBytes(), limits.maxZipTotalBytes() - inflated);
        byte[] bytes = readLimited(zip, current, budget, limits, inflated);
        inflated += bytes.length;
        entries.put(current, bytes);
      }
    } catch (OutOfMemoryError e) {
      // One large inflation buffer could not be had: the heap is intact once it is dropped.
      throw new ModelFormatException("inflating the zip needs more memory than this JVM has (at entry '" + current
          + "', " + inflated + " bytes inflated before it); the file is not a model rnnscore can read with this heap",
          e);
    } catch (ZipException e) {
      throw new ModelFormatException("the zip data is corrupt" + where(current) + " (" + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw new ModelFormatException("the zip data is truncated or corrupt" + where(current) + " ("
          + ModelReader.describe(e) + ")", e);
    }
    if (entries.isEmpty()) {
      throw new ModelFormatException("the zip file holds no entries; expected a Keras .keras or .npz file");
    }
    return new ZipContents(entries);
  }

  private static String where(String entry) {
    return entry == null ? "" : " in entry '" + entry + "'";
  }

  /**
   * A zip ends with an end-of-central-directory record (PK 05 06, within the last 64 KiB + 22
   * bytes). The streaming reader never needs it, so without this check a file cut off between
   * two entries would silently read as a smaller zip.
   */
  private static void requireEndRecord(byte[] content) {
    int lowest = Math.max(0, content.length - (0xffff + 22));
    for (int i = content.length - 22; i >= lowest; i--) {
      if (content[i] == 'P' && content[i + 1] == 'K' && content[i + 2] == 5 && content[i + 3] == 6) {
        return;
      }
    }
    throw new ModelFormatException("the zip file is truncated: it has no end-of-central-directory record ("
        + content.length + " bytes read; a complete zip file ends with one)");
  }

  /**
   * Inflates one entry, refusing it once it passes {@code budget}: the per-entry limit, or what
   * is left of the total, whichever is less.
   */
  private static byte[] readLimited(InputStream in, String name, long budget, ParseLimits limits, long before)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      total += n;
      if (total > budget) {
        if (total > limits.maxZipEntryBytes()) {
          throw new ModelFormatException("zip entry '" + name + "' inflates to more than " + limits.maxZipEntryBytes()
              + " bytes, the most this version reads for one entry; refusing it as a model file");
        }
        throw new ModelFormatException("the zip file inflates to more than " + limits.maxZipTotalBytes()
            + " bytes in all (" + before + " bytes before entry '" + name + "'), the most this version reads for one"
            + " model file; refusing it as a model file");
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  Set<String> names() {
    return Collections.unmodifiableSet(entries.keySet());
  }

  /** The entry names for a message: the first few, then a count. */
  String namesText() {
    return Messages.list(entries.keySet());
  }

  /** The entry's bytes, or null if the zip has no such entry. */
  byte[] get(String name) {
    return entries.get(name);
  }
}
