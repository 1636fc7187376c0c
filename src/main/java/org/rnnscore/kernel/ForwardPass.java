package org.rnnscore.kernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rnnscore.model.BidirectionalLayer;
import org.rnnscore.model.Layer;
import org.rnnscore.model.Node;
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
 * <p>Graph. The model's nodes run in topological order, each on whole batches; a node's output
 * is kept until its last consumer has run, then dropped. A chain keeps one tensor at a time.
 *
 * <p>Not thread-safe: one instance per task (partition).
 */
public final class ForwardPass {
  private final RnnModel model;
  private final List<Stage> stages = new ArrayList<>();
  /** Per node: the index of the last node that reads its output (its own index when none does). */
  private final int[] lastUse;
  /** Per node: a later node starts from its final states (initial_state wiring, outputs 1 and 2). */
  private final boolean[] keepsStates;
  /** The first node started from another's states, or -1: such a model cannot be continued from given states. */
  private final int firstWired;
  private final int inputWidth;
  private float[] staging;
  private int[] rowStarts;

  /** A forward pass whose recurrent layers take this JVM's default path ({@link KernelPath#fromSystemProperty}). */
  public ForwardPass(RnnModel model) {
    this(model, KernelPath.requested());
  }

  /**
   * A forward pass whose recurrent layers take {@code path} (auto picks per layer).
   *
   * @throws org.rnnscore.model.UsageException when fused is asked for where it cannot run
   */
  public ForwardPass(RnnModel model, KernelPath path) {
    this.model = model;
    this.inputWidth = model.inputWidth();
    List<Node> nodes = model.nodes();
    this.lastUse = new int[nodes.size()];
    this.keepsStates = new boolean[nodes.size()];
    int wired = -1;
    for (int i = 0; i < nodes.size(); i++) {
      Layer layer = nodes.get(i).layer();
      stages.add(KernelPath.building(path, () -> Stages.of(layer)));
      lastUse[i] = i;
      for (int from : nodes.get(i).inputs()) {
        if (from >= 0) {
          lastUse[from] = i;
        }
      }
      for (Node.Output state : nodes.get(i).initialState()) {
        lastUse[state.node()] = i;
        keepsStates[state.node()] |= state.index() > 0;
        wired = wired < 0 ? i : wired;
      }
    }
    this.firstWired = wired;
  }

  /**
   * The path each recurrent layer runs on, in model order: the layer's name, or
   * {@code name/forward} and {@code name/backward} for a Bidirectional layer's halves.
   */
  public java.util.Map<String, KernelPath.Choice> kernelPaths() {
    java.util.Map<String, KernelPath.Choice> paths = new java.util.LinkedHashMap<>();
    List<Node> nodes = model.nodes();
    for (int i = 0; i < nodes.size(); i++) {
      String name = nodes.get(i).layer().name();
      Stage stage = stages.get(i);
      if (stage instanceof RecurrentStage recurrent) {
        paths.put(name, recurrent.choice());
      } else if (stage instanceof BidirectionalStage bidirectional) {
        paths.put(name + "/forward", bidirectional.forward().choice());
        paths.put(name + "/backward", bidirectional.backward().choice());
      }
    }
    return paths;
  }

  public RnnModel model() {
    return model;
  }

  /**
   * Scores {@code batch} rows of {@code timesteps} steps each.
   *
   * @param rows batch-major input: value d of step t of row b at {@code (b * timesteps + t) * D + d};
   *     only the first batch·timesteps·D values are read
   * @param predictions receives row b's K values at {@code b * K} (for a sequence output of S =
   *     {@code model.outputSteps(timesteps)} steps, step t's at {@code (b * S + t) * K}: S is the
   *     timesteps unless a RepeatVector or Reshape sets it); at least batch·K (·S) long
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
    long perRow = model.outputIsSequence() ? (long) model.outputSteps(timesteps) * k : k;
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
    return run(values, offsets, lengths, count, stepMask, null, null);
  }

  /** The result of {@link #scoreWithState}: the predictions and each recurrent layer's final state. */
  public record Result(float[][] predictions, List<float[][]> finalStates) {}

  /**
   * Like {@code score(values, offsets, lengths, count, null)}, but each recurrent layer ({@link
   * RecurrentLayer}, in {@code model.layers()} order) starts from the given state instead of zeros,
   * and the final state of every recurrent layer is returned: scoring x[0:T] in one call equals
   * scoring x[0:k], then x[k:T] from the returned states (Keras' {@code initial_state}).
   *
   * <p>A row's final state is its state after its last step (a masked step leaves the state as it
   * was): for a layer without return_sequences that is also its output (before any
   * zero_output_for_mask zeroing), with return_sequences it is the last step's state.
   *
   * @param initialStates null (all zeros), or one entry per recurrent layer: {@code float[count][]}
   *     (at least count rows), row b the state of the caller's row b — M values of h, or for LSTM h
   *     then c (2·M values) — or a null row (or a null entry) for zeros
   * @return the predictions, as {@link #score(float[], int[], int[], int)} gives them, and per
   *     recurrent layer {@code float[count][]} final states in the layout of {@code initialStates}
   * @throws IllegalArgumentException when the model has a Bidirectional layer or a go_backwards
   *     layer (continuation is only defined for forward layers), or a state has the wrong shape
   */
  public Result scoreWithState(float[] values, int[] offsets, int[] lengths, int count,
      List<float[][]> initialStates) {
    if (model.inputs().size() != 1) {
      throw new IllegalArgumentException("the model has " + model.inputs().size() + " inputs, so it cannot be"
          + " continued from given states");
    }
    if (firstWired >= 0) {
      Node wired = model.nodes().get(firstWired);
      throw new IllegalArgumentException("layer " + wired.layer().name() + " starts from the states of layer "
          + model.nodes().get(wired.initialState().get(0).node()).layer().name() + " (initial_state), so the model"
          + " cannot be continued from given states");
    }
    List<RecurrentStage> recurrent = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < stages.size(); i++) {
      Layer layer = model.layers().get(i);
      if (layer instanceof BidirectionalLayer) {
        throw new IllegalArgumentException("layer " + layer.name() + " (Bidirectional) cannot be continued: "
            + "its backward half runs last step first, so its state cannot be carried to a later run");
      }
      if (layer instanceof RecurrentLayer) {
        RecurrentLayer r = (RecurrentLayer) layer;
        if (r.goBackwards()) {
          throw new IllegalArgumentException("layer " + r.name() + " cannot be continued: go_backwards "
              + "processes the row last step first, so its state cannot be carried to a later run");
        }
        recurrent.add((RecurrentStage) stages.get(i));
        names.add(r.name());
      }
    }
    if (initialStates != null) {
      if (initialStates.size() != recurrent.size()) {
        throw new IllegalArgumentException(initialStates.size() + " initial states given, the model has "
            + recurrent.size() + " recurrent layers " + names);
      }
      for (int i = 0; i < recurrent.size(); i++) {
        float[][] rows = initialStates.get(i);
        if (rows == null) {
          continue;
        }
        if (count >= 0 && rows.length < count) {
          throw new IllegalArgumentException("initial state of layer " + names.get(i) + " has " + rows.length
              + " rows, expected " + count);
        }
        int width = recurrent.get(i).stateWidth();
        for (int b = 0; b < Math.min(count, rows.length); b++) {
          if (rows[b] != null && rows[b].length != width) {
            throw new IllegalArgumentException("initial state of layer " + names.get(i) + ", row " + b + " has "
                + rows[b].length + " values, expected " + width);
          }
        }
      }
    }
    List<float[][]> finalStates = new ArrayList<>();
    float[][] predictions = run(values, offsets, lengths, count, null,
        initialStates == null ? new ArrayList<>(java.util.Collections.nCopies(recurrent.size(), null))
            : initialStates,
        finalStates);
    if (count == 0) {
      for (int i = 0; i < recurrent.size(); i++) {
        finalStates.add(new float[0][]);
      }
    }
    return new Result(predictions, finalStates);
  }

  /**
   * The forward pass. With {@code initialStates} non-null (one entry, possibly null, per recurrent
   * stage in order), recurrent stages start from those states and their final states are added
   * to {@code finalStates}, per caller's row.
   */
  private float[][] run(float[] values, int[] offsets, int[] lengths, int count, boolean[][] stepMask,
      List<float[][]> initialStates, List<float[][]> finalStates) {
    if (model.inputs().size() != 1) {
      throw new IllegalArgumentException("the model has " + model.inputs().size() + " inputs; score each row's inputs"
          + " with score(List, List, List, int, List)");
    }
    return run(List.of(values), List.of(offsets), List.of(lengths), count,
        java.util.Collections.singletonList(stepMask), initialStates, finalStates);
  }

  /**
   * Scores {@code count} rows of a model of several inputs ({@link RnnModel#inputs()}): per input
   * k, row b's steps at {@code offsets.get(k)[b]}, {@code lengths.get(k)[b]·D_k} values, and an
   * optional explicit mask ({@code stepMasks} null, or per input null or per row). Each input has
   * its own lengths; where two inputs' tensors meet (a merge, initial_state wiring) the rows are
   * matched by row, and merged sequences must have one length per row.
   *
   * @return per row, as {@link #score(float[], int[], int[], int)}
   */
  public float[][] score(List<float[]> values, List<int[]> offsets, List<int[]> lengths, int count,
      List<boolean[][]> stepMasks) {
    if (values.size() != model.inputs().size() || offsets.size() != values.size() || lengths.size() != values.size()) {
      throw new IllegalArgumentException(values.size() + " inputs given, the model has " + model.inputs().size());
    }
    return run(values, offsets, lengths, count, stepMasks, null, null);
  }

  /** One input's batch: its layout and its tensor (time-major, in its own sorted order). */
  private Tensor stage(int k, float[] values, int[] offsets, int[] lengths, int count, boolean[][] stepMask,
      Batch batch) {
    int width = model.inputs().get(k).width();
    for (int p = 0; p < count; p++) {
      int row = batch.order[p];
      long end = (long) offsets[row] + (long) lengths[row] * width;
      if (lengths[row] < 1) {
        throw new IllegalArgumentException("row " + row + " has " + lengths[row] + " timesteps, expected at least 1");
      }
      if (offsets[row] < 0 || end > values.length) {
        throw new IllegalArgumentException("row " + row + " spans values " + offsets[row] + ".." + end
            + ", beyond the " + values.length + " given");
      }
    }
    float[] staging = k == 0 ? (this.staging = Buffers.reuse(this.staging, batch.steps * batch.size * width))
        : new float[batch.steps * batch.size * width];
    // Step-major: at step t, the running rows' x_t go one after another into the block of step t.
    // The writes are sequential and each row's reads move through its own sequence, a cache line
    // serving two or more steps; the row-major order (a row's whole sequence at a time) wrote
    // every step to a different page, and on 310-step rows was as costly as the recurrence.
    int[] from = rowStarts != null && rowStarts.length >= batch.size ? rowStarts : (rowStarts = new int[batch.size]);
    for (int p = 0; p < batch.size; p++) {
      from[p] = offsets[batch.order[p]];
    }
    int to = 0;
    for (int t = 0; t < batch.steps; t++) {
      for (int p = 0; p < batch.size; p++, to += width) {
        if (t >= batch.length[p]) {
          continue; // past the row's end: never read
        }
        int at = from[p] + t * width;
        if (width >= 32) {
          System.arraycopy(values, at, staging, to, width);
        } else {
          for (int i = 0; i < width; i++) { // a plain loop: System.arraycopy's call costs more than a few floats
            staging[to + i] = values[at + i];
          }
        }
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
    Tensor input = Tensor.sequence(staging, width, mask);
    if (model.inputFrame() != null) {
      input = input.withFrames(staging, model.inputFrame());
    }
    return input;
  }

  private float[][] run(List<float[]> values, List<int[]> offsets, List<int[]> lengths, int count,
      List<boolean[][]> stepMasks, List<float[][]> initialStates, List<float[][]> finalStates) {
    return runAll(values, offsets, lengths, count, stepMasks, initialStates, finalStates).get(0);
  }

  /**
   * As {@link #score(List, List, List, int, List)}, with every output of a model of several
   * ({@link RnnModel#outputNodes()}, in order): per output, per row, its values.
   */
  public List<float[][]> scoreOutputs(List<float[]> values, List<int[]> offsets, List<int[]> lengths, int count,
      List<boolean[][]> stepMasks) {
    if (values.size() != model.inputs().size() || offsets.size() != values.size() || lengths.size() != values.size()) {
      throw new IllegalArgumentException(values.size() + " inputs given, the model has " + model.inputs().size());
    }
    return runAll(values, offsets, lengths, count, stepMasks, null, null);
  }

  private List<float[][]> runAll(List<float[]> values, List<int[]> offsets, List<int[]> lengths, int count,
      List<boolean[][]> stepMasks, List<float[][]> initialStates, List<float[][]> finalStates) {
    for (int k = 0; k < values.size(); k++) {
      if (count < 0 || count > offsets.get(k).length || count > lengths.get(k).length) {
        throw new IllegalArgumentException("count " + count + " exceeds the " + Math.min(offsets.get(k).length,
            lengths.get(k).length) + " rows described");
      }
    }
    if (count == 0) {
      return new ArrayList<>(java.util.Collections.nCopies(model.outputNodes().size(), new float[0][]));
    }
    Batch[] batches = new Batch[values.size()];
    Tensor[] inputs = new Tensor[values.size()];
    for (int k = 0; k < values.size(); k++) {
      batches[k] = Batch.of(lengths.get(k), count);
      inputs[k] = stage(k, values.get(k), offsets.get(k), lengths.get(k), count,
          stepMasks == null ? null : stepMasks.get(k), batches[k]);
    }
    Batch batch = batches[0];
    Tensor input = inputs[0];
    List<Node> nodes = model.nodes();
    Tensor[] outputs = new Tensor[nodes.size()];
    float[][] finals = new float[nodes.size()][];
    // Each node's output layout: the input batch's, until a stage sets the steps (RepeatVector).
    Batch[] layouts = new Batch[nodes.size()];
    int recurrentIndex = 0;
    for (int i = 0; i < nodes.size(); i++) {
      Stage stage = stages.get(i);
      List<Tensor> in = new ArrayList<>();
      int first = nodes.get(i).inputs().get(0);
      Batch layout = first < 0 ? batches[Node.inputOf(first)] : layouts[first];
      for (int from : nodes.get(i).inputs()) {
        Tensor tensor = from < 0 ? inputs[Node.inputOf(from)] : outputs[from];
        Batch at = from < 0 ? batches[Node.inputOf(from)] : layouts[from];
        // Tensors of two inputs meet: put this one in the first input's row order.
        in.add(Arrays.equals(at.order, layout.order) ? tensor : layout.fromOtherOrder(tensor, at));
      }
      if (keepsStates[i] || !nodes.get(i).initialState().isEmpty()) {
        RecurrentStage recurrentStage = (RecurrentStage) stage;
        float[] initial = nodes.get(i).initialState().isEmpty() ? null
            : wiredState(nodes.get(i), recurrentStage, outputs, finals, layouts, layout);
        finals[i] = keepsStates[i] ? new float[layout.size * recurrentStage.stateWidth()] : null;
        outputs[i] = recurrentStage.run(in.get(0), layout, initial, finals[i]);
      } else if (initialStates != null && stage instanceof RecurrentStage) {
        outputs[i] = runFromState((RecurrentStage) stage, in.get(0), layout, initialStates.get(recurrentIndex++),
            finalStates);
      } else {
        outputs[i] = stage.apply(in, layout);
      }
      layouts[i] = outputs[i].layout != null ? outputs[i].layout : layout;
      for (int from : nodes.get(i).inputs()) {
        if (from >= 0 && lastUse[from] == i && !model.outputNodes().contains(from)) {
          outputs[from] = null; // its last consumer has run
        }
      }
      for (Node.Output state : nodes.get(i).initialState()) {
        if (lastUse[state.node()] == i && !model.outputNodes().contains(state.node())) {
          outputs[state.node()] = null;
          finals[state.node()] = null;
        }
      }
    }
    List<float[][]> results = new ArrayList<>();
    for (int node : model.outputNodes()) {
      results.add(layouts[node].unsort(outputs[node]));
    }
    return results;
  }

  /**
   * The initial states of a wired node, per sorted position (the sources ran on the same rows in
   * the same order): state j (h, then c) from its source's main output (0, a B×M vector) or final
   * h (1) or c (2), which the source's stage left in {@code finals}.
   */
  private static float[] wiredState(Node node, RecurrentStage stage, Tensor[] outputs, float[][] finals,
      Batch[] layouts, Batch layout) {
    int rows = layout.size;
    int width = stage.stateWidth();
    int units = width / node.initialState().size();
    float[] initial = new float[rows * width];
    for (int j = 0; j < node.initialState().size(); j++) {
      Node.Output state = node.initialState().get(j);
      // The source ran in its own input's row order (an encoder on another input): match rows.
      int[] position = layouts[state.node()].positionsOf(layout);
      for (int p = 0; p < rows; p++) {
        int q = position[p];
        if (state.index() == 0) {
          System.arraycopy(outputs[state.node()].data, q * units, initial, p * width + j * units, units);
        } else {
          float[] source = finals[state.node()];
          int sourceWidth = source.length / rows;
          System.arraycopy(source, q * sourceWidth + (state.index() - 1) * units, initial, p * width + j * units,
              units);
        }
      }
    }
    return initial;
  }

  /** A recurrent stage started from the caller's states ({@code given}, per caller's row), its final states added. */
  private static Tensor runFromState(RecurrentStage stage, Tensor input, Batch batch, float[][] given,
      List<float[][]> finalStates) {
    int width = stage.stateWidth();
    float[] initial = null;
    if (given != null) {
      initial = new float[batch.size * width];
      for (int p = 0; p < batch.size; p++) {
        float[] row = given[batch.order[p]];
        if (row != null) {
          System.arraycopy(row, 0, initial, p * width, width);
        }
      }
    }
    float[] last = new float[batch.size * width];
    Tensor output = stage.run(input, batch, initial, last);
    float[][] rows = new float[batch.size][];
    for (int p = 0; p < batch.size; p++) {
      rows[batch.order[p]] = Arrays.copyOfRange(last, p * width, (p + 1) * width);
    }
    finalStates.add(rows);
    return output;
  }
}
