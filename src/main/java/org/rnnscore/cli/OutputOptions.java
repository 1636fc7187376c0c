package org.rnnscore.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.rnnscore.model.ClassOutputs;
import org.rnnscore.model.UsageException;

/**
 * score's --outputs, --class-names and --positive-class, each a plain value that every model
 * shares or, with --named-model, {@code NAME=VALUE} for one model (NAME the text before the first
 * '=' when it names a model: {@code threshold=0.5} stays an output item).
 */
final class OutputOptions {
  private final Map<String, String> outputs = new LinkedHashMap<>();
  private final Map<String, String> classNames = new LinkedHashMap<>();
  private final Map<String, String> positiveClass = new LinkedHashMap<>();

  /** The key of the value every model shares. */
  private static final String SHARED = "";

  private OutputOptions() {}

  /**
   * @param models the --named-model names; empty for --model
   */
  static OutputOptions parse(List<String> outputs, List<String> classNames, List<String> positiveClass,
      Set<String> models) {
    OutputOptions options = new OutputOptions();
    split("--outputs", outputs, models, options.outputs);
    split("--class-names", classNames, models, options.classNames);
    split("--positive-class", positiveClass, models, options.positiveClass);
    return options;
  }

  /** The shared outputs (for --model, the only ones). */
  ClassOutputs shared() {
    return of(SHARED);
  }

  /** Model {@code name}'s outputs: its own values where given, else the shared ones. */
  ClassOutputs forModel(String name) {
    return of(name);
  }

  private ClassOutputs of(String name) {
    String spec = outputs.getOrDefault(name, outputs.get(SHARED));
    String option = name.isEmpty() || !outputs.containsKey(name) ? "--outputs" : "--outputs (model '" + name + "')";
    String names = classNames.get(name);
    String positive = positiveClass.get(name);
    if (!name.isEmpty()) {
      // A value every model shares applies to the models whose outputs use it; one given for this model must be used.
      ClassOutputs items = ClassOutputs.parse(spec, List.of(), null, option);
      if (names == null && items.has(ClassOutputs.Item.ARGMAX)) {
        names = classNames.get(SHARED);
      }
      if (positive == null && items.has(ClassOutputs.Item.THRESHOLD)) {
        positive = positiveClass.get(SHARED);
      }
    }
    List<String> list = names == null ? List.of() : Arrays.stream(names.split(",", -1)).map(String::trim).toList();
    return ClassOutputs.parse(spec, list, positive, option);
  }

  private static void split(String option, List<String> values, Set<String> models, Map<String, String> into) {
    for (String value : values == null ? List.<String>of() : values) {
      int eq = value.indexOf('=');
      String name = eq < 0 ? SHARED : value.substring(0, eq);
      String text = value;
      if (models.contains(name)) {
        text = value.substring(eq + 1);
      } else {
        name = SHARED;
      }
      if (into.put(name, text) != null) {
        throw new UsageException(option + " is given twice " + (name.isEmpty() ? "for every model" : "for model '"
            + name + "'") + " ('" + value + "'); give one" + (models.isEmpty() ? "" : " plain value and at most one"
            + " NAME=VALUE per model " + new ArrayList<>(models)));
      }
    }
  }
}
