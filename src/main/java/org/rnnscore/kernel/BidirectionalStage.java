package org.rnnscore.kernel;

import org.rnnscore.model.BidirectionalLayer;

/**
 * Keras' Bidirectional: both halves over the same input; the backward half's outputs, which come
 * in its processing order, are reversed back into input order (within each row's own length)
 * before the per-step merge; without return_sequences the two final outputs are merged.
 */
public final class BidirectionalStage implements Stage {
  private final RecurrentStage forward;
  private final RecurrentStage backward;
  private final BidirectionalLayer.MergeMode mergeMode;
  private final boolean returnSequences;

  public BidirectionalStage(BidirectionalLayer layer) {
    this.forward = new RecurrentStage(layer.forward());
    this.backward = new RecurrentStage(layer.backward());
    this.mergeMode = layer.mergeMode();
    this.returnSequences = layer.returnSequences();
  }

  RecurrentStage forward() {
    return forward;
  }

  RecurrentStage backward() {
    return backward;
  }

  @Override
  public Tensor apply(Tensor input, Batch batch) {
    Tensor fw = forward.run(input, batch);
    Tensor bw = backward.run(input, batch);
    float[] bwData = returnSequences ? batch.reverse(bw.data, bw.width) : bw.data;
    int rows = fw.rows();
    int wf = fw.width;
    int wb = bw.width;
    int width = mergeMode == BidirectionalLayer.MergeMode.CONCAT ? wf + wb : wf;
    float[] out = new float[rows * width];
    for (int i = 0; i < rows; i++) {
      if (mergeMode == BidirectionalLayer.MergeMode.CONCAT) {
        System.arraycopy(fw.data, i * wf, out, i * width, wf);
        System.arraycopy(bwData, i * wb, out, i * width + wf, wb);
        continue;
      }
      for (int j = 0; j < wf; j++) {
        float a = fw.data[i * wf + j];
        float v = bwData[i * wb + j];
        switch (mergeMode) {
          case SUM:
            out[i * width + j] = a + v;
            break;
          case MUL:
            out[i * width + j] = a * v;
            break;
          case AVE:
            out[i * width + j] = (a + v) / 2;
            break;
          default:
            throw new IllegalStateException(mergeMode.name());
        }
      }
    }
    return returnSequences ? Tensor.sequence(out, width, input.mask) : Tensor.vector(out, width);
  }
}
