package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.rnnscore.model.Layer;
import org.rnnscore.model.WeightArray;

/**
 * One Keras layer kind as a model file describes it, in one place: which class names it reads,
 * its config fields and their defaults per Keras generation (and what it refuses), the names and
 * order of its weights, where Keras 3 keeps them, and how it becomes a model {@link Layer} (whose
 * class carries the shape rule; the kernel's {@code Stages} names its stage). Found through
 * {@link LayerKinds}, by Keras class name; {@link KerasConfig} only walks the model around it.
 */
public interface LayerKind {
  /** The Keras class names this kind reads (SimpleRNN, LSTM and GRU share one). */
  List<String> classNames();

  /** How "supported: ..." lists this kind, or null for a kind that is refused by name. */
  String supportedText();

  /**
   * Checks one layer entry's config and gives what to build, or null for a layer that does
   * nothing at inference (it is left out of the model).
   *
   * @param ordinal the entry's position among earlier entries of its class (Keras 3 weight paths)
   * @throws org.rnnscore.model.ModelFormatException for anything that would make our layer
   *     differ from Keras'
   */
  LayerSpec parse(String className, String name, JsonNode config, int ordinal);

  /** True when this kind reads layers of Keras 1 files (through {@link #keras1Config}); others are refused there. */
  default boolean readsKeras1() {
    return false;
  }

  /** The class names Keras 1 files spell this kind with, as messages list them (Convolution1D for Conv1D). */
  default List<String> keras1ClassNames() {
    return classNames();
  }

  /**
   * A Keras 1 layer config in the field names {@link #parse} reads (Keras 2's: output_dim →
   * units, ...); by default the config as it is. Called only where {@link #readsKeras1}.
   */
  default JsonNode keras1Config(String className, String name, JsonNode config) {
    return config;
  }

  /** The names of the layer's weight arrays, in the order Keras saves them; empty for none. */
  default List<String> weightNames(LayerSpec spec) {
    return List.of();
  }

  /**
   * Where Keras 3's saving_lib keeps the layer's variables, relative to the layer container:
   * {@code base} ({@code <snake_case class>[_N]}) then the layer's saveable attributes.
   */
  default List<String> weightGroups(LayerSpec spec, String base) {
    return List.of(base + "/vars");
  }

  /**
   * The model layer, from the spec and the file's arrays for it (in Keras' order, named by where
   * they lie in the file; empty when {@link #weightNames} is).
   */
  Layer build(LayerSpec spec, List<WeightArray> found, Generation generation);

  /** True for a recurrent kind (alone or wrapped): a model needs at least one. */
  default boolean recurrent() {
    return false;
  }

  /** True when the layer returns its states as extra outputs (return_state=True). */
  default boolean returnsState(LayerSpec spec) {
    return false;
  }

  /** True when the layer reads token ids (Embedding): the model input is then [batch, timesteps]. */
  default boolean readsTokens() {
    return false;
  }
}
