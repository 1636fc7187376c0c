package org.rnnscore.model;

/**
 * Keras {@code RepeatVector(n)}: one vector of W values per row becomes a sequence of n steps, each
 * the vector. Every row then has n steps, whatever its input length; no mask leaves it (Keras 3's
 * RepeatVector has supports_masking=False, and its input, a vector, never carries one).
 */
public final class RepeatVectorLayer implements Layer {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final int n;

  /** @throws ModelFormatException when n is below 1 */
  public RepeatVectorLayer(String name, int n) {
    Shapes.requirePositive(name, "n", n);
    this.name = name;
    this.n = n;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String kerasClass() {
    return "RepeatVector";
  }

  /** The number of steps every row gets. */
  public int n() {
    return n;
  }

  @Override
  public long paramCount() {
    return 0;
  }

  @Override
  public Shape outputShape(Shape input, String source) {
    if (input.sequence()) {
      throw new ModelFormatException("layer '" + name + "' (RepeatVector) needs one vector per row, but " + source
          + " gives a sequence (" + input.kerasText() + "); put it after a layer without return_sequences");
    }
    return Shape.sequence(n, input.width());
  }

  @Override
  public boolean mixesTime(Shape input) {
    return true;
  }

  @Override
  public String details() {
    return "n " + n;
  }

  @Override
  public boolean masksOutput(boolean maskIn) {
    return false;
  }

  @Override
  public boolean supportsMasking() {
    return false;
  }
}
