package org.rnnscore.io;

import java.util.List;

/**
 * Where {@link LayerKinds} finds the layer kinds it reads files with: a service
 * ({@code META-INF/services/org.rnnscore.io.LayerKindProvider}) that the layer registry
 * ({@code org.rnnscore.layers.LayerUnits}) provides. The io package names no layer kind itself,
 * so a layer kind can live in one unit above it with its model layer and its kernel stage.
 */
public interface LayerKindProvider {
  /** The kinds, in the order messages list them as supported. */
  List<LayerKind> layerKinds();
}
