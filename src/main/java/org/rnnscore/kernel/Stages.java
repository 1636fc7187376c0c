package org.rnnscore.kernel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.rnnscore.model.ActivationFunctionLayer;
import org.rnnscore.model.ActivationLayer;
import org.rnnscore.model.BatchNormalizationLayer;
import org.rnnscore.model.BidirectionalLayer;
import org.rnnscore.model.Conv1DLayer;
import org.rnnscore.model.GlobalPooling1DLayer;
import org.rnnscore.model.Pooling1DLayer;
import org.rnnscore.model.Conv2DLayer;
import org.rnnscore.model.DenseLayer;
import org.rnnscore.model.EmbeddingLayer;
import org.rnnscore.model.FlattenLayer;
import org.rnnscore.model.FrameFlattenLayer;
import org.rnnscore.model.Layer;
import org.rnnscore.model.LayerNormalizationLayer;
import org.rnnscore.model.MaskingLayer;
import org.rnnscore.model.PReluLayer;
import org.rnnscore.model.MergeLayer;
import org.rnnscore.model.PermuteLayer;
import org.rnnscore.model.Pooling2DLayer;
import org.rnnscore.model.RecurrentLayer;
import org.rnnscore.model.RepeatVectorLayer;
import org.rnnscore.model.ReshapeLayer;

/**
 * The kernel side of the layer registry: which {@link Stage} runs each model layer class. One
 * line per layer kind; a class not listed is looked up by its superclasses (SimpleRNN, LSTM and
 * GRU share {@link RecurrentLayer}'s stage). The io side ({@code io.LayerKinds}) maps Keras class
 * names to the model classes; the model classes carry their own shape rules.
 */
final class Stages {
  private static final Map<Class<?>, Function<Layer, Stage>> BY_LAYER = new ConcurrentHashMap<>();

  static {
    register(RecurrentLayer.class, RecurrentStage::new);
    register(BidirectionalLayer.class, BidirectionalStage::new);
    register(DenseLayer.class, DenseStage::new);
    register(ActivationLayer.class, ActivationStage::new);
    register(MaskingLayer.class, MaskingStage::new);
    register(EmbeddingLayer.class, EmbeddingStage::new);
    register(FlattenLayer.class, layer -> new FlattenStage());
    register(RepeatVectorLayer.class, RepeatVectorStage::new);
    register(ReshapeLayer.class, ReshapeStage::new);
    register(PermuteLayer.class, PermuteStage::new);
    register(Conv1DLayer.class, Conv1DStage::new);
    register(Pooling1DLayer.class, Pooling1DStage::new);
    register(GlobalPooling1DLayer.class, GlobalPooling1DStage::new);
    register(BatchNormalizationLayer.class, BatchNormalizationStage::new);
    register(LayerNormalizationLayer.class, LayerNormalizationStage::new);
    register(ActivationFunctionLayer.class, ActivationFunctionStage::new);
    register(PReluLayer.class, PReluStage::new);
    register(Conv2DLayer.class, Conv2DStage::new);
    register(Pooling2DLayer.class, Pooling2DStage::new);
    register(FrameFlattenLayer.class, layer -> new FrameFlattenStage());
    register(MergeLayer.class, MergeStage::new);
  }

  private Stages() {}

  /** Names the stage of a layer class (and of its subclasses that are not named themselves). */
  static <L extends Layer> void register(Class<L> type, Function<L, Stage> make) {
    BY_LAYER.put(type, layer -> make.apply(type.cast(layer)));
  }

  /** A new stage for {@code layer} (stages keep per-batch buffers: one per forward pass). */
  static Stage of(Layer layer) {
    for (Class<?> type = layer.getClass(); type != null; type = type.getSuperclass()) {
      Function<Layer, Stage> make = BY_LAYER.get(type);
      if (make != null) {
        return make.apply(layer);
      }
    }
    throw new IllegalArgumentException("no kernel for layer " + layer.name() + " (" + layer.kerasClass() + ")");
  }
}
