package org.rnnscore.io;

/**
 * The most a model file may make rnnscore read, so that a hostile or corrupt file fails with a
 * message naming the limit instead of exhausting the driver's (or an executor's) heap or stack.
 * Each is far above any recurrent model we know of; the README lists them.
 *
 * @param maxZipEntries entries of a .keras or .npz zip (directories included)
 * @param maxZipTotalBytes bytes all entries of a zip may inflate to together
 * @param maxZipEntryBytes bytes one entry may inflate to
 * @param maxJsonNesting the deepest a model config's JSON may nest objects and arrays
 * @param maxJsonStringChars the longest string a model config's JSON may hold
 */
public record ParseLimits(int maxZipEntries, long maxZipTotalBytes, long maxZipEntryBytes, int maxJsonNesting,
    int maxJsonStringChars) {
  /** 10,000 entries; 2 GiB inflated in all, 1 GiB per entry; JSON nesting 500, strings 20 MB. */
  public static final ParseLimits DEFAULTS = new ParseLimits(10_000, 2L << 30, 1L << 30, 500, 20_000_000);
}
