package org.rnnscore.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Keras {@code Reshape(target_shape)} over one row's tensor, a vector (W) or a sequence (T, W);
 * the target is a vector (n,) or a sequence (steps, width), with at most one −1 (inferred). Four
 * forms, by input and target:
 *
 * <ul>
 *   <li>identity: a vector to (W,), or a sequence to (T or −1, W): the row's steps as they are,
 *       at any row length;
 *   <li>to a vector: a sequence to (T·W,), as Flatten (needs the declared T);
 *   <li>to a sequence: a vector to (a, b), a·b = W: every row then has a steps;
 *   <li>regroup: a sequence to (a, b), b ≠ W, a·b = T·W: the time axis merged and split again
 *       (needs the declared T); every row then has a steps.
 * </ul>
 *
 * No mask leaves it (Keras 3's Reshape has supports_masking=False). Targets of rank 3 or more
 * (per-step images) are refused.
 */
public final class ReshapeLayer implements Layer {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final int[] target;

  /** @throws ModelFormatException for a target of rank 0 or over 2, sizes below 1 but −1, or two −1 */
  public ReshapeLayer(String name, int[] target) {
    this.name = name;
    this.target = target.clone();
    if (target.length < 1 || target.length > 2) {
      throw new ModelFormatException("layer '" + name + "' (Reshape) has target_shape " + text(target) + "; rnnscore"
          + " reshapes a row to a vector (n,) or a sequence (steps, width), not to a tensor of rank "
          + target.length);
    }
    long inferred = Arrays.stream(target).filter(v -> v == -1).count();
    if (inferred > 1 || Arrays.stream(target).anyMatch(v -> v < 1 && v != -1)) {
      throw new ModelFormatException("layer '" + name + "' (Reshape) has target_shape " + text(target)
          + ", expected positive sizes and at most one -1");
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String kerasClass() {
    return "Reshape";
  }

  /** The target shape as the file gives it (−1: inferred). */
  public int[] target() {
    return target.clone();
  }

  @Override
  public long paramCount() {
    return 0;
  }

  /** True when the reshape keeps a sequence's steps as they are: a target (T or −1, W). */
  public boolean keepsSteps(Shape input) {
    return input.sequence() ? target.length == 2 && target[1] == input.width() : target.length == 1;
  }

  @Override
  public Shape outputShape(Shape input, String source) {
    if (keepsSteps(input)) {
      if (input.sequence() && target[0] != -1 && input.timesteps() != 0 && target[0] != input.timesteps()) {
        throw mismatch(input, source);
      }
      if (!input.sequence() && target[0] != -1 && target[0] != input.width()) {
        throw mismatch(input, source);
      }
      return input;
    }
    if (input.sequence() && input.timesteps() == 0) {
      throw new ModelFormatException("layer '" + name + "' (Reshape) to " + text(target) + " merges the time axis"
          + " of " + source + ", so it needs a fixed number of timesteps, but the model declares None; declare the"
          + " input length (Input(shape=(T, D)))");
    }
    int values = input.sequence() ? input.timesteps() * input.width() : input.width();
    int known = Arrays.stream(target).filter(v -> v != -1).reduce(1, (a, b) -> a * b);
    boolean inferred = Arrays.stream(target).anyMatch(v -> v == -1);
    if (inferred ? values % known != 0 : known != values) {
      throw mismatch(input, source);
    }
    int[] resolved = Arrays.stream(target).map(v -> v == -1 ? values / known : v).toArray();
    return resolved.length == 1 ? Shape.vector(resolved[0]) : Shape.sequence(resolved[0], resolved[1]);
  }

  private ModelFormatException mismatch(Shape input, String source) {
    int values = input.sequence() ? input.timesteps() * input.width() : input.width();
    return new ModelFormatException("layer '" + name + "' (Reshape) cannot reshape what " + source + " gives, "
        + input.kerasText() + " (" + values + " values per row), to target_shape " + text(target));
  }

  @Override
  public boolean needsDeclaredTimesteps(Shape input) {
    return input.sequence() && !keepsSteps(input);
  }

  @Override
  public boolean mixesTime(Shape input) {
    return !keepsSteps(input) && target.length == 2;
  }

  @Override
  public String details() {
    return "target_shape " + text(target);
  }

  static String text(int[] shape) {
    return "(" + Arrays.stream(shape).mapToObj(v -> v == -1 ? "-1" : String.valueOf(v))
        .collect(Collectors.joining(", ")) + (shape.length == 1 ? ",)" : ")");
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
