package org.rnnscore.model;

import java.util.List;
import java.util.Locale;

/**
 * Keras' merge layers, which join two or more branches of a graph: {@code Concatenate(axis)} over
 * the features, the element-wise {@code Add}, {@code Subtract} (exactly two inputs),
 * {@code Multiply}, {@code Average}, {@code Maximum}, {@code Minimum}, and {@code Dot(axes,
 * normalize)} of two vectors per row. No weights.
 *
 * <p>Masks: the element-wise merges and Concatenate give the AND of their inputs' masks (Keras'
 * {@code Merge.compute_mask}, {@code Concatenate.compute_mask}; an input without a mask counts as
 * all-true); Dot gives none (its inputs here are vectors, which carry none).
 */
public final class MergeLayer implements Layer {
  private static final long serialVersionUID = 1L;

  /** The merge operation, named as Keras names the class. */
  public enum Op {
    CONCATENATE("Concatenate"), ADD("Add"), SUBTRACT("Subtract"), MULTIPLY("Multiply"), AVERAGE("Average"),
    MAXIMUM("Maximum"), MINIMUM("Minimum"), DOT("Dot");

    private final String kerasClass;

    Op(String kerasClass) {
      this.kerasClass = kerasClass;
    }

    public String kerasClass() {
      return kerasClass;
    }
  }

  private final String name;
  private final Op op;
  private final boolean normalize;
  /** Concatenate: {axis}; Dot: {axes of the first input, axes of the second}; others: empty. */
  private final int[] axes;

  /**
   * @param axes Concatenate's axis as one value, Dot's axes as two (Keras' batch axis is 0);
   *     empty for the other ops. Checked against the input shapes by {@link #outputShape}.
   * @param normalize Dot only: L2-normalize both vectors first (the cosine)
   * @throws ModelFormatException when a name or op is missing, or normalize is set on another op
   */
  public MergeLayer(String name, Op op, int[] axes, boolean normalize) {
    if (name == null || op == null) {
      throw new ModelFormatException("a merge layer needs a name and an operation");
    }
    if (normalize && op != Op.DOT) {
      throw new ModelFormatException("layer '" + name + "' (" + op.kerasClass + ") has normalize=true, which only Dot"
          + " takes");
    }
    this.name = name;
    this.op = op;
    this.normalize = normalize;
    int[] given = axes == null ? new int[0] : axes.clone();
    int expected = op == Op.CONCATENATE ? 1 : op == Op.DOT ? 2 : 0;
    if (given.length != expected) {
      throw new ModelFormatException("layer '" + name + "' (" + op.kerasClass + ") is given " + given.length
          + " axes, expected " + expected);
    }
    this.axes = given;
  }

  /** An element-wise merge, Concatenate over the last axis, or Dot over the vectors' features. */
  public static MergeLayer of(String name, Op op) {
    int[] axes = op == Op.CONCATENATE ? new int[] {-1} : op == Op.DOT ? new int[] {-1, -1} : new int[0];
    return new MergeLayer(name, op, axes, false);
  }

  /** Concatenate's axis, or Dot's two axes, as the file gives them. */
  public int[] axes() {
    return axes.clone();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String kerasClass() {
    return op.kerasClass;
  }

  public Op op() {
    return op;
  }

  public boolean normalize() {
    return normalize;
  }

  @Override
  public long paramCount() {
    return 0;
  }

  @Override
  public Shape outputShape(Shape input, String source) {
    return outputShape(List.of(input), List.of(source));
  }

  @Override
  public Shape outputShape(List<Shape> inputs, List<String> sources) {
    String self = "layer '" + name + "' (" + op.kerasClass + ")";
    if (op == Op.SUBTRACT || op == Op.DOT ? inputs.size() != 2 : inputs.size() < 2) {
      throw new ModelFormatException(self + " takes " + (op == Op.SUBTRACT || op == Op.DOT ? "exactly 2" : "at least 2")
          + " inputs, but is given " + inputs.size());
    }
    Shape first = inputs.get(0);
    for (int i = 1; i < inputs.size(); i++) {
      Shape other = inputs.get(i);
      boolean same = other.sequence() == first.sequence() && other.timesteps() == first.timesteps()
          && (op == Op.CONCATENATE || other.width() == first.width());
      if (!same) {
        throw new ModelFormatException(self + " cannot merge " + sources.get(0) + " " + first.kerasText() + " with "
            + sources.get(i) + " " + other.kerasText() + "; expected " + (op == Op.CONCATENATE
            ? "the same shape apart from the last axis" : "inputs of one shape"));
      }
    }
    if (op == Op.DOT) {
      if (first.sequence()) {
        throw new ModelFormatException(self + " takes two vectors per row, but " + sources.get(0) + " gives a sequence "
            + first.kerasText() + "; a Dot over timesteps (attention scores) is not run by this version");
      }
      for (int axis : axes) {
        if (axis != 1 && axis != -1) {
          throw new ModelFormatException(self + " has axes " + java.util.Arrays.toString(axes) + "; for two vectors"
              + " per row " + first.kerasText() + " expected 1 or -1 (the features; 0 is the batch)");
        }
      }
      return Shape.vector(1);
    }
    if (op == Op.CONCATENATE) {
      int last = first.sequence() ? 2 : 1;
      if (axes[0] != -1 && axes[0] != last) {
        throw new ModelFormatException(self + " has axis " + axes[0] + " for inputs " + first.kerasText() + "; this"
            + " version concatenates only over the features (axis -1 or " + last + ")" + (first.sequence()
            && axes[0] == 1 ? ", not over timesteps" : ""));
      }
      int width = 0;
      for (Shape shape : inputs) {
        width += shape.width();
      }
      return new Shape(first.sequence(), first.timesteps(), width);
    }
    return first;
  }

  @Override
  public boolean masksOutput(boolean maskIn) {
    return op != Op.DOT && maskIn;
  }

  @Override
  public String details() {
    return op == Op.DOT && normalize ? "normalize" : "";
  }

  @Override
  public String toString() {
    return name + " (" + op.name().toLowerCase(Locale.ROOT) + ")";
  }
}
