package org.rnnscore.kernel;

import org.rnnscore.model.Activation;
import org.rnnscore.model.Conv1DLayer;
import org.rnnscore.model.WeightArray;

/**
 * Conv1D over a batch as {@link Im2col} patches times the kernel read as a (k·D)×filters matrix:
 * one GEMM per batch (a few when the patch matrix would pass {@link #MAX_PATCH_VALUES}). Each
 * row is convolved at its own length, its padding from that length; the output layout has each
 * row's own output steps ({@link Batch#withLengths}) and no mask.
 */
public final class Conv1DStage implements Stage {
  /** Patch values per GEMM (64 MiB of floats): a large batch of long rows is cut into steps. */
  static final int MAX_PATCH_VALUES = 1 << 24;

  private final Conv1DLayer layer;
  private final Affine affine;
  private final Activation activation;
  private final int filters;
  private final int taps;
  private final int width;
  private float[] patches;

  public Conv1DStage(Conv1DLayer layer) {
    this.layer = layer;
    this.taps = layer.kernelSize();
    this.width = layer.inputWidth();
    this.filters = layer.filters();
    WeightArray kernel = layer.kernel();
    this.affine = new Affine(Matrices.matrix(kernel.data(), taps * width, filters),
        layer.bias().map(WeightArray::data).orElse(null));
    this.activation = layer.activation();
  }

  @Override
  public Tensor apply(Tensor input, Batch batch) {
    if (!input.sequence || input.width != width) {
      throw new IllegalArgumentException("Conv1D " + layer.name() + " needs a sequence of " + width
          + " features, given " + (input.sequence ? input.width + " features" : "vectors"));
    }
    int size = batch.size;
    int[] outLength = new int[size];
    int[] padLeft = new int[size];
    for (int p = 0; p < size; p++) {
      outLength[p] = layer.outputSteps(batch.length[p]);
      padLeft[p] = layer.padLeft(batch.length[p]);
    }
    Batch out = batch.withLengths(outLength);
    float[] y = new float[out.steps * size * filters];
    int patchWidth = taps * width;
    int maxRows = Math.max(1, MAX_PATCH_VALUES / patchWidth);
    for (int from = 0; from < out.steps; ) {
      int to = Im2col.chunkEnd(out.active, from, out.steps, maxRows);
      int rows = Im2col.rows(out.active, from, to);
      patches = Buffers.reuse(patches, rows * patchWidth);
      Im2col.gather1d(input.data, size, width, batch.length, padLeft, out.active, from, to, taps, layer.stride(),
          layer.dilation(), patches);
      float[] product = affine.apply(patches, rows);
      Matrices.activate(product, filters, activation);
      Im2col.scatter(product, out.active, from, to, size, filters, y);
      from = to;
    }
    return Tensor.sequence(y, filters, null).laidOut(out);
  }
}
