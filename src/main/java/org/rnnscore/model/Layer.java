package org.rnnscore.model;

import java.io.Serializable;
import java.util.List;

/**
 * One layer of a scored model, with its weights already checked against its own shape: a node of
 * the model's graph ({@link RnnModel}). Not sealed: a layer kind is its own class, and what the
 * model needs to know about a kind (its shape rule, what it fixes about the model input, whether
 * it is recurrent) it asks the layer through the methods below rather than by testing its class.
 */
public interface Layer extends Serializable {
  /** The layer's name in the model file ({@code simple_rnn}, {@code dense_1}, ...). */
  String name();

  /** The Keras class name, as summaries print it. */
  String kerasClass();

  /** Trainable parameters, counted as Keras' model.summary() counts them. */
  long paramCount();

  /**
   * The shape this layer gives for an input of shape {@code input}.
   *
   * @param source where the input comes from, for messages ("layer 'lstm'", "the model input")
   * @throws ModelFormatException when this layer cannot take that input
   */
  Shape outputShape(Shape input, String source);

  /**
   * The shape this layer gives for its inputs, one per incoming tensor of the graph. One-input
   * layers (all of today's) take exactly one; a merge layer overrides this.
   */
  default Shape outputShape(List<Shape> inputs, List<String> sources) {
    if (inputs.size() != 1) {
      throw new ModelFormatException("layer '" + name() + "' (" + kerasClass() + ") takes one input, but is given "
          + inputs.size());
    }
    return outputShape(inputs.get(0), sources.get(0));
  }

  /**
   * The kernel whose rows are this layer's input features (a recurrent layer's or a Dense's
   * kernel), or null when the layer takes any width. The model reads its input width D off the
   * first layer that has one, and messages about D quote it.
   */
  default WeightArray inputKernel() {
    return null;
  }

  /**
   * The input width D the {@link #inputKernel()} fixes: its rows (axis 0) for a matrix kernel;
   * a layer whose kernel keeps D on another axis (Conv1D's k×D×filters) says so; 0 for none.
   */
  default int inputKernelWidth() {
    return inputKernel() == null ? 0 : inputKernel().dim(0);
  }

  /** The layer the {@link #inputKernel()} belongs to, as messages name it (a Bidirectional's forward half). */
  default String inputKernelOwner() {
    return name();
  }

  /** True when the layer reads token ids (Embedding): it must read the model input, which is then one id per step. */
  default boolean readsTokens() {
    return false;
  }

  /** True for a recurrent layer (alone or wrapped): a model needs at least one. */
  default boolean recurrent() {
    return false;
  }

  /** M as the run report names a model whose first recurrent layer this is (its output width); 0 for others. */
  default int hiddenUnits() {
    return 0;
  }

  /** True when every row must have the model's declared timesteps for this layer to take {@code input} (Flatten). */
  default boolean needsDeclaredTimesteps(Shape input) {
    return false;
  }

  /**
   * True when, for an input of shape {@code input}, the layer's output steps are not its input's
   * steps one for one but a fixed number of its own, its output shape's timesteps (RepeatVector,
   * a Reshape or Permute over time): a recurrent layer after it runs on steps that a row scored
   * in parts would not have, so such a model cannot be scored incrementally.
   */
  default boolean mixesTime(Shape input) {
    return false;
  }

  /**
   * True when the layer's output steps are a fixed number of its own, whatever the row's length
   * (RepeatVector, a Reshape or Permute over time), rather than a function of the row's steps; by
   * default the layers that {@link #mixesTime} do. Conv1D and pooling mix time but keep the row's
   * own length (shortened): false for them.
   */
  default boolean fixesSteps(Shape input) {
    return mixesTime(input);
  }

  /**
   * The steps this layer gives a row whose input to it has {@code inputSteps} steps, {@code
   * output} its output shape: the same steps, or the fixed steps of a layer that {@link
   * #fixesSteps}; a layer that shortens rows (Conv1D, pooling) computes them, 0 for a row too
   * short to give any.
   */
  default int rowSteps(int inputSteps, Shape input, Shape output) {
    return fixesSteps(input) ? output.timesteps() : inputSteps;
  }

  /**
   * True when a mask leaves this layer, given whether one reaches it ({@code maskIn}): per-step
   * layers pass it on (the default), Masking and Embedding(mask_zero) make one, recurrent layers
   * without return_sequences and the layers that reshape a row drop it.
   */
  default boolean masksOutput(boolean maskIn) {
    return maskIn;
  }

  /**
   * False for a layer whose Keras 3 class has supports_masking=False (RepeatVector, Reshape,
   * Permute): it drops a mask that reaches it, and a Keras 1 or 2 file in which one does is
   * refused, as Keras 1 and 2 refuse it ("does not support masking").
   */
  default boolean supportsMasking() {
    return true;
  }

  /** What inspect prints about the layer beyond its type and shape ("tanh/sigmoid, return_sequences"), or "". */
  default String details() {
    return "";
  }
}
