package org.rnnscore.layers;

import static org.rnnscore.kernel.StageFactory.of;

import java.util.List;
import org.rnnscore.io.ActivationFunctionKind;
import org.rnnscore.io.ActivationKind;
import org.rnnscore.io.BatchNormalizationKind;
import org.rnnscore.io.BidirectionalKind;
import org.rnnscore.io.Conv1DKind;
import org.rnnscore.io.DenseKind;
import org.rnnscore.io.EmbeddingKind;
import org.rnnscore.io.FlattenKind;
import org.rnnscore.io.FrameKinds;
import org.rnnscore.io.InferenceIdentityKind;
import org.rnnscore.io.LayerConfigs;
import org.rnnscore.io.LayerKind;
import org.rnnscore.io.LayerKindProvider;
import org.rnnscore.io.LayerNormalizationKind;
import org.rnnscore.io.MaskingKind;
import org.rnnscore.io.MergeKind;
import org.rnnscore.io.PoolingKind;
import org.rnnscore.io.PruneLowMagnitudeKind;
import org.rnnscore.io.RecurrentKind;
import org.rnnscore.io.RefusedKind;
import org.rnnscore.io.ReshapeKind;
import org.rnnscore.io.TimeDistributedKind;
import org.rnnscore.kernel.ActivationFunctionStage;
import org.rnnscore.kernel.ActivationStage;
import org.rnnscore.kernel.BatchNormalizationStage;
import org.rnnscore.kernel.BidirectionalStage;
import org.rnnscore.kernel.Conv1DStage;
import org.rnnscore.kernel.Conv2DStage;
import org.rnnscore.kernel.DenseStage;
import org.rnnscore.kernel.EmbeddingStage;
import org.rnnscore.kernel.FlattenStage;
import org.rnnscore.kernel.FrameFlattenStage;
import org.rnnscore.kernel.GlobalPooling1DStage;
import org.rnnscore.kernel.LayerNormalizationStage;
import org.rnnscore.kernel.MaskingStage;
import org.rnnscore.kernel.MergeStage;
import org.rnnscore.kernel.PReluStage;
import org.rnnscore.kernel.PermuteStage;
import org.rnnscore.kernel.Pooling1DStage;
import org.rnnscore.kernel.Pooling2DStage;
import org.rnnscore.kernel.RecurrentStage;
import org.rnnscore.kernel.ReshapeStage;
import org.rnnscore.kernel.StageFactory;
import org.rnnscore.kernel.StageProvider;
import org.rnnscore.model.ActivationFunctionLayer;
import org.rnnscore.model.ActivationLayer;
import org.rnnscore.model.BatchNormalizationLayer;
import org.rnnscore.model.BidirectionalLayer;
import org.rnnscore.model.Conv1DLayer;
import org.rnnscore.model.Conv2DLayer;
import org.rnnscore.model.DenseLayer;
import org.rnnscore.model.EmbeddingLayer;
import org.rnnscore.model.FlattenLayer;
import org.rnnscore.model.FrameFlattenLayer;
import org.rnnscore.model.GlobalPooling1DLayer;
import org.rnnscore.model.LayerNormalizationLayer;
import org.rnnscore.model.MaskingLayer;
import org.rnnscore.model.MergeLayer;
import org.rnnscore.model.PReluLayer;
import org.rnnscore.model.PermuteLayer;
import org.rnnscore.model.Pooling1DLayer;
import org.rnnscore.model.Pooling2DLayer;
import org.rnnscore.model.RecurrentLayer;
import org.rnnscore.model.ReshapeLayer;

/**
 * The layer registry: every Keras layer kind rnnscore reads or refuses by name, one line each, in
 * the order "supported: ..." messages list them. Both the readers ({@code io}) and the kernel
 * find the kinds here, through the {@link LayerKindProvider} and {@link StageProvider} services
 * this class provides ({@code META-INF/services}), so that neither names a layer kind itself.
 */
public final class LayerUnits implements LayerKindProvider, StageProvider {
  static final List<LayerUnit> ALL = List.of(
      LayerUnit.of(new RecurrentKind(), of(RecurrentLayer.class, RecurrentStage::new)),
      LayerUnit.of(new BidirectionalKind(), of(BidirectionalLayer.class, BidirectionalStage::new)),
      LayerUnit.of(new DenseKind(), of(DenseLayer.class, DenseStage::new)),
      // TimeDistributed builds the inner layer's own model layer (Dense, BatchNormalization...), or
      // for 2-D layers over frames the per-frame layers below.
      LayerUnit.of(new TimeDistributedKind(), of(Conv2DLayer.class, Conv2DStage::new),
          of(Pooling2DLayer.class, Pooling2DStage::new), of(FrameFlattenLayer.class, layer -> new FrameFlattenStage())),
      LayerUnit.of(new EmbeddingKind(), of(EmbeddingLayer.class, EmbeddingStage::new)),
      LayerUnit.of(new MaskingKind(), of(MaskingLayer.class, MaskingStage::new)),
      LayerUnit.of(new FlattenKind(), of(FlattenLayer.class, layer -> new FlattenStage())),
      new RepeatVectorUnit(),
      LayerUnit.of(new ReshapeKind(), of(ReshapeLayer.class, ReshapeStage::new),
          of(PermuteLayer.class, PermuteStage::new)),
      LayerUnit.of(new Conv1DKind(), of(Conv1DLayer.class, Conv1DStage::new)),
      LayerUnit.of(new PoolingKind(), of(Pooling1DLayer.class, Pooling1DStage::new),
          of(GlobalPooling1DLayer.class, GlobalPooling1DStage::new)),
      LayerUnit.of(new ActivationKind(), of(ActivationLayer.class, ActivationStage::new)),
      LayerUnit.of(new BatchNormalizationKind(), of(BatchNormalizationLayer.class, BatchNormalizationStage::new)),
      LayerUnit.of(new LayerNormalizationKind(), of(LayerNormalizationLayer.class, LayerNormalizationStage::new)),
      LayerUnit.of(new ActivationFunctionKind(), of(ActivationFunctionLayer.class, ActivationFunctionStage::new),
          of(PReluLayer.class, PReluStage::new)),
      LayerUnit.of(new PruneLowMagnitudeKind()), // builds the wrapped layer, with kernel × mask
      LayerUnit.of(new MergeKind(), of(MergeLayer.class, MergeStage::new)),
      LayerUnit.of(new InferenceIdentityKind()), // left out of the model
      refused("Lambda", LayerConfigs.NEVER_RUN),
      refused("Attention", LayerConfigs.ATTENTION),
      refused("AdditiveAttention", LayerConfigs.ATTENTION),
      refused("MultiHeadAttention", LayerConfigs.ATTENTION),
      refused("ConvLSTM2D", "a convolutional recurrent layer over sequences of images, which this version does not run"),
      refused("SeparableConv1D", LayerConfigs.NO_CONVOLUTION),
      refused("Conv1DTranspose", LayerConfigs.NO_CONVOLUTION),
      refused("Conv2D", FrameKinds.ONLY_TIME_DISTRIBUTED),
      refused("MaxPooling2D", FrameKinds.ONLY_TIME_DISTRIBUTED),
      refused("AveragePooling2D", FrameKinds.ONLY_TIME_DISTRIBUTED));

  /** For {@link java.util.ServiceLoader}. */
  public LayerUnits() {}

  private static LayerUnit refused(String className, String reason) {
    return LayerUnit.of(new RefusedKind(className, reason));
  }

  @Override
  public List<LayerKind> layerKinds() {
    return ALL.stream().map(LayerUnit::kind).toList();
  }

  @Override
  public List<StageFactory<?>> stageFactories() {
    return ALL.stream().flatMap(unit -> unit.stages().stream()).toList();
  }
}
