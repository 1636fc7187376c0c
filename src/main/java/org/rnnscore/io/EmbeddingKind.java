package org.rnnscore.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.rnnscore.model.EmbeddingLayer;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.WeightArray;

/** Embedding: embeddings (input_dim × output_dim), mask_zero; it reads the token column. */
public final class EmbeddingKind implements LayerKind {
  @Override
  public List<String> classNames() {
    return List.of("Embedding");
  }

  @Override
  public String supportedText() {
    return "Embedding";
  }

  @Override
  public LayerSpec parse(String className, String name, JsonNode config, int ordinal) {
    return new LayerSpec(this, className, name, config, ordinal);
  }

  @Override
  public List<String> weightNames(LayerSpec spec) {
    return List.of("embeddings");
  }

  @Override
  public EmbeddingLayer build(LayerSpec spec, List<WeightArray> found, Generation generation) {
    List<WeightArray> weights = LayerConfigs.named(spec, found, weightNames(spec), "");
    int inputDim = LayerConfigs.positiveInt(spec.name, spec.config, "input_dim");
    int outputDim = LayerConfigs.positiveInt(spec.name, spec.config, "output_dim");
    WeightArray embeddings = weights.get(0);
    if (!embeddings.hasShape(inputDim, outputDim)) {
      throw new ModelFormatException("layer '" + spec.name + "' embeddings has shape " + embeddings.shapeText()
          + ", expected " + WeightArray.shapeText(inputDim, outputDim) + " (input_dim = " + inputDim + ", output_dim = "
          + outputDim + ")");
    }
    return new EmbeddingLayer(spec.name, embeddings, LayerConfigs.flag(spec.config, "mask_zero"));
  }

  @Override
  public boolean readsTokens() {
    return true;
  }
}
