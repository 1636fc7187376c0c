package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A scored layer of a Keras config, with the kind that reads it and its position among layers of
 * its class: what {@link LayerKind#parse} gives and the kind's other methods read.
 */
public final class LayerSpec {
  public final LayerKind kind;
  public final String className;
  public final String name;
  public final JsonNode config;
  /** 0 for the first layer of this class in layer order, 1 for the second, ... (Keras 3 weight paths). */
  public final int classOrdinal;
  /**
   * As {@link #classOrdinal}, with each earlier layer of the class that has weights counted twice
   * (tf.keras 2.13–2.15's checkpoint container; see {@code KerasV3Reader.Layout}); set by the walk.
   */
  int checkpointOrdinal;
  /** A wrapper's wrapped layers: Bidirectional its two halves; TimeDistributed the inner layer, as {@code forward}. */
  public final LayerSpec forward;
  public final LayerSpec backward;

  public LayerSpec(LayerKind kind, String className, String name, JsonNode config, int classOrdinal) {
    this(kind, className, name, config, classOrdinal, null, null);
  }

  public LayerSpec(LayerKind kind, String className, String name, JsonNode config, int classOrdinal, LayerSpec forward,
      LayerSpec backward) {
    this.kind = kind;
    this.className = className;
    this.name = name;
    this.config = config;
    this.classOrdinal = classOrdinal;
    this.forward = forward;
    this.backward = backward;
  }

  /** A plain (unwrapped) SimpleRNN, LSTM or GRU. */
  boolean isRecurrent() {
    return kind instanceof RecurrentKind;
  }

  /** Whether the file holds weights for this layer. */
  boolean hasWeights() {
    return !kind.weightNames(this).isEmpty();
  }
}