package org.rnnscore.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * A scored model: a chain of layers from the input sequence (N×T×D, or N×T token ids when the
 * first layer is an Embedding) to the prediction (N×K, or N×T×K when the last recurrent layer
 * returns sequences). Immutable and serializable: this is what the driver broadcasts.
 *
 * <p>The declared number of timesteps (Keras' {@code batch_input_shape[1]}) is enforced only
 * where the graph needs it (Flatten after a sequence); elsewhere a row of any length is scored as
 * Keras scores that row alone.
 */
public final class RnnModel implements Serializable {
  private static final long serialVersionUID = 2L;

  private final String inputName;
  private final int declaredTimesteps;
  private final List<Layer> layers;
  private final List<Shape> outputShapes;
  private final int inputWidth;

  /**
   * @param inputName the InputLayer's name, or null when the model has none of its own
   * @param declaredTimesteps the timesteps the file declares, or 0 when it declares none (None)
   * @throws ModelFormatException when the layers do not chain: a layer that cannot take what the
   *     one before gives, an Embedding that is not first, or no recurrent layer at all
   */
  public RnnModel(String inputName, int declaredTimesteps, List<Layer> layers) {
    if (layers == null || layers.isEmpty()) {
      throw new ModelFormatException("the model has no layers; expected at least one recurrent layer"
          + " (SimpleRNN, LSTM, GRU)");
    }
    if (declaredTimesteps < 0) {
      throw new ModelFormatException("the model declares " + declaredTimesteps
          + " timesteps, expected at least 1 (or None)");
    }
    boolean recurrent = false;
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      if (layer instanceof EmbeddingLayer && i > 0) {
        throw new ModelFormatException("layer '" + layer.name() + "' (Embedding) follows layer '"
            + layers.get(i - 1).name() + "'; an Embedding reads the token column, so it must come first");
      }
      recurrent |= layer instanceof RecurrentLayer || layer instanceof BidirectionalLayer;
    }
    if (!recurrent) {
      throw new ModelFormatException("the model has no recurrent layer; expected at least one of SimpleRNN, LSTM, GRU"
          + " (alone or in Bidirectional)");
    }
    this.inputWidth = inputWidthOf(layers);
    Shape shape = Shape.sequence(declaredTimesteps, inputWidth);
    String source = "the model input";
    List<Shape> shapes = new ArrayList<>();
    for (Layer layer : layers) {
      shape = layer.outputShape(shape, source);
      shapes.add(shape);
      source = "layer '" + layer.name() + "'";
    }
    this.inputName = inputName;
    this.declaredTimesteps = declaredTimesteps;
    this.layers = List.copyOf(layers);
    this.outputShapes = List.copyOf(shapes);
  }

  /** D, read off the first layer that has weights (1 for a token column feeding an Embedding). */
  private static int inputWidthOf(List<Layer> layers) {
    for (Layer layer : layers) {
      if (layer instanceof EmbeddingLayer) {
        return 1;
      }
      if (layer instanceof RecurrentLayer) {
        return ((RecurrentLayer) layer).inputWidth();
      }
      if (layer instanceof BidirectionalLayer) {
        return ((BidirectionalLayer) layer).forward().inputWidth();
      }
      if (layer instanceof DenseLayer) {
        return ((DenseLayer) layer).inputWidth();
      }
    }
    throw new ModelFormatException("the model has no layer with weights to tell its input width");
  }

  public List<Layer> layers() {
    return layers;
  }

  /** Each layer's output shape, in layer order (what inspect prints). */
  public List<Shape> outputShapes() {
    return outputShapes;
  }

  public String inputName() {
    return inputName;
  }

  /** The timesteps the model file declares, if any. */
  public OptionalInt declaredTimesteps() {
    return declaredTimesteps == 0 ? OptionalInt.empty() : OptionalInt.of(declaredTimesteps);
  }

  /** True when every row must have exactly the declared timesteps (a Flatten reads a sequence). */
  public boolean requiresDeclaredTimesteps() {
    Shape shape = Shape.sequence(declaredTimesteps, inputWidth);
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i) instanceof FlattenLayer && shape.sequence()) {
        return true;
      }
      shape = outputShapes.get(i);
    }
    return false;
  }

  /** The input is token ids (the first layer is an Embedding). */
  public boolean tokenInput() {
    return layers.get(0) instanceof EmbeddingLayer;
  }

  /** D: features per timestep (1 for token ids). */
  public int inputWidth() {
    return inputWidth;
  }

  /** M: units of the first recurrent layer, as the run report names the model. */
  public int hiddenUnits() {
    for (Layer layer : layers) {
      if (layer instanceof RecurrentLayer) {
        return ((RecurrentLayer) layer).units();
      }
      if (layer instanceof BidirectionalLayer) {
        return ((BidirectionalLayer) layer).outputWidth();
      }
    }
    throw new IllegalStateException("no recurrent layer");
  }

  /** K: values per prediction (per step when {@link #outputIsSequence()}). */
  public int outputWidth() {
    return outputShapes.get(outputShapes.size() - 1).width();
  }

  /** True when the prediction is a sequence: one K-vector per timestep of the row. */
  public boolean outputIsSequence() {
    return outputShapes.get(outputShapes.size() - 1).sequence();
  }

  /** The first recurrent layer (the only one of the classic SimpleRNN → Dense model). */
  public RecurrentLayer recurrent() {
    for (Layer layer : layers) {
      if (layer instanceof RecurrentLayer) {
        return (RecurrentLayer) layer;
      }
    }
    throw new IllegalStateException("no plain recurrent layer (Bidirectional only)");
  }

  /** The Dense layers, in order. */
  public List<DenseLayer> denseLayers() {
    List<DenseLayer> dense = new ArrayList<>();
    for (Layer layer : layers) {
      if (layer instanceof DenseLayer) {
        dense.add((DenseLayer) layer);
      }
    }
    return dense;
  }

  public long paramCount() {
    long total = 0;
    for (Layer layer : layers) {
      total += layer.paramCount();
    }
    return total;
  }

  /**
   * The model with the first recurrent layer's activation and the last Dense layer's activation
   * replaced (npz files carry none); null leaves one as it is.
   */
  public RnnModel withActivations(Activation recurrentActivation, Activation outputActivation) {
    List<Layer> changed = new ArrayList<>(layers);
    if (recurrentActivation != null) {
      for (int i = 0; i < changed.size(); i++) {
        if (changed.get(i) instanceof RecurrentLayer) {
          changed.set(i, ((RecurrentLayer) changed.get(i)).withActivation(recurrentActivation));
          break;
        }
      }
    }
    if (outputActivation != null) {
      for (int i = changed.size() - 1; i >= 0; i--) {
        if (changed.get(i) instanceof DenseLayer) {
          changed.set(i, ((DenseLayer) changed.get(i)).withActivation(outputActivation));
          break;
        }
      }
    }
    return new RnnModel(inputName, declaredTimesteps, changed);
  }

  /** "T=10 D=3 M=5 K=2", as the score command reports a model. */
  public String dimensionsText() {
    return "T=" + (declaredTimesteps == 0 ? "any" : String.valueOf(declaredTimesteps)) + " D=" + inputWidth() + " M="
        + hiddenUnits() + " K=" + outputWidth() + (outputIsSequence() ? " per step" : "");
  }
}
