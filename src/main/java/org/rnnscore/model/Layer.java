package org.rnnscore.model;

import java.io.Serializable;

/** One layer of a scored model, with its weights already checked against its own shape. */
public sealed interface Layer extends Serializable
    permits RecurrentLayer, BidirectionalLayer, DenseLayer, EmbeddingLayer, MaskingLayer, FlattenLayer,
        ActivationLayer {
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
}
