package org.rnnscore.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.TreeSet;
import org.rnnscore.model.UsageException;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --config FILE}: defaults for a command's long options, keyed by the option's name
 * without dashes. A key that names no option of the command is refused, with the closest option:
 * silently ignoring {@code batchsize=7} would change what a run does without a word.
 */
final class ConfigDefaults {
  private final Path file;
  private final Properties properties;

  private ConfigDefaults(Path file, Properties properties) {
    this.file = file;
    this.properties = properties;
  }

  /** The --config file named in {@code args}, or null; read, not yet checked. */
  static ConfigDefaults fromArgs(String[] args) {
    String location = valueOf(args, "--config");
    if (location == null) {
      return null;
    }
    Path file = Path.of(location);
    if (!Files.isRegularFile(file)) {
      throw new UsageException("--config " + location + " is not a readable file");
    }
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException("--config " + location + " cannot be read: " + e.getMessage(), e);
    }
    return new ConfigDefaults(file, properties);
  }

  /** The value of {@code --name VALUE} or {@code --name=VALUE} in {@code args} (the last), or null. */
  static String valueOf(String[] args, String name) {
    String value = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(name) && i + 1 < args.length) {
        value = args[i + 1];
      } else if (args[i].startsWith(name + "=")) {
        value = args[i].substring(name.length() + 1);
      }
    }
    return value;
  }

  /** The file's value for an option ({@code metrics}, say), or null. */
  String get(String key) {
    return properties.getProperty(key);
  }

  CommandLine.IDefaultValueProvider provider() {
    return new CommandLine.PropertiesDefaultProvider(properties);
  }

  /** @throws UsageException naming each key that is no option of {@code command}, and the closest option */
  void check(CommandLine command) {
    List<String> options = new ArrayList<>();
    for (OptionSpec option : command.getCommandSpec().options()) {
      options.add(option.longestName().replaceFirst("^-+", ""));
    }
    List<String> unknown = new ArrayList<>();
    for (String key : new TreeSet<>(properties.stringPropertyNames())) {
      if (!options.contains(key)) {
        unknown.add("'" + key + "' (did you mean '" + closest(key, options) + "'?)");
      }
    }
    if (!unknown.isEmpty()) {
      throw new UsageException("--config " + file + ": " + String.join(", ", unknown)
          + (unknown.size() == 1 ? " is not an option" : " are not options") + " of " + command.getCommandName()
          + "; keys are its long options without the dashes");
    }
  }

  static String closest(String key, List<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int distance = editDistance(key.toLowerCase(Locale.ROOT), candidate);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best;
  }

  /** Levenshtein distance: insertions, deletions and substitutions. */
  static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
