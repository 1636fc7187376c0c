package org.rnnscore.model;

/**
 * A layer that slides a window along each row's own steps (Conv1D, MaxPooling1D,
 * AveragePooling1D): its output steps follow from the row's length, never a fixed number, and no
 * mask passes it (their Keras 3 classes have supports_masking=False; a Keras 2 file in which a
 * mask reaches one is refused).
 */
interface WindowedStepsLayer extends Layer {
  /** The steps the layer gives for a row of {@code steps} steps (0 when the row is too short). */
  int outputSteps(int steps);

  @Override
  default boolean fixesSteps(Shape input) {
    return false;
  }

  @Override
  default int rowSteps(int inputSteps, Shape input, Shape output) {
    return outputSteps(inputSteps);
  }

  @Override
  default boolean masksOutput(boolean maskIn) {
    return false;
  }

  @Override
  default boolean supportsMasking() {
    return false;
  }
}
