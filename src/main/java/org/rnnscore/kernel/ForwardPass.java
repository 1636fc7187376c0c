package org.rnnscore.kernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.rnnscore.model.ActivationLayer;
import org.rnnscore.model.BidirectionalLayer;
import org.rnnscore.model.DenseLayer;
import org.rnnscore.model.EmbeddingLayer;
import org.rnnscore.model.FlattenLayer;
import org.rnnscore.model.Layer;
import org.rnnscore.model.MaskingLayer;
import org.rnnscore.model.RecurrentLayer;
import org.rnnscore.model.RnnModel;

/**
 * The batched forward pass of an {@link RnnModel} with ND4J: a batch of rows (each of its own
 * length) in, one prediction per row out — K values, or one K-vector per step of the row when the
 * model returns sequences.
 *
 * <p>Layout. The batch is sorted by length, longest first, and laid out time-major: step t of
 * every row together, so row p's step t is row {@code t·B + p} of a (T·B)×W matrix. One GEMM
 * projects every step of a recurrent layer's input at once. At step t only the rows still running
 * (a prefix of the sorted batch) take part: rows of different lengths share the batch with no
 * padding work and no padding effects, and each row's result equals scoring it alone — Keras with
 * a Masking layer over post-padding. A row's final state stays where its last step left it.
 *
 * <p>Per step the recurrent GEMM H·U runs on ND4J; the gate arithmetic (bias-free: the biases are
 * folded into the input projection, and GRU's recurrent bias into its recurrent product) runs in
 * Java on heap copies of the step's block (bulk copies, no per-element native calls).
 *
 * <p>Not thread-safe: one instance per task (partition).
 */
public final class ForwardPass {
  private final RnnModel model;
  private final List<Stage> stages = new ArrayList<>();
  private final int inputWidth;
  private float[] staging;

  public ForwardPass(RnnModel model) {
    this.model = model;
    this.inputWidth = model.inputWidth();
    for (Layer layer : model.layers()) {
      stages.add(stageFor(layer));
    }
  }

  private static Stage stageFor(Layer layer) {
    if (layer instanceof RecurrentLayer) {
      return new RecurrentStage((RecurrentLayer) layer);
    }
    if (layer instanceof BidirectionalLayer) {
      return new BidirectionalStage((BidirectionalLayer) layer);
    }
    if (layer instanceof DenseLayer) {
      return new DenseStage((DenseLayer) layer);
    }
    if (layer instanceof ActivationLayer) {
      return new ActivationStage((ActivationLayer) layer);
    }
    if (layer instanceof MaskingLayer) {
      return new MaskingStage((MaskingLayer) layer);
    }
    if (layer instanceof EmbeddingLayer) {
      return new EmbeddingStage((EmbeddingLayer) layer);
    }
    if (layer instanceof FlattenLayer) {
      return new FlattenStage();
    }
    throw new IllegalArgumentException("no kernel for layer " + layer.name() + " (" + layer.kerasClass() + ")");
  }

  public RnnModel model() {
    return model;
  }

  /**
   * Scores {@code batch} rows of {@code timesteps} steps each.
   *
   * @param rows batch-major input: value d of step t of row b at {@code (b * timesteps + t) * D + d};
   *     only the first batch·timesteps·D values are read
   * @param predictions receives row b's K values at {@code b * K} (for a sequence output, step t's
   *     at {@code (b * timesteps + t) * K}); at least batch·K (·timesteps) long
   */
  public void score(float[] rows, int batch, int timesteps, float[] predictions) {
    if (batch < 1 || timesteps < 1) {
      throw new IllegalArgumentException("batch " + batch + " and timesteps " + timesteps + " must both be at least 1");
    }
    long needed = (long) batch * timesteps * inputWidth;
    if (rows.length < needed) {
      throw new IllegalArgumentException("input holds " + rows.length + " values, expected at least " + needed
          + " (batch " + batch + " × timesteps " + timesteps + " × D " + inputWidth + ")");
    }
    int k = model.outputWidth();
    long perRow = model.outputIsSequence() ? (long) timesteps * k : k;
    if (predictions.length < batch * perRow) {
      throw new IllegalArgumentException("prediction buffer holds " + predictions.length + " values, expected at least "
          + batch * perRow + " (batch " + batch + " × " + (model.outputIsSequence() ? "timesteps " + timesteps + " × " : "")
          + "K " + k + ")");
    }
    int[] offsets = new int[batch];
    int[] lengths = new int[batch];
    for (int b = 0; b < batch; b++) {
      offsets[b] = b * timesteps * inputWidth;
      lengths[b] = timesteps;
    }
    float[][] out = score(rows, offsets, lengths, batch, null);
    for (int b = 0; b < batch; b++) {
      System.arraycopy(out[b], 0, predictions, (int) (b * perRow), (int) perRow);
    }
  }

  /**
   * Scores {@code count} rows that may differ in length.
   *
   * @param values row b's steps at {@code offsets[b]}, {@code lengths[b]·D} values, step-major
   *     (token ids as floats when the model starts with an Embedding)
   * @return per row: K values, or lengths[b]·K values step-major when the model returns sequences
   */
  public float[][] score(float[] values, int[] offsets, int[] lengths, int count) {
    return score(values, offsets, lengths, count, null);
  }

  /**
   * As {@link #score(float[], int[], int[], int)}, with an explicit mask: {@code stepMask[b][t]}
   * false masks step t of row b (combined with the masks the model's own layers make); null for
   * none, or a null row for none in that row.
   */
  public float[][] score(float[] values, int[] offsets, int[] lengths, int count, boolean[][] stepMask) {
    if (count < 0 || count > offsets.length || count > lengths.length) {
      throw new IllegalArgumentException("count " + count + " exceeds the " + Math.min(offsets.length, lengths.length)
          + " rows described");
    }
    if (count == 0) {
      return new float[0][];
    }
    Batch batch = Batch.of(lengths, count);
    for (int p = 0; p < count; p++) {
      int row = batch.order[p];
      long end = (long) offsets[row] + (long) lengths[row] * inputWidth;
      if (lengths[row] < 1) {
        throw new IllegalArgumentException("row " + row + " has " + lengths[row] + " timesteps, expected at least 1");
      }
      if (offsets[row] < 0 || end > values.length) {
        throw new IllegalArgumentException("row " + row + " spans values " + offsets[row] + ".." + end
            + ", beyond the " + values.length + " given");
      }
    }
    float[] staging = this.staging = Buffers.reuse(this.staging, batch.steps * batch.size * inputWidth);
    for (int p = 0; p < batch.size; p++) {
      int row = batch.order[p];
      for (int t = 0; t < batch.length[p]; t++) {
        System.arraycopy(values, offsets[row] + t * inputWidth, staging, (t * batch.size + p) * inputWidth, inputWidth);
      }
    }
    boolean[] mask = null;
    if (stepMask != null) {
      mask = new boolean[batch.steps * batch.size];
      Arrays.fill(mask, true);
      for (int p = 0; p < batch.size; p++) {
        boolean[] rowMask = stepMask[batch.order[p]];
        if (rowMask == null) {
          continue;
        }
        for (int t = 0; t < batch.length[p]; t++) {
          if (t < rowMask.length && !rowMask[t]) {
            mask[t * batch.size + p] = false;
          }
        }
      }
    }
    batch.explicitMask = mask;
    Tensor current = Tensor.sequence(staging, inputWidth, mask);
    for (Stage stage : stages) {
      current = stage.apply(current, batch);
    }
    return batch.unsort(current);
  }
}
