package org.rnnscore.model;

/**
 * The one axis a normalization layer works over, as its config gave it: −1 or the index of the
 * feature axis (2 on a sequence, 1 on a vector). Only the feature axis is run: the statistics
 * and weights are then one value per feature, and a row's values are normalized feature by
 * feature (BatchNormalization) or step by step (LayerNormalization).
 */
final class NormalizationAxis {
  private NormalizationAxis() {}

  /** Checks that {@code axis} is the feature axis of {@code input}. */
  static void requireFeatureAxis(String layer, String kerasClass, int axis, Shape input, String source) {
    int last = input.frame() != null ? 4 : input.sequence() ? 2 : 1;
    if (axis != -1 && axis != last) {
      throw new ModelFormatException("layer '" + layer + "' (" + kerasClass + ") has axis " + axis + " on the input "
          + input.kerasText() + " from " + source + ", expected -1 or " + last + " (the feature axis): rnnscore"
          + " normalizes over the features only");
    }
  }

  static void requireEpsilon(String layer, double epsilon) {
    if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
      throw new ModelFormatException("layer '" + layer + "' has epsilon " + epsilon + ", expected a positive number");
    }
  }
}
