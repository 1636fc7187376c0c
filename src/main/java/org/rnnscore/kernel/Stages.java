package org.rnnscore.kernel;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.rnnscore.model.Layer;

/**
 * The stage that runs each model layer class, as the layer registry's units name them (read once,
 * through {@link StageProvider}); a class not named is looked up by its superclasses.
 */
final class Stages {
  private Stages() {}

  /** Read on first use: the providers are loaded by the class loader that loaded the kernel (a Spark executor's user jar). */
  private static final class Registered {
    static final Map<Class<?>, StageFactory<?>> BY_LAYER = load();

    private static Map<Class<?>, StageFactory<?>> load() {
      Map<Class<?>, StageFactory<?>> map = new ConcurrentHashMap<>();
      for (StageProvider provider : ServiceLoader.load(StageProvider.class, Stages.class.getClassLoader())) {
        for (StageFactory<?> factory : provider.stageFactories()) {
          if (map.put(factory.layerClass(), factory) != null) {
            throw new IllegalStateException("two stages are registered for " + factory.layerClass().getName());
          }
        }
      }
      if (map.isEmpty()) {
        throw new IllegalStateException("no kernel stages are registered: the classpath lacks"
            + " META-INF/services/" + StageProvider.class.getName() + " (a jar built without rnnscore's resources?)");
      }
      return map;
    }
  }

  /** Names the stage of a layer class that no unit registers: a layer a test defines. */
  static <L extends Layer> void register(Class<L> type, Function<L, Stage> make) {
    Registered.BY_LAYER.put(type, StageFactory.of(type, make));
  }

  /** A new stage for {@code layer} (stages keep per-batch buffers: one per forward pass). */
  static Stage of(Layer layer) {
    for (Class<?> type = layer.getClass(); type != null; type = type.getSuperclass()) {
      StageFactory<?> factory = Registered.BY_LAYER.get(type);
      if (factory != null) {
        return factory.makeFor(layer);
      }
    }
    throw new IllegalArgumentException("no kernel for layer " + layer.name() + " (" + layer.kerasClass() + ")");
  }
}
