package org.rnnscore.io;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The registry of layer kinds: every Keras class name rnnscore reads or refuses by name, and the
 * {@link LayerKind} that handles it. Adding a layer kind is one line here (and, kernel side, one
 * in {@code kernel.Stages}).
 */
final class LayerKinds {
  private static final List<LayerKind> ALL = List.of(
      new RecurrentKind(),
      new BidirectionalKind(),
      new DenseKind(),
      new TimeDistributedKind(),
      new EmbeddingKind(),
      new MaskingKind(),
      new FlattenKind(),
      new RepeatVectorKind(),
      new ReshapeKind(),
      new Conv1DKind(),
      new PoolingKind(),
      new ActivationKind(),
      new BatchNormalizationKind(),
      new LayerNormalizationKind(),
      new ActivationFunctionKind(),
      new PruneLowMagnitudeKind(),
      new MergeKind(),
      new InferenceIdentityKind(),
      new RefusedKind("Lambda", LayerConfigs.NEVER_RUN),
      new RefusedKind("Attention", LayerConfigs.ATTENTION),
      new RefusedKind("AdditiveAttention", LayerConfigs.ATTENTION),
      new RefusedKind("MultiHeadAttention", LayerConfigs.ATTENTION),
      new RefusedKind("ConvLSTM2D", "a convolutional recurrent layer over sequences of images, which this version"
          + " does not run"),
      new RefusedKind("SeparableConv1D", LayerConfigs.NO_CONVOLUTION),
      new RefusedKind("Conv1DTranspose", LayerConfigs.NO_CONVOLUTION),
      new RefusedKind("Conv2D", FrameKinds.ONLY_TIME_DISTRIBUTED),
      new RefusedKind("MaxPooling2D", FrameKinds.ONLY_TIME_DISTRIBUTED),
      new RefusedKind("AveragePooling2D", FrameKinds.ONLY_TIME_DISTRIBUTED));

  private static final Map<String, LayerKind> BY_CLASS = byClass();

  /** What messages list as supported, in registry order. */
  static final String SUPPORTED = "supported: InputLayer, " + ALL.stream().map(LayerKind::supportedText)
      .filter(Objects::nonNull).collect(Collectors.joining(", "));

  /** What Keras 1 files may hold, in registry order. */
  static final String KERAS1_SUPPORTED = "rnnscore reads Keras 1 files with " + ALL.stream()
      .filter(LayerKind::readsKeras1).flatMap(kind -> kind.keras1ClassNames().stream()).collect(Collectors.joining(", "))
      + " layers; re-save the model with Keras 2 or later for the others";

  private LayerKinds() {}

  private static Map<String, LayerKind> byClass() {
    Map<String, LayerKind> map = new HashMap<>();
    for (LayerKind kind : ALL) {
      for (String className : kind.classNames()) {
        if (map.put(className, kind) != null) {
          throw new IllegalStateException("two layer kinds read " + className);
        }
      }
    }
    return Map.copyOf(map);
  }

  /** The kind that reads Keras class {@code className}, or null when none does. */
  static LayerKind of(String className) {
    return BY_CLASS.get(className);
  }
}
