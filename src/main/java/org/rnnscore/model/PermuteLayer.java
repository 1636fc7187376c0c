package org.rnnscore.model;

import java.util.Arrays;

/**
 * Keras {@code Permute(dims)} over one row's tensor (dims count from 1, the batch axis left out):
 * on a sequence (T, W), (1, 2) keeps it as it is, at any row length, and (2, 1) swaps time and
 * features (needs the declared T; every row then has W steps of T values); on a vector, (1,). No
 * mask leaves it (Keras 3's Permute has supports_masking=False). Other dims are refused.
 */
public final class PermuteLayer implements Layer {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final int[] dims;

  /** @throws ModelFormatException unless dims is (1,), (1, 2) or (2, 1) */
  public PermuteLayer(String name, int[] dims) {
    this.name = name;
    this.dims = dims.clone();
    if (!Arrays.equals(dims, new int[] {1}) && !Arrays.equals(dims, new int[] {1, 2})
        && !Arrays.equals(dims, new int[] {2, 1})) {
      throw new ModelFormatException("layer '" + name + "' (Permute) has dims " + ReshapeLayer.text(dims)
          + "; rnnscore permutes a row's (steps, features) as (1, 2) or (2, 1), or a vector as (1,), and no tensor"
          + " of higher rank");
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String kerasClass() {
    return "Permute";
  }

  /** The dims as the file gives them. */
  public int[] dims() {
    return dims.clone();
  }

  /** True when the permutation swaps time and features: dims (2, 1). */
  public boolean swaps() {
    return dims.length == 2 && dims[0] == 2;
  }

  @Override
  public long paramCount() {
    return 0;
  }

  @Override
  public Shape outputShape(Shape input, String source) {
    if (dims.length != (input.sequence() ? 2 : 1)) {
      throw new ModelFormatException("layer '" + name + "' (Permute) has dims " + ReshapeLayer.text(dims) + ", but "
          + source + " gives " + input.kerasText() + ", expected " + (input.sequence() ? "(1, 2) or (2, 1)" : "(1,)"));
    }
    if (!swaps()) {
      return input;
    }
    if (input.timesteps() == 0) {
      throw new ModelFormatException("layer '" + name + "' (Permute) with dims (2, 1) swaps the time axis of "
          + source + ", so it needs a fixed number of timesteps, but the model declares None; declare the input"
          + " length (Input(shape=(T, D)))");
    }
    return Shape.sequence(input.width(), input.timesteps());
  }

  @Override
  public boolean needsDeclaredTimesteps(Shape input) {
    return swaps();
  }

  @Override
  public boolean mixesTime(Shape input) {
    return swaps();
  }

  @Override
  public String details() {
    return "dims " + ReshapeLayer.text(dims);
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
