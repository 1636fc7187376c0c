package org.rnnscore.model;

import java.io.Serializable;

/** One layer of a scored model, with its weights already checked against its own shape. */
public sealed interface Layer extends Serializable permits SimpleRnnLayer, DenseLayer {
  /** The layer's name in the model file ({@code simple_rnn}, {@code dense_1}, ...). */
  String name();

  /** The Keras class name, as summaries print it. */
  String kerasClass();

  /** Features per timestep (recurrent) or per row (Dense) that the layer takes. */
  int inputWidth();

  /** Values per row that the layer gives: units. */
  int outputWidth();

  /** Trainable parameters, counted as Keras' model.summary() counts them. */
  long paramCount();
}
