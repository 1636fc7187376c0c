package org.rnnscore.job;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.rnnscore.model.BidirectionalLayer;
import org.rnnscore.model.Layer;
import org.rnnscore.model.LstmLayer;
import org.rnnscore.model.Node;
import org.rnnscore.model.RecurrentLayer;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.UsageException;

/**
 * The recurrent state columns of incremental scoring: {@code state_<layer>_h} for every recurrent
 * layer, and {@code state_<layer>_c} after it for an LSTM, in layer order — what --emit-state
 * writes after the prediction and --initial-state-from reads back.
 */
public record StateColumns(List<String> names, int[] layerOf, int[] widths, boolean[] cellState)
    implements Serializable {

  /**
   * @throws UsageException for a model whose state cannot be carried to a later run (backwards or
   *     Bidirectional layers read the future; Flatten needs the whole declared length; RepeatVector
   *     and Reshape/Permute over time before a recurrent layer give it steps of their own)
   */
  public static StateColumns of(RnnModel model) {
    return of(model, null);
  }

  /**
   * As {@link #of(RnnModel)}, the columns named {@code state_<modelName>_<layer>_h} (one of
   * several models scored in one pass), or as there when {@code modelName} is null.
   */
  public static StateColumns of(RnnModel model, String modelName) {
    String prefix = modelName == null ? "state_" : "state_" + modelName + "_";
    List<String> names = new ArrayList<>();
    List<Integer> layers = new ArrayList<>();
    List<Integer> widths = new ArrayList<>();
    List<Boolean> cells = new ArrayList<>();
    int recurrent = 0;
    for (Layer layer : model.layers()) {
      if (layer instanceof BidirectionalLayer) {
        throw new UsageException("layer '" + layer.name() + "' is Bidirectional: its backward half reads the sequence"
            + " from the end, so a sequence cannot be continued from its state");
      }
      if (!(layer instanceof RecurrentLayer)) {
        continue;
      }
      RecurrentLayer r = (RecurrentLayer) layer;
      if (r.goBackwards()) {
        throw new UsageException("layer '" + r.name() + "' has go_backwards=True: it reads the sequence from the end,"
            + " so a sequence cannot be continued from its state");
      }
      names.add(prefix + r.name() + "_h");
      layers.add(recurrent);
      widths.add(r.units());
      cells.add(false);
      if (r instanceof LstmLayer) {
        names.add(prefix + r.name() + "_c");
        layers.add(recurrent);
        widths.add(r.units());
        cells.add(true);
      }
      recurrent++;
    }
    Layer mixing = model.timeMixingBeforeRecurrent();
    if (mixing != null) {
      throw new UsageException("layer '" + mixing.name() + "' (" + mixing.kerasClass() + ") comes before a recurrent"
          + " layer and gives it steps that are not the row's own, so a sequence cannot be continued from its state");
    }
    for (Node node : model.nodes()) {
      if (!node.initialState().isEmpty()) {
        throw new UsageException("layer '" + node.layer().name() + "' starts from the states of layer '"
            + model.nodes().get(node.initialState().get(0).node()).layer().name() + "' (initial_state), not from"
            + " a state of its own, so a sequence cannot be continued from its state");
      }
    }
    if (model.inputs().size() > 1) {
      throw new UsageException("the model has " + model.inputs().size() + " inputs: a sequence of several inputs"
          + " cannot be continued from its states");
    }
    if (model.outputNodes().size() > 1) {
      throw new UsageException("the model has " + model.outputNodes().size() + " outputs: incremental scoring"
          + " (--emit-state, --initial-state-from) is for models of one output");
    }
    if (model.requiresDeclaredTimesteps()) {
      throw new UsageException("the model has a " + model.declaredTimestepsNeededBy().kerasClass() + " over its "
          + model.declaredTimesteps().getAsInt()
          + " declared timesteps: a row cannot be scored in parts");
    }
    boolean[] cellState = new boolean[cells.size()];
    for (int i = 0; i < cellState.length; i++) {
      cellState[i] = cells.get(i);
    }
    return new StateColumns(List.copyOf(names), layers.stream().mapToInt(Integer::intValue).toArray(),
        widths.stream().mapToInt(Integer::intValue).toArray(), cellState);
  }

  /** The number of recurrent layers. */
  int layerCount() {
    return layerOf.length == 0 ? 0 : layerOf[layerOf.length - 1] + 1;
  }
}
