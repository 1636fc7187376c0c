package org.rnnscore.model;

import java.util.Optional;

/**
 * What SimpleRNN, LSTM and GRU share: input projection {@code kernel} D×(G·M), {@code
 * recurrent_kernel} M×(G·M) and an optional bias, G gates of M units each, in Keras' gate order.
 */
public abstract sealed class RecurrentLayer implements Layer permits SimpleRnnLayer, LstmLayer, GruLayer {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final int units;
  private final int inputWidth;
  private final WeightArray kernel;
  private final WeightArray recurrentKernel;
  private final WeightArray bias;
  private final Activation activation;
  private final Activation recurrentActivation;
  private final Sequencing sequencing;

  /**
   * @param gates G: 1 (SimpleRNN), 4 (LSTM: i, f, c, o), 3 (GRU: z, r, h)
   * @param biasShape the bias' expected shape; the bias is null when use_bias=False
   * @param recurrentActivation the gates' activation (null for SimpleRNN, which has none)
   */
  RecurrentLayer(String name, int units, int gates, WeightArray kernel, WeightArray recurrentKernel,
      WeightArray bias, int[] biasShape, Activation activation, Activation recurrentActivation,
      Sequencing sequencing) {
    Shapes.requirePositive(name, "units", units);
    int width = gates * units;
    String why = gates == 1 ? "units = " + units : gates + " gates × units = " + gates + " × " + units;
    if (kernel == null || kernel.rank() != 2) {
      throw new ModelFormatException("layer '" + name + "' kernel has shape "
          + (kernel == null ? "(missing)" : kernel.shapeText()) + ", expected [D, " + width + "] (" + why + ")");
    }
    int d = kernel.dim(0);
    Shapes.requirePositive(name, "input width D (kernel rows)", d);
    Shapes.require(name, kernel, why, d, width);
    Shapes.require(name, recurrentKernel, why, units, width);
    if (bias != null) {
      Shapes.require(name, bias, why, biasShape);
    }
    requireElementwise(name, "activation", activation);
    if (gates > 1) {
      requireElementwise(name, "recurrent_activation", recurrentActivation);
    }
    if (sequencing == null) {
      throw new ModelFormatException("layer '" + name + "' has no sequencing options");
    }
    this.name = name;
    this.units = units;
    this.inputWidth = d;
    this.kernel = kernel;
    this.recurrentKernel = recurrentKernel;
    this.bias = bias;
    this.activation = activation;
    this.recurrentActivation = recurrentActivation;
    this.sequencing = sequencing;
  }

  private static void requireElementwise(String name, String what, Activation activation) {
    if (activation == null) {
      throw new ModelFormatException("layer '" + name + "' has no " + what);
    }
    if (!activation.isElementwise()) {
      throw new ModelFormatException("layer '" + name + "' has " + what + " " + activation.kerasName()
          + ", which a recurrent layer cannot use (it is not element-wise)");
    }
  }

  @Override
  public String name() {
    return name;
  }

  /** M. */
  public int units() {
    return units;
  }

  /** D: features per timestep the layer reads. */
  public int inputWidth() {
    return inputWidth;
  }

  /** Values per step or per row the layer gives: M. */
  public int outputWidth() {
    return units;
  }

  /** G: the number of M-wide blocks in the kernels. */
  public abstract int gates();

  public WeightArray kernel() {
    return kernel;
  }

  public WeightArray recurrentKernel() {
    return recurrentKernel;
  }

  public Optional<WeightArray> bias() {
    return Optional.ofNullable(bias);
  }

  public Activation activation() {
    return activation;
  }

  /** The gates' activation; SimpleRNN has none and answers its activation. */
  public Activation recurrentActivation() {
    return recurrentActivation == null ? activation : recurrentActivation;
  }

  public Sequencing sequencing() {
    return sequencing;
  }

  public boolean returnSequences() {
    return sequencing.returnSequences();
  }

  public boolean goBackwards() {
    return sequencing.goBackwards();
  }

  /** This layer with other sequencing options (Bidirectional's backward copy, for instance). */
  public abstract RecurrentLayer withSequencing(Sequencing other);

  /** This layer with another activation (the npz format's --activation). */
  public abstract RecurrentLayer withActivation(Activation other);

  WeightArray biasOrNull() {
    return bias;
  }

  Activation recurrentActivationOrNull() {
    return recurrentActivation;
  }

  @Override
  public long paramCount() {
    return kernel.size() + (long) recurrentKernel.size() + (bias == null ? 0 : bias.size());
  }

  @Override
  public Shape outputShape(Shape input, String source) {
    if (!input.sequence()) {
      throw new ModelFormatException("layer '" + name + "' (" + kerasClass() + ") needs a sequence, but " + source
          + " gives one vector per row (return_sequences=False)");
    }
    if (input.width() != inputWidth) {
      throw new ModelFormatException("layer '" + name + "' kernel has shape " + kernel.shapeText() + ", expected "
          + WeightArray.shapeText(input.width(), kernel.dim(1)) + " (input width " + input.width() + " from "
          + source + ")");
    }
    return sequencing.returnSequences() ? Shape.sequence(input.timesteps(), units) : Shape.vector(units);
  }

  @Override
  public WeightArray inputKernel() {
    return kernel;
  }

  @Override
  public boolean recurrent() {
    return true;
  }

  @Override
  public int hiddenUnits() {
    return units;
  }

  @Override
  public String details() {
    StringBuilder s = new StringBuilder(activation.kerasName());
    if (gates() > 1) {
      s.append("/").append(recurrentActivation().kerasName());
    }
    s.append(cellDetails());
    if (bias == null) {
      s.append(", no bias");
    }
    if (goBackwards()) {
      s.append(", go_backwards");
    }
    if (returnSequences()) {
      s.append(", return_sequences");
    }
    if (sequencing.stateful()) {
      s.append(", ").append(STATEFUL_DETAILS);
    }
    return s.toString();
  }

  /** What inspect says of a stateful=True layer ({@link Sequencing#stateful}). */
  public static final String STATEFUL_DETAILS = "stateful=True: scored from the zero state per row";

  /** What a cell adds to {@link #details()} after its activations (GRU: reset_after or reset_before). */
  String cellDetails() {
    return "";
  }

  @Override
  public boolean masksOutput(boolean maskIn) {
    return maskIn && returnSequences();
  }
}
