package org.rnnscore.model;

/**
 * Helpers that keep every error message one readable line, whatever the file or input holds: a
 * zip of 100,000 entries or a table of 5,000 columns is listed by its first few names and a count.
 */
public final class Messages {
  /** How many names a message lists before it only counts the rest. */
  public static final int NAMES_LISTED = 10;

  private Messages() {}

  /** "a, b, c" for up to {@link #NAMES_LISTED} names, then "… and N more (M in all)". */
  public static String list(Iterable<String> names) {
    StringBuilder text = new StringBuilder();
    int count = 0;
    for (String name : names) {
      if (count < NAMES_LISTED) {
        text.append(count == 0 ? "" : ", ").append(name);
      }
      count++;
    }
    if (count > NAMES_LISTED) {
      text.append(" and ").append(count - NAMES_LISTED).append(" more (").append(count).append(" in all)");
    }
    return text.toString();
  }

  /** {@link #list(Iterable)} of an array. */
  public static String list(String... names) {
    return list(java.util.Arrays.asList(names));
  }

  /** A byte count for a message: "812 B", "3.4 KiB", "1.2 MiB", "512 MiB", "2.0 GiB". */
  public static String bytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return value == Math.rint(value) ? String.format(java.util.Locale.ROOT, "%.0f %s", value, units[unit])
        : String.format(java.util.Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
