package org.rnnscore.cli;

import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import org.rnnscore.model.Layer;
import org.rnnscore.model.Node;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.Shape;

/**
 * The text of {@code rnnscore inspect}: the table Keras' model.summary() prints, then D, T, M, K.
 * A model that is not one chain (branches, merges) gets Keras' "Connected to" column: each
 * layer's inputs, as {@code name[0][0]}.
 */
final class ModelSummary {
  private static final String RULE = "_".repeat(65);
  private static final String DOUBLE_RULE = "=".repeat(65);

  private ModelSummary() {}

  static String render(String source, RnnModel model) {
    StringBuilder text = new StringBuilder();
    String t = model.declaredTimesteps().isPresent() ? String.valueOf(model.declaredTimesteps().getAsInt()) : "None";
    text.append("Model: ").append(source).append('\n');
    text.append(RULE).append('\n');
    boolean graph = !isChain(model);
    row(text, "Layer (type)", "Output Shape", "Param #", graph ? "Connected to" : null);
    text.append(DOUBLE_RULE).append('\n');
    String inputName = model.inputName() != null ? model.inputName() : "input";
    if (model.inputs().size() > 1) {
      for (RnnModel.Input input : model.inputs()) {
        String steps = input.declaredTimesteps() == 0 ? "None" : String.valueOf(input.declaredTimesteps());
        row(text, input.name() + " (InputLayer)", "[(None, " + steps + ", " + input.width() + ")]", "0", "");
      }
    } else if (model.inputName() != null || graph) {
      String width = model.tokenInput() ? "" : ", " + (model.inputFrame() != null ? model.inputFrame().text()
          : String.valueOf(model.inputWidth()));
      row(text, inputName + " (InputLayer)", "[(None, " + t + width + ")]", "0", graph ? "" : null);
    }
    List<Layer> layers = model.layers();
    List<Shape> shapes = model.outputShapes();
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      String connected = null;
      if (graph) {
        StringJoiner inputs = new StringJoiner(", ");
        for (int from : model.nodes().get(i).inputs()) {
          inputs.add((from < 0 ? model.inputs().get(Node.inputOf(from)).name() == null ? inputName
              : model.inputs().get(Node.inputOf(from)).name() : layers.get(from).name()) + "[0][0]");
        }
        for (Node.Output state : model.nodes().get(i).initialState()) {
          inputs.add(layers.get(state.node()).name() + "[0][" + state.index() + "]"); // initial_state, as Keras lists it
        }
        connected = inputs.toString();
      }
      row(text, layer.name() + " (" + layer.kerasClass() + ")", shapes.get(i).kerasText(),
          String.valueOf(layer.paramCount()), connected);
    }
    text.append(DOUBLE_RULE).append('\n');
    text.append("Total params: ").append(model.paramCount()).append('\n');
    text.append(RULE).append('\n');
    text.append("T (timesteps declared): ").append(t.equals("None") ? "None" : t)
        .append(model.requiresDeclaredTimesteps() ? " (every row must have this length: "
            + model.declaredTimestepsNeededBy().kerasClass() + " reads the sequence)"
            : t.equals("None") ? " (rows of any length are scored)" : " (rows of other lengths are scored too)")
        .append('\n');
    if (model.inputs().size() > 1) {
      StringJoiner widths = new StringJoiner(", ");
      for (RnnModel.Input input : model.inputs()) {
        widths.add(input.width() + " (" + input.name() + ")");
      }
      text.append("D (features per timestep): ").append(widths).append('\n');
    } else {
      text.append("D (features per timestep): ").append(model.tokenInput() ? "1 token id" : model.inputWidth())
          .append(model.inputFrame() != null ? " (one frame of " + model.inputFrame().height() + "×"
              + model.inputFrame().width() + "×" + model.inputFrame().channels() + ", H×W×C)" : "")
          .append('\n');
    }
    text.append("M (hidden units): ").append(model.hiddenUnits()).append('\n');
    text.append("K (outputs per row): ").append(model.outputWidth())
        .append(model.outputIsSequence() ? " per timestep (return_sequences)" : "").append('\n');
    if (model.outputNodes().size() > 1) {
      StringJoiner outputs = new StringJoiner(", ");
      for (int node : model.outputNodes()) {
        outputs.add(layers.get(node).name() + " " + shapes.get(node).kerasText());
      }
      text.append("Outputs: ").append(outputs).append('\n');
    }
    StringJoiner details = new StringJoiner(", ");
    for (Layer layer : layers) {
      String detail = layer.details();
      if (!detail.isEmpty()) {
        details.add(layer.name() + " " + detail);
      }
    }
    text.append("Activations: ").append(details).append('\n');
    return text.toString();
  }

  /** True when node i reads node i − 1 only (the first the model input) and the last gives the output. */
  private static boolean isChain(RnnModel model) {
    List<Node> nodes = model.nodes();
    for (int i = 0; i < nodes.size(); i++) {
      if (!nodes.get(i).inputs().equals(List.of(i - 1))) {
        return false;
      }
    }
    return model.outputNode() == nodes.size() - 1;
  }

  /** One table row; {@code connected} null for a chain's three columns. */
  private static void row(StringBuilder text, String layer, String shape, String params, String connected) {
    if (connected == null) {
      text.append(String.format(Locale.ROOT, " %-28s%-26s%s%n", layer, shape, params));
    } else {
      text.append(String.format(Locale.ROOT, " %-28s%-26s%-10s%s", layer, shape, params, connected).stripTrailing())
          .append('\n');
    }
  }
}
