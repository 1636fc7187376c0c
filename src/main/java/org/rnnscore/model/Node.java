package org.rnnscore.model;

import java.io.Serializable;
import java.util.List;

/**
 * One node of a model's graph: a layer and the tensors it reads, each named by the index of the
 * node that makes it, or {@link #MODEL_INPUT} for the model's input. A node only reads nodes
 * before it, so the node list is already in topological order.
 *
 * <p>A recurrent node may also start from states other layers give ({@code initialState}, Keras'
 * {@code initial_state}: a seq2seq decoder started from its encoder's {@code return_state}
 * outputs): one {@link Output} per state of the layer (h; for LSTM h then c).
 */
public record Node(Layer layer, List<Integer> inputs, List<Output> initialState) implements Serializable {
  /** The input index that stands for the model's input sequence (its first input, in a model of several). */
  public static final int MODEL_INPUT = -1;

  /** The input index that stands for the model's input {@code k} (0 is {@link #MODEL_INPUT}). */
  public static int input(int k) {
    return -1 - k;
  }

  /** Which model input an input index names, for {@code from < 0}. */
  public static int inputOf(int from) {
    return -1 - from;
  }

  /**
   * One output of a node: {@code index} 0 its main output, and for a recurrent layer with
   * return_state 1 its final h, 2 (LSTM) its final c — Keras' [output, state_h, state_c].
   */
  public record Output(int node, int index) implements Serializable {}

  public Node {
    if (layer == null) {
      throw new ModelFormatException("a model node has no layer");
    }
    inputs = List.copyOf(inputs);
    initialState = initialState == null ? List.of() : List.copyOf(initialState);
  }

  /** A node without initial-state wiring. */
  public Node(Layer layer, List<Integer> inputs) {
    this(layer, inputs, List.of());
  }

  /** A node reading one tensor: the model input or an earlier node's output. */
  public static Node of(Layer layer, int input) {
    return new Node(layer, List.of(input));
  }
}
