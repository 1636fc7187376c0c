package org.rnnscore.cli;

import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import org.rnnscore.model.Layer;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.Shape;

/** The text of {@code rnnscore inspect}: the table Keras' model.summary() prints, then D, T, M, K. */
final class ModelSummary {
  private static final String RULE = "_".repeat(65);
  private static final String DOUBLE_RULE = "=".repeat(65);

  private ModelSummary() {}

  static String render(String source, RnnModel model) {
    StringBuilder text = new StringBuilder();
    String t = model.declaredTimesteps().isPresent() ? String.valueOf(model.declaredTimesteps().getAsInt()) : "None";
    text.append("Model: ").append(source).append('\n');
    text.append(RULE).append('\n');
    row(text, "Layer (type)", "Output Shape", "Param #");
    text.append(DOUBLE_RULE).append('\n');
    if (model.inputName() != null) {
      String width = model.tokenInput() ? "" : ", " + (model.inputFrame() != null ? model.inputFrame().text()
          : String.valueOf(model.inputWidth()));
      row(text, model.inputName() + " (InputLayer)", "[(None, " + t + width + ")]", "0");
    }
    List<Layer> layers = model.layers();
    List<Shape> shapes = model.outputShapes();
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      row(text, layer.name() + " (" + layer.kerasClass() + ")", shapes.get(i).kerasText(),
          String.valueOf(layer.paramCount()));
    }
    text.append(DOUBLE_RULE).append('\n');
    text.append("Total params: ").append(model.paramCount()).append('\n');
    text.append(RULE).append('\n');
    text.append("T (timesteps declared): ").append(t.equals("None") ? "None" : t)
        .append(model.requiresDeclaredTimesteps() ? " (every row must have this length: "
            + model.declaredTimestepsNeededBy().kerasClass() + " reads the sequence)"
            : t.equals("None") ? " (rows of any length are scored)" : " (rows of other lengths are scored too)")
        .append('\n');
    text.append("D (features per timestep): ").append(model.tokenInput() ? "1 token id" : model.inputWidth())
        .append(model.inputFrame() != null ? " (one frame of " + model.inputFrame().height() + "×"
            + model.inputFrame().width() + "×" + model.inputFrame().channels() + ", H×W×C)" : "")
        .append('\n');
    text.append("M (hidden units): ").append(model.hiddenUnits()).append('\n');
    text.append("K (outputs per row): ").append(model.outputWidth())
        .append(model.outputIsSequence() ? " per timestep (return_sequences)" : "").append('\n');
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

  private static void row(StringBuilder text, String layer, String shape, String params) {
    text.append(String.format(Locale.ROOT, " %-28s%-26s%s%n", layer, shape, params));
  }
}
