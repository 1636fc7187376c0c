package org.rnnscore.model;

import java.util.Optional;

/**
 * Keras {@code TimeDistributed(Conv2D)} (channels_last): each step's H×W×C frame convolved with F
 * filters into an H'×W'×F frame — out[i][j][f] = act(b[f] + Σ kernel[u][v][c][f] ·
 * in[i·s + u·d − padTop][j·s + v·d − padLeft][c]), zero outside the frame. The kernel is
 * (kh, kw, C, F), as Keras saves it.
 *
 * <p>Masks: Keras 3's TimeDistributed passes the step mask on (its wrapped Conv2D never sees
 * it), so a mask leaves as it came; Keras 2's refuses a mask reaching a Conv2D (Conv2D has
 * supports_masking=False), which {@link #supportsMasking()} reports.
 */
public final class Conv2DLayer implements Layer {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final int filters;
  private final Window2D window;
  private final WeightArray kernel;
  private final WeightArray bias;
  private final Activation activation;

  /**
   * @param bias F values, or null (use_bias=False)
   * @throws ModelFormatException when the kernel is not (kh, kw, C, F) or the bias not F values
   */
  public Conv2DLayer(String name, int filters, Window2D window, WeightArray kernel, WeightArray bias,
      Activation activation) {
    Shapes.requirePositive(name, "filters", filters);
    if (kernel == null || kernel.shape().length != 4) {
      throw new ModelFormatException("layer '" + name + "' (Conv2D) kernel has shape "
          + (kernel == null ? "(missing)" : kernel.shapeText()) + ", expected (" + window.kernelH() + ", "
          + window.kernelW() + ", C, " + filters + ") (kernel_size × input channels × filters)");
    }
    Shapes.require(name, kernel, "kernel_size × input channels × filters", window.kernelH(), window.kernelW(),
        kernel.dim(2), filters);
    if (bias != null) {
      Shapes.require(name, bias, "one per filter", filters);
    }
    this.name = name;
    this.filters = filters;
    this.window = window;
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
    return "TimeDistributed(Conv2D)";
  }

  public int filters() {
    return filters;
  }

  /** C: the channels each input frame must have. */
  public int inputChannels() {
    return kernel.dim(2);
  }

  public Window2D window() {
    return window;
  }

  public WeightArray kernel() {
    return kernel;
  }

  public Optional<WeightArray> bias() {
    return Optional.ofNullable(bias);
  }

  public Activation activation() {
    return activation;
  }

  @Override
  public long paramCount() {
    return (long) kernel.size() + (bias == null ? 0 : filters);
  }

  @Override
  public Shape outputShape(Shape input, String source) {
    Frame frame = FrameLayers.requireFrames(name, kerasClass(), input, source);
    if (frame.channels() != inputChannels()) {
      throw new ModelFormatException("layer '" + name + "' (" + kerasClass() + ") kernel has shape "
          + kernel.shapeText() + " (" + inputChannels() + " input channels), but " + source + " gives frames of "
          + frame.text() + " (" + frame.channels() + " channels)");
    }
    return Shape.frames(input.timesteps(), window.outputFrame(name, kerasClass(), frame, filters));
  }

  @Override
  public boolean supportsMasking() {
    return false;
  }

  @Override
  public String details() {
    return filters + " filters " + window.text() + ", " + activation.kerasName();
  }
}
