package org.rnnscore.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.rnnscore.io.LayerKind;
import org.rnnscore.io.LayerKindProvider;
import org.rnnscore.kernel.StageFactory;
import org.rnnscore.kernel.StageProvider;

/** The registry is the one place kinds are named, and the packages below it do not name it back. */
class LayerUnitsTest {
  @Test
  void theRegistryIsTheOnlyProviderOfKindsAndStages() {
    List<Class<?>> kindProviders = new ArrayList<>();
    ServiceLoader.load(LayerKindProvider.class).forEach(provider -> kindProviders.add(provider.getClass()));
    List<Class<?>> stageProviders = new ArrayList<>();
    ServiceLoader.load(StageProvider.class).forEach(provider -> stageProviders.add(provider.getClass()));
    assertEquals(List.of(LayerUnits.class), kindProviders);
    assertEquals(List.of(LayerUnits.class), stageProviders);
  }

  @Test
  void eachClassNameAndEachLayerClassIsRegisteredOnce() {
    Set<String> classNames = new HashSet<>();
    for (LayerKind kind : new LayerUnits().layerKinds()) {
      for (String name : kind.classNames()) {
        assertTrue(classNames.add(name), "two kinds read " + name);
      }
    }
    Set<Class<?>> layerClasses = new HashSet<>();
    for (StageFactory<?> factory : new LayerUnits().stageFactories()) {
      assertTrue(layerClasses.add(factory.layerClass()), "two stages for " + factory.layerClass());
    }
    assertTrue(classNames.contains("RepeatVector") && layerClasses.contains(RepeatVectorUnit.RepeatVectorLayer.class));
  }

  @Test
  void ioKernelAndModelDoNotNameTheRegistry() throws IOException {
    Path main = Path.of("src/main/java/org/rnnscore");
    for (String inner : List.of("io", "kernel", "model")) {
      try (Stream<Path> files = Files.list(main.resolve(inner))) {
        for (Path file : (Iterable<Path>) files::iterator) {
          String source = Files.readString(file);
          assertTrue(!source.contains("import org.rnnscore.layers"), file + " imports org.rnnscore.layers");
        }
      }
    }
    try (Stream<Path> files = Files.list(main.resolve("layers"))) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String source = Files.readString(file);
        assertTrue(!source.contains("import org.rnnscore.job") && !source.contains("import org.rnnscore.cli")
            && !source.contains("import org.apache.spark"), file + " imports job, cli or Spark");
      }
    }
  }
}
