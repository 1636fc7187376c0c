package org.rnnscore.io;

/**
 * The Keras release that wrote a file, as far as the reader needs it: a few defaults and
 * behaviours changed between Keras 2.0–2.2, tf.keras / Keras 2.3+, and Keras 3.
 *
 * @param text the keras_version string as found ("2.1.3", "2.2.4-tf", "3.6.0"), or null when
 *     the file does not say
 * @param major 1, 2 or 3 (a fallback when the file does not say)
 * @param minor the minor version, or -1 when unknown
 * @param tfKeras the "-tf" suffix of tf.keras 2.0–2.5 releases ("2.2.4-tf")
 */
record KerasVersion(String text, int major, int minor, boolean tfKeras) {
  /** Parses a keras_version string; {@code fallbackMajor} when it is absent or unreadable. */
  static KerasVersion parse(String text, int fallbackMajor) {
    if (text == null || text.isBlank()) {
      return new KerasVersion(null, fallbackMajor, -1, false);
    }
    String trimmed = text.trim();
    String[] parts = trimmed.split("[^0-9]+", 3);
    int major = number(parts.length > 0 ? parts[0] : "", -1);
    if (major < 0) {
      return new KerasVersion(trimmed, fallbackMajor, -1, false);
    }
    int minor = parts.length > 1 ? number(parts[1], -1) : -1;
    return new KerasVersion(trimmed, major, minor, trimmed.endsWith("-tf"));
  }

  private static int number(String digits, int fallback) {
    try {
      return digits.isEmpty() ? fallback : Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  /**
   * tf.keras, Keras 2.3+ or Keras 3: the releases whose GRU defaults to reset_after=True and whose
   * Bidirectional forces zero_output_for_mask = return_sequences on its halves.
   */
  boolean modern() {
    return major >= 3 || tfKeras || major == 2 && minor >= 3;
  }
}
