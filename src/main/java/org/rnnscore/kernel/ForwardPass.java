package org.rnnscore.kernel;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.rnnscore.model.Activation;
import org.rnnscore.model.DenseLayer;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.SimpleRnnLayer;
import org.rnnscore.model.WeightArray;

/**
 * The batched forward pass of an {@link RnnModel} with ND4J: a batch of B rows of T timesteps
 * of D features in, B predictions of K values out.
 *
 * <p>Per batch: the rows are laid out time-major (step t of every row together), so one (T·B)×D
 * by D×M GEMM projects all steps at once and each step's pre-activations are a contiguous B×M
 * block of that product. The bias is added once to the whole product. Step t then adds
 * H_{t-1}·W_h into its own block in place (GEMM with beta = 1) and applies the activation in
 * place, so the block becomes H_t: no per-step allocation or copy. Dense layers follow on H_T.
 *
 * <p>Not thread-safe: one instance per task (partition). Buffers are kept for the last batch
 * shape, so a partition of equal-length rows allocates once, plus once for its short last batch.
 */
public final class ForwardPass {
  private final RnnModel model;
  private final int inputWidth;
  private final int hiddenUnits;
  private final int outputWidth;
  private final Activation recurrentActivation;
  private final INDArray inputKernel;
  private final INDArray recurrentKernel;
  private final INDArray recurrentBias;
  private final List<DenseLayer> denseLayers;
  private final INDArray[] denseKernels;
  private final INDArray[] denseBiases;

  // Buffers for the last batch shape seen.
  private int bufferBatch = -1;
  private int bufferTimesteps = -1;
  private float[] timeMajorStaging;
  private INDArray inputs;
  private INDArray projected;
  private INDArray[] denseOutputs;

  public ForwardPass(RnnModel model) {
    this.model = model;
    SimpleRnnLayer rnn = model.recurrent();
    this.inputWidth = model.inputWidth();
    this.hiddenUnits = model.hiddenUnits();
    this.outputWidth = model.outputWidth();
    this.recurrentActivation = rnn.activation();
    this.inputKernel = toMatrix(rnn.kernel());
    this.recurrentKernel = toMatrix(rnn.recurrentKernel());
    this.recurrentBias = rnn.bias().map(ForwardPass::toRowVector).orElse(null);
    this.denseLayers = model.denseLayers();
    this.denseKernels = new INDArray[denseLayers.size()];
    this.denseBiases = new INDArray[denseLayers.size()];
    for (int i = 0; i < denseLayers.size(); i++) {
      denseKernels[i] = toMatrix(denseLayers.get(i).kernel());
      denseBiases[i] = denseLayers.get(i).bias().map(ForwardPass::toRowVector).orElse(null);
    }
  }

  public RnnModel model() {
    return model;
  }

  /**
   * Scores {@code batch} rows of {@code timesteps} steps each.
   *
   * @param rows batch-major input: value d of step t of row b at {@code (b * timesteps + t) * D + d};
   *     only the first batch·timesteps·D values are read
   * @param predictions receives row b's K values at {@code b * K}; at least batch·K long
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
    if (predictions.length < (long) batch * outputWidth) {
      throw new IllegalArgumentException("prediction buffer holds " + predictions.length + " values, expected at least "
          + (long) batch * outputWidth + " (batch " + batch + " × K " + outputWidth + ")");
    }
    ensureBuffers(batch, timesteps);

    // Batch-major → time-major on the heap, then one bulk copy off-heap.
    int d = inputWidth;
    float[] staging = timeMajorStaging;
    for (int b = 0; b < batch; b++) {
      int rowBase = b * timesteps * d;
      for (int t = 0; t < timesteps; t++) {
        System.arraycopy(rows, rowBase + t * d, staging, (t * batch + b) * d, d);
      }
    }
    inputs.data().setData(staging);

    // All steps' input projections in one GEMM, bias added once.
    Nd4j.gemm(inputs, inputKernel, projected, false, false, 1.0, 0.0);
    if (recurrentBias != null) {
      projected.addiRowVector(recurrentBias);
    }

    INDArray previous = null;
    for (int t = 0; t < timesteps; t++) {
      INDArray step = projected.get(NDArrayIndex.interval((long) t * batch, (long) (t + 1) * batch), NDArrayIndex.all());
      if (previous != null) {
        Nd4j.gemm(previous, recurrentKernel, step, false, false, 1.0, 1.0);
      }
      activateInPlace(step, recurrentActivation);
      previous = step;
    }

    INDArray current = previous;
    for (int i = 0; i < denseLayers.size(); i++) {
      INDArray out = denseOutputs[i];
      Nd4j.gemm(current, denseKernels[i], out, false, false, 1.0, 0.0);
      if (denseBiases[i] != null) {
        out.addiRowVector(denseBiases[i]);
      }
      activateInPlace(out, denseLayers.get(i).activation());
      current = out;
    }
    float[] result = current.dup('c').data().asFloat();
    System.arraycopy(result, 0, predictions, 0, batch * outputWidth);
  }

  private void ensureBuffers(int batch, int timesteps) {
    if (batch == bufferBatch && timesteps == bufferTimesteps) {
      return;
    }
    timeMajorStaging = new float[batch * timesteps * inputWidth];
    inputs = Nd4j.createUninitialized(DataType.FLOAT, new long[] {(long) timesteps * batch, inputWidth}, 'c');
    projected = Nd4j.createUninitialized(DataType.FLOAT, new long[] {(long) timesteps * batch, hiddenUnits}, 'c');
    denseOutputs = new INDArray[denseLayers.size()];
    for (int i = 0; i < denseLayers.size(); i++) {
      denseOutputs[i] = Nd4j.createUninitialized(DataType.FLOAT, new long[] {batch, denseLayers.get(i).units()}, 'c');
    }
    bufferBatch = batch;
    bufferTimesteps = timesteps;
  }

  /** Applies an activation in place: ND4J's own ops where they match Keras, else {@link Activation#apply}. */
  static void activateInPlace(INDArray values, Activation activation) {
    switch (activation) {
      case LINEAR:
        return;
      case TANH:
        Transforms.tanh(values, false);
        return;
      case SIGMOID:
        Transforms.sigmoid(values, false);
        return;
      case RELU:
        Transforms.relu(values, false);
        return;
      default:
        activateOnHeap(values, activation);
    }
  }

  private static void activateOnHeap(INDArray values, Activation activation) {
    int rows = (int) values.rows();
    int cols = (int) values.columns();
    float[] v = values.dup('c').data().asFloat();
    if (activation.isElementwise()) {
      for (int i = 0; i < v.length; i++) {
        v[i] = activation.apply(v[i]);
      }
    } else {
      for (int r = 0; r < rows; r++) {
        softmaxRow(v, r * cols, cols, activation == Activation.LOG_SOFTMAX);
      }
    }
    values.assign(Nd4j.create(v, new long[] {rows, cols}, 'c'));
  }

  /** Softmax of one row in double, shifted by the row's maximum so that exp cannot overflow. */
  private static void softmaxRow(float[] v, int offset, int length, boolean log) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < length; i++) {
      max = Math.max(max, v[offset + i]);
    }
    double sum = 0;
    for (int i = 0; i < length; i++) {
      sum += Math.exp(v[offset + i] - max);
    }
    double logSum = Math.log(sum);
    for (int i = 0; i < length; i++) {
      double shifted = v[offset + i] - max;
      v[offset + i] = (float) (log ? shifted - logSum : Math.exp(shifted) / sum);
    }
  }

  private static INDArray toMatrix(WeightArray array) {
    return Nd4j.create(array.data(), new long[] {array.dim(0), array.dim(1)}, 'c');
  }

  private static INDArray toRowVector(WeightArray array) {
    return Nd4j.create(array.data(), new long[] {1, array.size()}, 'c');
  }
}
