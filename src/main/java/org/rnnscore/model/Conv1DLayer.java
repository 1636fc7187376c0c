package org.rnnscore.model;

import java.util.Optional;

/**
 * Keras {@code Conv1D} over a sequence of D features per step (channels_last, groups = 1): per
 * output step j, y[j] = act(b + Σ_i x[j·s + i·d − padLeft]·kernel[i]), {@code kernel} k×D×filters
 * as Keras stores it, taps outside the row reading zeros ({@link Padding1D}). A row of L steps
 * gives {@link #outputSteps(int)} steps: each row is convolved alone at its own length, and a row
 * too short for one valid window is a bad row ({@link #minimumSteps()}). No mask leaves it (Keras
 * 3's Conv1D has supports_masking=False).
 */
public final class Conv1DLayer implements WindowedStepsLayer {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final int filters;
  private final int kernelSize;
  private final int inputWidth;
  private final int stride;
  private final int dilation;
  private final Padding1D padding;
  private final WeightArray kernel;
  private final WeightArray bias;
  private final Activation activation;

  /**
   * @param bias null when use_bias = false
   * @throws ModelFormatException for sizes below 1, strides and dilation both over 1 (Keras
   *     refuses them), or weights of another shape
   */
  public Conv1DLayer(String name, int filters, int kernelSize, int stride, int dilation, Padding1D padding,
      WeightArray kernel, WeightArray bias, Activation activation) {
    Shapes.requirePositive(name, "filters", filters);
    Shapes.requirePositive(name, "kernel_size", kernelSize);
    Shapes.requirePositive(name, "strides", stride);
    Shapes.requirePositive(name, "dilation_rate", dilation);
    if (stride > 1 && dilation > 1) {
      throw new ModelFormatException("layer '" + name + "' (Conv1D) has strides " + stride + " and dilation_rate "
          + dilation + "; Keras does not allow strides > 1 together with dilation_rate > 1");
    }
    if (padding == null || activation == null) {
      throw new ModelFormatException("layer '" + name + "' (Conv1D) has no " + (padding == null ? "padding" : "activation"));
    }
    if (kernel == null || kernel.rank() != 3) {
      throw new ModelFormatException("layer '" + name + "' kernel has shape "
          + (kernel == null ? "(missing)" : kernel.shapeText()) + ", expected (kernel_size " + kernelSize
          + ", input width, filters " + filters + ")");
    }
    int in = kernel.dim(1);
    Shapes.requirePositive(name, "input width (kernel axis 1)", in);
    Shapes.require(name, kernel, "kernel_size = " + kernelSize + ", filters = " + filters, kernelSize, in, filters);
    if (bias != null) {
      Shapes.require(name, bias, "filters = " + filters, filters);
    }
    this.name = name;
    this.filters = filters;
    this.kernelSize = kernelSize;
    this.inputWidth = in;
    this.stride = stride;
    this.dilation = dilation;
    this.padding = padding;
    this.kernel = kernel;
    this.bias = bias;
    this.activation = activation;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String kerasClass() {
    return "Conv1D";
  }

  public int filters() {
    return filters;
  }

  public int kernelSize() {
    return kernelSize;
  }

  public int inputWidth() {
    return inputWidth;
  }

  public int stride() {
    return stride;
  }

  public int dilation() {
    return dilation;
  }

  public Padding1D padding() {
    return padding;
  }

  /** k×D×filters, as Keras stores it. */
  public WeightArray kernel() {
    return kernel;
  }

  public Optional<WeightArray> bias() {
    return Optional.ofNullable(bias);
  }

  public Activation activation() {
    return activation;
  }

  /** The steps the kernel spans: (k − 1)·d + 1. */
  public int span() {
    return (kernelSize - 1) * dilation + 1;
  }

  @Override
  public int outputSteps(int steps) {
    return padding.outputSteps(steps, span(), stride);
  }

  /** Zeros before the row's first step, for a row of {@code steps} steps. */
  public int padLeft(int steps) {
    return padding.padLeft(steps, span(), stride);
  }

  /** The shortest row this layer gives a step for: its receptive field, for valid padding. */
  public int minimumSteps() {
    return padding.minimumSteps(span());
  }

  @Override
  public long paramCount() {
    return (long) kernelSize * inputWidth * filters + (bias == null ? 0 : filters);
  }

  @Override
  public WeightArray inputKernel() {
    return kernel;
  }

  @Override
  public int inputKernelWidth() {
    return inputWidth;
  }

  @Override
  public Shape outputShape(Shape input, String source) {
    if (!input.sequence()) {
      throw new ModelFormatException("layer '" + name + "' (Conv1D) needs a sequence, but " + source
          + " gives one vector per row (" + input.kerasText() + ")");
    }
    if (input.width() != inputWidth) {
      throw new ModelFormatException("layer '" + name + "' kernel has shape " + kernel.shapeText() + ", expected "
          + WeightArray.shapeText(kernelSize, input.width(), filters) + " (input width " + input.width() + " from "
          + source + ")");
    }
    int steps = 0;
    if (input.timesteps() > 0) {
      steps = outputSteps(input.timesteps());
      if (steps == 0) {
        throw new ModelFormatException("layer '" + name + "' (Conv1D) spans " + span() + " steps, but " + source
            + " gives " + input.timesteps() + " (" + input.kerasText() + "): it would give no steps at all");
      }
    }
    return Shape.sequence(steps, filters);
  }

  @Override
  public boolean mixesTime(Shape input) {
    return kernelSize > 1 || stride > 1;
  }

  @Override
  public String details() {
    return "kernel " + kernelSize + ", " + padding.kerasName() + (stride > 1 ? ", strides " + stride : "")
        + (dilation > 1 ? ", dilation " + dilation : "") + ", " + activation.kerasName()
        + (bias == null ? ", no bias" : "");
  }
}
