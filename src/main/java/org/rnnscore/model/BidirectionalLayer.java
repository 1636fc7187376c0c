package org.rnnscore.model;

import java.util.Locale;

/**
 * Keras {@code Bidirectional}: a forward copy of a recurrent layer and a backward one (Keras runs
 * the backward half with go_backwards flipped, and with return_sequences reverses its outputs
 * back into input order before merging), merged step by step or on the last outputs.
 */
public final class BidirectionalLayer implements Layer {
  private static final long serialVersionUID = 1L;

  /** How the two halves are combined. */
  public enum MergeMode {
    CONCAT,
    SUM,
    MUL,
    AVE;

    public static MergeMode fromKeras(String layer, String name) {
      if (name == null || name.equals("None") || name.equals("null")) {
        throw new ModelFormatException("layer '" + layer + "' has merge_mode None (two separate outputs), which a"
            + " single prediction column cannot hold; supported: concat, sum, mul, ave");
      }
      switch (name.toLowerCase(Locale.ROOT)) {
        case "concat":
          return CONCAT;
        case "sum":
          return SUM;
        case "mul":
          return MUL;
        case "ave":
          return AVE;
        default:
          throw new ModelFormatException("layer '" + layer + "' has merge_mode '" + name
              + "'; supported: concat, sum, mul, ave");
      }
    }
  }

  private final String name;
  private final RecurrentLayer forward;
  private final RecurrentLayer backward;
  private final MergeMode mergeMode;

  /**
   * @param backward the backward half, whose go_backwards is the opposite of the forward's
   * @throws ModelFormatException when the halves disagree in input width, return_sequences, or
   *     (unless concatenated) units, or when the backward half does not run the other way
   */
  public BidirectionalLayer(String name, RecurrentLayer forward, RecurrentLayer backward, MergeMode mergeMode) {
    if (forward == null || backward == null || mergeMode == null) {
      throw new ModelFormatException("layer '" + name + "' needs a forward layer, a backward layer and a merge mode");
    }
    if (forward.inputWidth() != backward.inputWidth()) {
      throw new ModelFormatException("layer '" + name + "': the forward half reads " + forward.inputWidth()
          + " features but the backward half " + backward.inputWidth());
    }
    if (forward.returnSequences() != backward.returnSequences()) {
      throw new ModelFormatException("layer '" + name + "': the halves disagree on return_sequences");
    }
    if (forward.goBackwards() == backward.goBackwards()) {
      throw new ModelFormatException("layer '" + name + "': the backward half must run the other way from the"
          + " forward half (go_backwards " + forward.goBackwards() + " on both)");
    }
    if (mergeMode != MergeMode.CONCAT && forward.units() != backward.units()) {
      throw new ModelFormatException("layer '" + name + "': merge_mode " + mergeMode.name().toLowerCase(Locale.ROOT)
          + " needs halves of equal units, got " + forward.units() + " and " + backward.units());
    }
    this.name = name;
    this.forward = forward;
    this.backward = backward;
    this.mergeMode = mergeMode;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String kerasClass() {
    return "Bidirectional";
  }

  public RecurrentLayer forward() {
    return forward;
  }

  public RecurrentLayer backward() {
    return backward;
  }

  public MergeMode mergeMode() {
    return mergeMode;
  }

  public boolean returnSequences() {
    return forward.returnSequences();
  }

  public int outputWidth() {
    return mergeMode == MergeMode.CONCAT ? forward.units() + backward.units() : forward.units();
  }

  @Override
  public long paramCount() {
    return forward.paramCount() + backward.paramCount();
  }

  @Override
  public Shape outputShape(Shape input, String source) {
    forward.outputShape(input, source);
    backward.outputShape(input, source);
    return returnSequences() ? Shape.sequence(input.timesteps(), outputWidth()) : Shape.vector(outputWidth());
  }

  @Override
  public WeightArray inputKernel() {
    return forward.kernel();
  }

  @Override
  public String inputKernelOwner() {
    return forward.name();
  }

  @Override
  public boolean recurrent() {
    return true;
  }

  @Override
  public int hiddenUnits() {
    return outputWidth();
  }

  @Override
  public String details() {
    return "[" + forward.details() + "; merge " + mergeMode.name().toLowerCase(Locale.ROOT) + "]";
  }

  @Override
  public boolean masksOutput(boolean maskIn) {
    return maskIn && returnSequences();
  }
}
