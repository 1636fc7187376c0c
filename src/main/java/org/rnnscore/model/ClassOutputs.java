package org.rnnscore.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a scoring run turns each row's K raw values into, in the same pass ({@code --outputs}):
 * the raw vector, probabilities, a label, the top k and a threshold decision, in the order asked.
 *
 * <p>Parsed without the model ({@link #parse}), then checked against it ({@link #check}): K, the
 * class names and the model's own final activation are only known once it is read.
 */
public final class ClassOutputs implements Serializable {
  private static final long serialVersionUID = 1L;

  /** One thing asked for, as {@code --outputs} names it. */
  public enum Item {
    RAW("raw"), SOFTMAX("softmax"), SIGMOID("sigmoid"), ARGMAX("argmax"), TOP_K("top-k=N"), THRESHOLD("threshold=X");

    private final String syntax;

    Item(String syntax) {
      this.syntax = syntax;
    }

    public String syntax() {
      return syntax;
    }
  }

  /** What one output column holds. */
  public enum Value {
    /** The K raw values: array&lt;float&gt;, the prediction column itself. */
    RAW(""),
    /** Softmax or sigmoid of the raw values: array&lt;float&gt;. */
    PROB("_prob"),
    /** The index of the highest score (the lowest index on ties): int. */
    LABEL("_label"),
    /** The class name of that index: string. */
    LABEL_NAME("_label_name"),
    /** The k highest scores' indices, descending, ties by lower index: array&lt;int&gt;. */
    TOP_INDICES("_top_indices"),
    /** Their scores: array&lt;float&gt;. */
    TOP_SCORES("_top_scores"),
    /** score[positive class] ≥ threshold: boolean. */
    POSITIVE("_positive");

    private final String suffix;

    Value(String suffix) {
      this.suffix = suffix;
    }

    /** Appended to the prediction column's name. */
    public String suffix() {
      return suffix;
    }
  }

  /** An output column: its name and what it holds. */
  public record Column(String name, Value value) implements Serializable {}

  /** Only the raw vector: the default. */
  public static final ClassOutputs RAW = new ClassOutputs(List.of(Item.RAW), 0, Float.NaN, null, List.of(), "raw");

  private final List<Item> items;
  private final int topK;
  private final float threshold;
  /** As given: an index or a class name; null for the default K − 1. */
  private final String positiveClass;
  private final List<String> classNames;
  private final String text;

  private ClassOutputs(List<Item> items, int topK, float threshold, String positiveClass, List<String> classNames,
      String text) {
    this.items = List.copyOf(items);
    this.topK = topK;
    this.threshold = threshold;
    this.positiveClass = positiveClass;
    this.classNames = List.copyOf(classNames);
    this.text = text;
  }

  /**
   * @param spec a comma list of {@code raw}, {@code softmax}, {@code sigmoid}, {@code argmax},
   *     {@code top-k=N}, {@code threshold=X}; null or blank means raw
   * @param classNames the class names, index order (empty: none)
   * @param positiveClass for threshold: an index or one of the class names; null for K − 1
   * @param option what messages call the option ({@code --outputs}, {@code outputs})
   * @throws UsageException for an unknown or repeated item, a malformed number, softmax with
   *     sigmoid, or class names / a positive class without the outputs that use them
   */
  public static ClassOutputs parse(String spec, List<String> classNames, String positiveClass, String option) {
    List<String> names = classNames == null ? List.of() : classNames;
    if (spec == null || spec.isBlank()) {
      spec = "raw";
    }
    Set<Item> seen = new LinkedHashSet<>();
    int topK = 0;
    float threshold = Float.NaN;
    for (String raw : spec.split(",", -1)) {
      String item = raw.trim().toLowerCase(Locale.ROOT);
      Item kind;
      if (item.startsWith("top-k=")) {
        kind = Item.TOP_K;
        topK = positiveInt(item.substring("top-k=".length()), option, raw.trim());
      } else if (item.startsWith("threshold=")) {
        kind = Item.THRESHOLD;
        threshold = finiteFloat(item.substring("threshold=".length()), option, raw.trim());
      } else {
        kind = switch (item) {
          case "raw" -> Item.RAW;
          case "softmax" -> Item.SOFTMAX;
          case "sigmoid" -> Item.SIGMOID;
          case "argmax" -> Item.ARGMAX;
          default -> throw new UsageException(option + " item '" + raw.trim() + "' is not one of: raw, softmax,"
              + " sigmoid, argmax, top-k=N, threshold=X (a comma list, e.g. \"raw,softmax,argmax\")");
        };
      }
      if (!seen.add(kind)) {
        throw new UsageException(option + " '" + spec + "' names " + kind.syntax() + " twice");
      }
    }
    if (seen.contains(Item.SOFTMAX) && seen.contains(Item.SIGMOID)) {
      throw new UsageException(option + " '" + spec + "' asks for both softmax and sigmoid; they are two readings of"
          + " the same scores (prob), pick one");
    }
    Set<String> distinct = new LinkedHashSet<>();
    for (String name : names) {
      if (name.isEmpty()) {
        throw new UsageException("class names " + names + " include an empty name");
      }
      if (!distinct.add(name)) {
        throw new UsageException("class names " + names + " name '" + name + "' twice");
      }
    }
    if (!names.isEmpty() && !seen.contains(Item.ARGMAX) && positiveClass == null) {
      throw new UsageException("class names are given but " + option + " '" + spec + "' has no argmax to name the"
          + " label with; add argmax");
    }
    if (positiveClass != null && !seen.contains(Item.THRESHOLD)) {
      throw new UsageException("a positive class ('" + positiveClass + "') is given but " + option + " '" + spec
          + "' has no threshold=X to use it; add threshold=X");
    }
    return new ClassOutputs(new ArrayList<>(seen), topK, threshold, positiveClass, names, spec.trim());
  }

  /**
   * Checks these outputs against the model's K and final activation.
   *
   * @param force true (--force-outputs) to apply softmax or sigmoid over a model that already ends in one
   * @throws UsageException when they cannot apply: class names ≠ K, top-k beyond K, argmax with
   *     K = 1, an unknown positive class, a softmax over a softmax
   */
  public void check(RnnModel model, boolean force) {
    int k = model.outputWidth();
    if (model.outputNodes().size() > 1 && !isRawOnly()) {
      throw new UsageException("outputs '" + text + "' apply to a model of one output; this model has "
          + model.outputNodes().size() + " (score raw, and derive labels per output column)");
    }
    if (!classNames.isEmpty() && classNames.size() != k) {
      throw new UsageException("class names " + classNames + " are " + classNames.size() + ", but the model gives K = "
          + k + " values a prediction; give exactly " + k);
    }
    if (topK > k) {
      throw new UsageException("outputs top-k=" + topK + " asks for more than the model's K = " + k + " classes");
    }
    if (items.contains(Item.ARGMAX) && k == 1) {
      throw new UsageException("outputs argmax over K = 1 value is always 0; for a one-unit (binary) model use"
          + " threshold=X (with sigmoid if the model gives logits)");
    }
    if (items.contains(Item.THRESHOLD)) {
      positiveIndex(k);
    }
    Item prob = items.contains(Item.SOFTMAX) ? Item.SOFTMAX : items.contains(Item.SIGMOID) ? Item.SIGMOID : null;
    if (prob != null && !force) {
      Optional<String> ending = endingActivation(model);
      if (ending.isPresent()) {
        throw new UsageException("outputs " + prob.name().toLowerCase(Locale.ROOT) + " over a model whose last layer"
            + " already applies one (" + ending.get() + ") would squash its probabilities twice; ask for raw (they are"
            + " the probabilities), or add --force-outputs to apply it anyway");
      }
    }
  }

  /**
   * The layer that gives the model's output when it ends in softmax or sigmoid, as "layer 'name'
   * (Dense, activation softmax)"; empty otherwise.
   */
  public static Optional<String> endingActivation(RnnModel model) {
    Layer last = model.nodes().get(model.outputNode()).layer();
    String found = null;
    if (last instanceof DenseLayer dense && isSquashing(dense.activation())) {
      found = "Dense, activation " + dense.activation().kerasName();
    } else if (last instanceof ActivationLayer activation && isSquashing(activation.activation())) {
      found = "Activation " + activation.activation().kerasName();
    } else if (last instanceof ActivationFunctionLayer function
        && function.function() == ActivationFunctionLayer.Function.SOFTMAX) {
      found = "Softmax";
    }
    return found == null ? Optional.empty() : Optional.of("layer '" + last.name() + "' (" + found + ")");
  }

  private static boolean isSquashing(Activation activation) {
    return activation == Activation.SOFTMAX || activation == Activation.SIGMOID;
  }

  /** The positive class's index for threshold, K − 1 by default. */
  public int positiveIndex(int k) {
    if (positiveClass == null) {
      return k - 1;
    }
    int byName = classNames.indexOf(positiveClass);
    if (byName >= 0) {
      return byName;
    }
    try {
      int index = Integer.parseInt(positiveClass.trim());
      if (index < 0 || index >= k) {
        throw new UsageException("positive class " + index + " is outside the model's classes 0.." + (k - 1));
      }
      return index;
    } catch (NumberFormatException e) {
      throw new UsageException("positive class '" + positiveClass + "' is neither an index 0.." + (k - 1)
          + " nor one of the class names " + classNames);
    }
  }

  /** The output columns for prediction column {@code prediction}, in the order asked. */
  public List<Column> columns(String prediction) {
    List<Column> columns = new ArrayList<>();
    for (Item item : items) {
      switch (item) {
        case RAW -> columns.add(new Column(prediction, Value.RAW));
        case SOFTMAX, SIGMOID -> columns.add(new Column(prediction + Value.PROB.suffix(), Value.PROB));
        case ARGMAX -> {
          columns.add(new Column(prediction + Value.LABEL.suffix(), Value.LABEL));
          if (!classNames.isEmpty()) {
            columns.add(new Column(prediction + Value.LABEL_NAME.suffix(), Value.LABEL_NAME));
          }
        }
        case TOP_K -> {
          columns.add(new Column(prediction + Value.TOP_INDICES.suffix(), Value.TOP_INDICES));
          columns.add(new Column(prediction + Value.TOP_SCORES.suffix(), Value.TOP_SCORES));
        }
        case THRESHOLD -> columns.add(new Column(prediction + Value.POSITIVE.suffix(), Value.POSITIVE));
      }
    }
    return columns;
  }

  /** True when only the raw vector is asked for (the default). */
  public boolean isRawOnly() {
    return items.equals(List.of(Item.RAW));
  }

  /** True for softmax; false for sigmoid or when neither is asked. */
  public boolean softmax() {
    return items.contains(Item.SOFTMAX);
  }

  /** True when scores (top-k, argmax, threshold) are probabilities (softmax or sigmoid asked for). */
  public boolean scoresAreProbabilities() {
    return items.contains(Item.SOFTMAX) || items.contains(Item.SIGMOID);
  }

  public boolean has(Item item) {
    return items.contains(item);
  }

  /** N of top-k=N; 0 when not asked. */
  public int topK() {
    return topK;
  }

  /** X of threshold=X; NaN when not asked. */
  public float threshold() {
    return threshold;
  }

  public List<String> classNames() {
    return classNames;
  }

  /** The spec as given ({@code raw} by default). */
  @Override
  public String toString() {
    return text;
  }

  private static int positiveInt(String text, String option, String item) {
    try {
      int value = Integer.parseInt(text.trim());
      if (value >= 1) {
        return value;
      }
    } catch (NumberFormatException e) {
      // the message below
    }
    throw new UsageException(option + " item '" + item + "' needs a whole number of classes of at least 1,"
        + " e.g. top-k=3");
  }

  private static float finiteFloat(String text, String option, String item) {
    try {
      float value = Float.parseFloat(text.trim());
      if (Float.isFinite(value)) {
        return value;
      }
    } catch (NumberFormatException e) {
      // the message below
    }
    throw new UsageException(option + " item '" + item + "' needs a finite number, e.g. threshold=0.5");
  }
}
