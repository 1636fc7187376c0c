package org.rnnscore.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.rnnscore.job.ModelLoader;
import org.rnnscore.model.UsageException;

/**
 * score's --named-model NAME=PATH (repeatable) and the per-model forms of --weights and
 * --timesteps (NAME=VALUE). A value splits at its first '=': a name cannot contain one, and a
 * Hadoop path may.
 */
final class NamedModels {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

  private final Map<String, String> paths;
  private final Map<String, String> weights;
  private final Map<String, Integer> timesteps;

  private NamedModels(Map<String, String> paths, Map<String, String> weights, Map<String, Integer> timesteps) {
    this.paths = paths;
    this.weights = weights;
    this.timesteps = timesteps;
  }

  static NamedModels parse(List<String> namedModels, List<String> timestepValues, ModelOptions modelOptions) {
    if (modelOptions.model != null) {
      throw new UsageException("give --model FILE or --named-model NAME=PATH (repeatable), not both");
    }
    Map<String, String> paths = new LinkedHashMap<>();
    for (String value : namedModels) {
      int eq = value.indexOf('=');
      String name = eq < 0 ? "" : value.substring(0, eq);
      String path = eq < 0 ? "" : value.substring(eq + 1);
      if (!NAME.matcher(name).matches() || path.isEmpty()) {
        throw new UsageException("--named-model '" + value + "' is not NAME=PATH with NAME [a-z][a-z0-9_]* (it names"
            + " the model's columns)");
      }
      if (paths.put(name, path) != null) {
        throw new UsageException("--named-model names '" + name + "' twice; each model needs its own name");
      }
    }
    Map<String, String> weights = new LinkedHashMap<>();
    for (String value : modelOptions.weightList == null ? List.<String>of() : modelOptions.weightList) {
      String[] pair = perModel("--weights", value, paths);
      weights.put(pair[0], pair[1]);
    }
    Map<String, Integer> steps = new LinkedHashMap<>();
    for (String value : timestepValues == null ? List.<String>of() : timestepValues) {
      if (value.contains("=")) {
        String[] pair = perModel("--timesteps", value, paths);
        steps.put(pair[0], positive("--timesteps", value, pair[1]));
      }
    }
    return new NamedModels(paths, weights, steps);
  }

  /** NAME=VALUE, NAME one of the named models. */
  private static String[] perModel(String option, String value, Map<String, String> paths) {
    int eq = value.indexOf('=');
    String name = eq < 0 ? "" : value.substring(0, eq);
    if (eq < 0 || !paths.containsKey(name)) {
      throw new UsageException(option + " '" + value + "': with --named-model give NAME=VALUE, NAME one of "
          + paths.keySet());
    }
    return new String[] {name, value.substring(eq + 1)};
  }

  /** The --timesteps that every model shares: the one plain T given (0: none). */
  static int sharedTimesteps(List<String> values, boolean named) {
    int shared = 0;
    int plain = 0;
    for (String value : values == null ? List.<String>of() : values) {
      if (value.contains("=")) {
        if (!named) {
          throw new UsageException("--timesteps '" + value + "': NAME=T is for --named-model; give --timesteps T");
        }
        continue;
      }
      plain++;
      shared = positive("--timesteps", value, value);
    }
    if (plain > 1) {
      throw new UsageException("--timesteps is given " + plain + " times; give T once (NAME=T per model only with"
          + " --named-model)");
    }
    return shared;
  }

  private static int positive(String option, String given, String number) {
    try {
      int value = Integer.parseInt(number.trim());
      if (value >= 1) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException(option + " must be at least 1, got '" + given + "'");
  }

  /**
   * Resuming from states and --group-by score one model; refused by name with several. (--emit-state
   * is supported: each model's columns are {@code state_<NAME>_<layer>_h}.)
   */
  void refuse(String initialStateFrom, String groupBy) {
    String option = initialStateFrom != null ? "--initial-state-from" : groupBy != null ? "--group-by" : null;
    if (option != null) {
      throw new UsageException(option + " scores one model; with --named-model (" + paths.size() + " models) it is"
          + " not supported in this version: run one score per model");
    }
  }

  List<String> names() {
    return new ArrayList<>(paths.keySet());
  }

  /** Model {@code index}'s own T, or 0 for the shared one. */
  int timesteps(int index) {
    return timesteps.getOrDefault(names().get(index), 0);
  }

  /** Each model read on the driver, in the order given. */
  List<ModelLoader.Loaded> load(ModelOptions options, Configuration hadoopConf) {
    List<ModelLoader.Loaded> loaded = new ArrayList<>();
    paths.forEach((name, path) -> loaded.add(ModelLoader.loadWithProvenance(path, weights.get(name),
        options.readOptions(), hadoopConf)));
    return loaded;
  }
}
