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
import org.rnnscore.model.ModelFormatException;

/**
 * The entries of a zip held in memory (.keras and .npz are both zips). Read from the bytes, never
 * extracted to disk: executors get the model as a broadcast byte array and may have no writable
 * scratch space. Each entry is inflated under a size limit, so a zip bomb posing as a model fails
 * with a message instead of exhausting the executor's heap.
 */
final class ZipContents {
  /** The most one entry may inflate to: far above any SimpleRNN→Dense model a batch job scores. */
  static final long DEFAULT_ENTRY_LIMIT = 1L << 30;

  private final Map<String, byte[]> entries;

  private ZipContents(Map<String, byte[]> entries) {
    this.entries = entries;
  }

  /**
   * @param entryLimit the most bytes one entry may inflate to
   * @throws ModelFormatException for a truncated or corrupt zip, a duplicated entry name or an
   *     entry larger than the limit
   */
  static ZipContents read(byte[] content, long entryLimit) {
    requireEndRecord(content);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    String current = null;
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(content))) {
      for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
        current = entry.getName();
        if (entry.isDirectory()) {
          continue;
        }
        if (entries.containsKey(current)) {
          throw new ModelFormatException("zip entry '" + current + "' appears twice; a model file names each entry once");
        }
        entries.put(current, readLimited(zip, current, entryLimit));
      }
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

  private static byte[] readLimited(InputStream in, String name, long limit) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
      total += n;
      if (total > limit) {
        throw new ModelFormatException("zip entry '" + name + "' inflates to more than " + limit
            + " bytes, the most this version reads for one entry; refusing it as a model file");
      }
      out.write(buffer, 0, n);
    }
    return out.toByteArray();
  }

  Set<String> names() {
    return Collections.unmodifiableSet(entries.keySet());
  }

  String namesText() {
    return String.join(", ", entries.keySet());
  }

  /** The entry's bytes, or null if the zip has no such entry. */
  byte[] get(String name) {
    return entries.get(name);
  }
}
