package org.rnnscore.kernel;

import java.util.Objects;
import java.util.function.Function;
import org.rnnscore.model.Layer;

/**
 * How to make the stage of one model layer class (and of its subclasses that have no factory of
 * their own: SimpleRNN, LSTM and GRU share {@code RecurrentLayer}'s). A stage keeps per-batch
 * buffers, so each forward pass makes its own.
 */
public record StageFactory<L extends Layer>(Class<L> layerClass, Function<L, Stage> make) {
  public StageFactory {
    Objects.requireNonNull(layerClass, "layerClass");
    Objects.requireNonNull(make, "make");
  }

  /** The factory of {@code layerClass}'s stages. */
  public static <L extends Layer> StageFactory<L> of(Class<L> layerClass, Function<L, Stage> make) {
    return new StageFactory<>(layerClass, make);
  }

  Stage makeFor(Layer layer) {
    return make.apply(layerClass.cast(layer));
  }
}
