package org.rnnscore.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.testing.KerasFileWriter;

/** Every parse limit refuses a file just beyond it, with a one-line message naming the limit. */
class ParseLimitsTest {
  @Test
  void defaults_areTheDocumentedLimits() {
    ParseLimits limits = ParseLimits.DEFAULTS;
    assertEquals(10_000, limits.maxZipEntries());
    assertEquals(2L * 1024 * 1024 * 1024, limits.maxZipTotalBytes());
    assertEquals(1L * 1024 * 1024 * 1024, limits.maxZipEntryBytes());
    assertEquals(500, limits.maxJsonNesting());
    assertEquals(20_000_000, limits.maxJsonStringChars());
  }

  /** Item 20's zip bomb, scaled down: 8 entries each under the per-entry bound, together over the total. */
  @Test
  void read_entriesEachUnderTheEntryLimitButOverTheTotal_refusedNamingTheTotal() {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    for (int i = 0; i < 8; i++) {
      entries.put("w" + i + ".npy", new byte[896]);
    }
    byte[] zip = KerasFileWriter.zip(entries, true);
    ParseLimits limits = new ParseLimits(10_000, 2048, 1024, 500, 20_000_000);

    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ZipContents.read(zip, limits));

    assertEquals("the zip file inflates to more than 2048 bytes in all (1792 bytes before entry 'w2.npy'), the most"
        + " this version reads for one model file; refusing it as a model file", e.getMessage());
  }

  @Test
  void read_totalExactlyAtTheLimit_accepted() {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("a.npy", new byte[1024]);
    entries.put("b.npy", new byte[1024]);
    ParseLimits limits = new ParseLimits(10_000, 2048, 1024, 500, 20_000_000);

    assertEquals(2, ZipContents.read(KerasFileWriter.zip(entries, true), limits).names().size());
  }

  @Test
  void read_moreEntriesThanTheLimit_refusedWithABoundedMessage() {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    for (int i = 0; i <= 10_000; i++) {
      entries.put("e" + i, new byte[0]);
    }

    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> ModelReader.read("many.keras", KerasFileWriter.zip(entries, false)));

    assertEquals("many.keras: the zip file has more than 10000 entries, the most rnnscore reads in a model file (first"
        + " entries: e0, e1, e2, e3, e4, e5, e6, e7, e8, e9 and 9990 more (10000 in all))", e.getMessage());
  }

  @Test
  void read_zipOfManyEntriesThatIsNoModel_listsTheFirstTenAndACount() {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    for (int i = 0; i < 5_000; i++) {
      entries.put("file-" + i + ".txt", new byte[] {1});
    }

    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> ModelReader.read("a.zip", KerasFileWriter.zip(entries, true)));

    assertEquals("a.zip: a zip file that is neither a Keras 3 .keras file (no config.json) nor an .npz (not all"
        + " entries are .npy arrays); entries: file-0.txt, file-1.txt, file-2.txt, file-3.txt, file-4.txt, file-5.txt,"
        + " file-6.txt, file-7.txt, file-8.txt, file-9.txt and 4990 more (5000 in all)", e.getMessage());
    assertTrue(e.getMessage().length() < 400, "bounded: " + e.getMessage().length());
  }

  @Test
  void json_nestedBeyondTheLimit_refusedNamingTheLimit() {
    ModelFormatException e = assertThrows(ModelFormatException.class,
        () -> KerasConfig.json("config.json", "[".repeat(501) + "]".repeat(501)));

    assertEquals("config.json is beyond what rnnscore reads in a model config: it nests objects and arrays deeper"
        + " than 500 levels", e.getMessage());
  }

  @Test
  void json_nestedExactlyToTheLimit_parses() {
    assertTrue(KerasConfig.json("config.json", "[".repeat(500) + "]".repeat(500)).isArray());
  }

  @Test
  void json_stringBeyondTheLimit_refusedNamingTheLimit() {
    String text = "{\"name\": \"" + "x".repeat(20_000_001) + "\"}";

    ModelFormatException e = assertThrows(ModelFormatException.class, () -> KerasConfig.json("config.json", text));

    assertEquals("config.json is beyond what rnnscore reads in a model config: it holds a string longer than"
        + " 20000000 characters", e.getMessage());
  }

  @Test
  void json_stringAtTheLimit_parses() {
    String text = "{\"name\": \"" + "x".repeat(20_000_000) + "\"}";

    assertEquals(20_000_000, KerasConfig.json("config.json", text).get("name").asText().length());
  }
}
