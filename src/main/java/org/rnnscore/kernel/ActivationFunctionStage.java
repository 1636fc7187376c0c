package org.rnnscore.kernel;

import org.rnnscore.model.Activation;
import org.rnnscore.model.ActivationFunctionLayer;

/** ReLU, LeakyReLU, ELU, ThresholdedReLU element-wise; Softmax per row (step) of the matrix. */
public final class ActivationFunctionStage implements Stage {
  private final ActivationFunctionLayer.Function function;
  private final float slope;
  private final float maxValue;
  private final float threshold;

  public ActivationFunctionStage(ActivationFunctionLayer layer) {
    this.function = layer.function();
    this.slope = (float) layer.slope();
    this.maxValue = (float) layer.maxValue();
    this.threshold = (float) layer.threshold();
  }

  @Override
  public Tensor apply(Tensor input, Batch batch) {
    float[] y = input.data.clone();
    switch (function) {
      case SOFTMAX:
        Matrices.activate(y, input.width, Activation.SOFTMAX);
        break;
      case RELU:
        // Keras' relu(x, negative_slope, max_value, threshold): x where above the threshold (else 0), clipped to
        // [0, max_value], minus negative_slope·relu(threshold − x). A negative threshold thus gives 0 up to 0.
        for (int i = 0; i < y.length; i++) {
          float x = y[i];
          float kept = x > threshold ? Math.min(Math.max(x, 0f), maxValue) : 0f;
          y[i] = kept - slope * Math.max(threshold - x, 0f);
        }
        break;
      case LEAKY_RELU:
        for (int i = 0; i < y.length; i++) {
          y[i] = y[i] >= 0 ? y[i] : slope * y[i];
        }
        break;
      case ELU:
        for (int i = 0; i < y.length; i++) {
          y[i] = y[i] > 0 ? y[i] : slope * (float) Math.expm1(y[i]);
        }
        break;
      case THRESHOLDED_RELU:
        for (int i = 0; i < y.length; i++) {
          y[i] = y[i] > threshold ? y[i] : 0f;
        }
        break;
      default:
        throw new IllegalStateException(function.toString());
    }
    return input.withData(y, input.width);
  }
}
