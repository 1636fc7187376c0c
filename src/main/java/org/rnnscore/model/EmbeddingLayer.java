package org.rnnscore.model;

/**
 * Keras {@code Embedding}: each timestep is one token id t in [0, V), replaced by row t of the
 * V×E {@code embeddings}. With {@code mask_zero}, token 0 is padding: its steps are masked for
 * the layers after it. Only valid as the first layer (its input is the token column).
 */
public final class EmbeddingLayer implements Layer {
  private static final long serialVersionUID = 1L;

  private final String name;
  private final WeightArray embeddings;
  private final boolean maskZero;

  public EmbeddingLayer(String name, WeightArray embeddings, boolean maskZero) {
    if (embeddings == null || embeddings.rank() != 2) {
      throw new ModelFormatException("layer '" + name + "' embeddings has shape "
          + (embeddings == null ? "(missing)" : embeddings.shapeText()) + ", expected [input_dim, output_dim]");
    }
    Shapes.requirePositive(name, "input_dim (vocabulary size)", embeddings.dim(0));
    Shapes.requirePositive(name, "output_dim", embeddings.dim(1));
    Shapes.require(name, embeddings, "input_dim × output_dim", embeddings.dim(0), embeddings.dim(1));
    this.name = name;
    this.embeddings = embeddings;
    this.maskZero = maskZero;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String kerasClass() {
    return "Embedding";
  }

  /** V: token ids run from 0 to V − 1. */
  public int vocabularySize() {
    return embeddings.dim(0);
  }

  /** E. */
  public int outputWidth() {
    return embeddings.dim(1);
  }

  public WeightArray embeddings() {
    return embeddings;
  }

  public boolean maskZero() {
    return maskZero;
  }

  @Override
  public long paramCount() {
    return embeddings.size();
  }

  @Override
  public Shape outputShape(Shape input, String source) {
    if (!input.sequence() || input.width() != 1) {
      throw new ModelFormatException("layer '" + name + "' (Embedding) reads one token id per timestep, but " + source
          + " gives " + input.kerasText());
    }
    return Shape.sequence(input.timesteps(), outputWidth());
  }

  @Override
  public boolean readsTokens() {
    return true;
  }

  @Override
  public String details() {
    return "vocabulary " + vocabularySize() + (maskZero ? ", mask_zero" : "");
  }

  @Override
  public boolean masksOutput(boolean maskIn) {
    return maskZero();
  }
}
