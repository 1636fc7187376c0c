package org.rnnscore.job;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Hides the values of secret-looking settings ({@code fs.s3a.secret.key}, passwords, tokens,
 * credentials) wherever rnnscore writes what it was given: the Parquet footer's
 * {@code rnnscore.options}, --metrics and its messages. Spark's own redaction text.
 */
public final class Redaction {
  /** Keys whose values are secret, case-insensitive: Spark's default and the usual credential names. */
  public static final Pattern KEY_PATTERN = Pattern.compile(
      "(?i)secret|password|passwd|token|credential|access[._-]?key|api[._-]?key|(^|[._-])key$");
  public static final String REDACTED = "*********(redacted)";
  /** Values this short are not searched for in free text: they would hide ordinary words. */
  private static final int MIN_SECRET_LENGTH = 4;

  private final List<String> secrets;

  private Redaction(List<String> secrets) {
    this.secrets = secrets;
  }

  public static final Redaction NONE = new Redaction(List.of());

  /**
   * The secret values among {@code settings} (key to value) and among the {@code spark.*} system
   * properties (where spark-submit puts its own --conf settings).
   */
  public static Redaction of(Map<String, String> settings) {
    Map<String, String> all = new java.util.LinkedHashMap<>();
    System.getProperties().forEach((key, value) -> {
      if (key instanceof String name && name.startsWith("spark.") && value instanceof String text) {
        all.put(name, text);
      }
    });
    all.putAll(settings);
    List<String> secrets = new ArrayList<>();
    all.forEach((key, value) -> {
      if (isSecretKey(key) && value != null && value.length() >= MIN_SECRET_LENGTH) {
        secrets.add(value);
      }
    });
    // Longest first, so that a secret containing another is hidden whole.
    secrets.sort((a, b) -> Integer.compare(b.length(), a.length()));
    return new Redaction(List.copyOf(secrets));
  }

  public static boolean isSecretKey(String key) {
    return KEY_PATTERN.matcher(key).find();
  }

  /** {@code text} with every secret value replaced by {@value #REDACTED}; null stays null. */
  public String redact(String text) {
    if (text == null) {
      return null;
    }
    String result = text;
    for (String secret : secrets) {
      result = result.replace(secret, REDACTED);
    }
    return result;
  }

  /**
   * A command line with the values of secret --conf settings hidden: {@code --conf KEY=VALUE}
   * and {@code --conf=KEY=VALUE}, and any other value this redaction knows.
   */
  public String redactArgs(Collection<String> args) {
    List<String> out = new ArrayList<>();
    boolean confValue = false;
    for (String arg : args) {
      if (confValue) {
        out.add(redactSetting(arg));
      } else if (arg.startsWith("--conf=")) {
        out.add("--conf=" + redactSetting(arg.substring("--conf=".length())));
      } else {
        out.add(redact(arg));
      }
      confValue = arg.equals("--conf");
    }
    return String.join(" ", out);
  }

  private String redactSetting(String setting) {
    int eq = setting.indexOf('=');
    if (eq > 0 && isSecretKey(setting.substring(0, eq))) {
      return setting.substring(0, eq + 1) + REDACTED;
    }
    return redact(setting);
  }
}
