package org.rnnscore.kernel;

import org.rnnscore.model.EmbeddingLayer;

/** Token ids → rows of the embedding matrix; with mask_zero, token 0 masks its step. */
public final class EmbeddingStage implements Stage {
  private final float[] embeddings;
  private final int vocabulary;
  private final int width;
  private final boolean maskZero;

  public EmbeddingStage(EmbeddingLayer layer) {
    this.embeddings = layer.embeddings().data();
    this.vocabulary = layer.vocabularySize();
    this.width = layer.outputWidth();
    this.maskZero = layer.maskZero();
  }

  @Override
  public Tensor apply(Tensor input, Batch batch) {
    int rows = input.rows();
    float[] out = new float[rows * width];
    boolean[] mask = maskZero || input.mask != null ? new boolean[rows] : null;
    int b = batch.size;
    for (int i = 0; i < rows; i++) {
      int t = i / b;
      int p = i % b;
      if (t >= batch.length[p]) {
        if (mask != null) {
          mask[i] = false;
        }
        continue; // past the row's end: never read
      }
      float value = input.data[i];
      int token = (int) value;
      if (token != value || token < 0 || token >= vocabulary) {
        throw new IllegalArgumentException("token id " + value + " at step " + t + " is not an integer in [0, "
            + vocabulary + ")");
      }
      System.arraycopy(embeddings, token * width, out, i * width, width);
      if (mask != null) {
        mask[i] = (input.mask == null || input.mask[i]) && !(maskZero && token == 0);
      }
    }
    return Tensor.sequence(out, width, mask);
  }
}
