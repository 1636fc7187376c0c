package org.rnnscore.layers;

import java.util.List;
import org.rnnscore.io.LayerKind;
import org.rnnscore.kernel.StageFactory;

/**
 * One Keras layer kind, whole: how a file describes it (the {@link LayerKind}: class names,
 * config fields and defaults per Keras generation, weight names and where each generation keeps
 * them), the model layer it builds (which carries its shape, length and mask rules), and the
 * kernel stage that runs that layer. A new kind is one class implementing this, with its model
 * layer and stage nested in it, plus one line in {@link LayerUnits}.
 *
 * <p>The kinds that came before this registry keep their model layer in {@code model} and their
 * stage in {@code kernel} (other code names those classes: the recurrent layers' states, the
 * Embedding's token input, the merges); their units are {@link #of} the three.
 */
public interface LayerUnit {
  /** How files describe the kind. */
  LayerKind kind();

  /** The stage of each model layer class the kind builds; empty for a kind refused by name, or one that builds no layer of its own. */
  List<StageFactory<?>> stages();

  /** A unit whose parts live in their packages. */
  static LayerUnit of(LayerKind kind, StageFactory<?>... stages) {
    List<StageFactory<?>> list = List.of(stages);
    return new LayerUnit() {
      @Override
      public LayerKind kind() {
        return kind;
      }

      @Override
      public List<StageFactory<?>> stages() {
        return list;
      }
    };
  }
}
