package org.rnnscore.kernel;

import java.util.List;

/**
 * Where the kernel finds the stage that runs each model layer class: a service
 * ({@code META-INF/services/org.rnnscore.kernel.StageProvider}) that the layer registry
 * ({@code org.rnnscore.layers.LayerUnits}) provides, so that a layer kind's stage is named in
 * its unit, not in a kernel list.
 */
public interface StageProvider {
  /** Each layer class with the factory of its stage. */
  List<StageFactory<?>> stageFactories();
}
