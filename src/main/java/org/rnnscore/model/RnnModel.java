package org.rnnscore.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * A scored model: one recurrent layer reading the sequence (N×T×D → N×M), then zero or more
 * Dense layers (→ N×K). Immutable and serializable: this is what the driver broadcasts.
 *
 * <p>The declared number of timesteps (Keras' {@code batch_input_shape[1]}) is kept for {@code
 * inspect}; it does not restrict scoring, since a SimpleRNN followed by Dense gives the same
 * result for a row of any length as Keras gives for that row alone.
 */
public final class RnnModel implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String inputName;
  private final int declaredTimesteps;
  private final List<Layer> layers;

  /**
   * @param inputName the InputLayer's name, or null when the model has none of its own
   * @param declaredTimesteps the timesteps the file declares, or 0 when it declares none (None)
   * @throws ModelFormatException when the layers do not chain: a first layer that is not
   *     recurrent, a later one that is, or a Dense kernel whose rows differ from the width before it
   */
  public RnnModel(String inputName, int declaredTimesteps, List<Layer> layers) {
    if (layers == null || layers.isEmpty()) {
      throw new ModelFormatException("the model has no layers; expected a SimpleRNN followed by Dense layers");
    }
    if (declaredTimesteps < 0) {
      throw new ModelFormatException("the model declares " + declaredTimesteps + " timesteps, expected at least 1 (or None)");
    }
    if (!(layers.get(0) instanceof SimpleRnnLayer)) {
      throw new ModelFormatException("layer '" + layers.get(0).name() + "' (" + layers.get(0).kerasClass()
          + ") comes first; expected a SimpleRNN reading the sequence, then Dense layers");
    }
    for (int i = 1; i < layers.size(); i++) {
      Layer previous = layers.get(i - 1);
      Layer layer = layers.get(i);
      if (!(layer instanceof DenseLayer)) {
        throw new ModelFormatException("layer '" + layer.name() + "' (" + layer.kerasClass() + ") follows layer '"
            + previous.name() + "'; expected only Dense layers after the SimpleRNN");
      }
      DenseLayer dense = (DenseLayer) layer;
      if (dense.inputWidth() != previous.outputWidth()) {
        throw new ModelFormatException("layer '" + dense.name() + "' kernel has shape " + dense.kernel().shapeText()
            + ", expected " + WeightArray.shapeText(previous.outputWidth(), dense.units()) + " (input width "
            + previous.outputWidth() + " from layer '" + previous.name() + "')");
      }
    }
    this.inputName = inputName;
    this.declaredTimesteps = declaredTimesteps;
    this.layers = List.copyOf(layers);
  }

  public SimpleRnnLayer recurrent() {
    return (SimpleRnnLayer) layers.get(0);
  }

  /** The Dense layers after the recurrent one, in order (possibly none). */
  public List<DenseLayer> denseLayers() {
    List<DenseLayer> dense = new ArrayList<>();
    for (int i = 1; i < layers.size(); i++) {
      dense.add((DenseLayer) layers.get(i));
    }
    return dense;
  }

  public List<Layer> layers() {
    return layers;
  }

  public String inputName() {
    return inputName;
  }

  /** The timesteps the model file declares, if any. */
  public OptionalInt declaredTimesteps() {
    return declaredTimesteps == 0 ? OptionalInt.empty() : OptionalInt.of(declaredTimesteps);
  }

  /** D: features per timestep. */
  public int inputWidth() {
    return layers.get(0).inputWidth();
  }

  /** M: hidden units of the recurrent layer. */
  public int hiddenUnits() {
    return layers.get(0).outputWidth();
  }

  /** K: values per prediction. */
  public int outputWidth() {
    return layers.get(layers.size() - 1).outputWidth();
  }

  public long paramCount() {
    long total = 0;
    for (Layer layer : layers) {
      total += layer.paramCount();
    }
    return total;
  }

  /** The model with the recurrent and output activations replaced (npz files carry none). */
  public RnnModel withActivations(Activation recurrentActivation, Activation outputActivation) {
    List<Layer> changed = new ArrayList<>(layers);
    if (recurrentActivation != null) {
      changed.set(0, recurrent().withActivation(recurrentActivation));
    }
    if (outputActivation != null && layers.size() > 1) {
      int last = layers.size() - 1;
      changed.set(last, ((DenseLayer) layers.get(last)).withActivation(outputActivation));
    }
    return new RnnModel(inputName, declaredTimesteps, changed);
  }

  /** "T=10 D=3 M=5 K=2", as the score command reports a model. */
  public String dimensionsText() {
    return "T=" + (declaredTimesteps == 0 ? "any" : String.valueOf(declaredTimesteps)) + " D=" + inputWidth() + " M="
        + hiddenUnits() + " K=" + outputWidth();
  }
}
