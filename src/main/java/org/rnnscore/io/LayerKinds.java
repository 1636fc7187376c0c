package org.rnnscore.io;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * The layer kinds by Keras class name: every class name rnnscore reads or refuses by name, and
 * the {@link LayerKind} that handles it, as the layer registry ({@code layers.LayerUnits}, found
 * through {@link LayerKindProvider}) lists them.
 */
final class LayerKinds {
  private static final List<LayerKind> ALL = load();

  private static final Map<String, LayerKind> BY_CLASS = byClass();

  /** What messages list as supported, in registry order. */
  static final String SUPPORTED = "supported: InputLayer, " + ALL.stream().map(LayerKind::supportedText)
      .filter(Objects::nonNull).collect(Collectors.joining(", "));

  /** What Keras 1 files may hold, in registry order. */
  static final String KERAS1_SUPPORTED = "rnnscore reads Keras 1 files with " + ALL.stream()
      .filter(LayerKind::readsKeras1).flatMap(kind -> kind.keras1ClassNames().stream()).collect(Collectors.joining(", "))
      + " layers; re-save the model with Keras 2 or later for the others";

  private LayerKinds() {}

  /** The kinds every {@link LayerKindProvider} on the class path gives (the layer registry's units), in its order. */
  private static List<LayerKind> load() {
    List<LayerKind> kinds = new ArrayList<>();
    for (LayerKindProvider provider : ServiceLoader.load(LayerKindProvider.class, LayerKinds.class.getClassLoader())) {
      kinds.addAll(provider.layerKinds());
    }
    if (kinds.isEmpty()) {
      throw new IllegalStateException("no layer kinds are registered: the classpath lacks META-INF/services/"
          + LayerKindProvider.class.getName() + " (a jar built without rnnscore's resources?)");
    }
    return List.copyOf(kinds);
  }

  private static Map<String, LayerKind> byClass() {
    Map<String, LayerKind> map = new HashMap<>();
    for (LayerKind kind : ALL) {
      for (String className : kind.classNames()) {
        if (map.put(className, kind) != null) {
          throw new IllegalStateException("two layer kinds read " + className);
        }
      }
    }
    return Map.copyOf(map);
  }

  /** The kind that reads Keras class {@code className}, or null when none does. */
  static LayerKind of(String className) {
    return BY_CLASS.get(className);
  }
}
