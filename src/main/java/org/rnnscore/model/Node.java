package org.rnnscore.model;

import java.io.Serializable;
import java.util.List;

/**
 * One node of a model's graph: a layer and the tensors it reads, each named by the index of the
 * node that makes it, or {@link #MODEL_INPUT} for the model's input. A node only reads nodes
 * before it, so the node list is already in topological order.
 */
public record Node(Layer layer, List<Integer> inputs) implements Serializable {
  /** The input index that stands for the model's input sequence. */
  public static final int MODEL_INPUT = -1;

  public Node {
    if (layer == null) {
      throw new ModelFormatException("a model node has no layer");
    }
    inputs = List.copyOf(inputs);
  }

  /** A node reading one tensor: the model input or an earlier node's output. */
  public static Node of(Layer layer, int input) {
    return new Node(layer, List.of(input));
  }
}
