package org.rnnscore.cli;

import java.util.Locale;
import java.util.StringJoiner;
import org.rnnscore.model.DenseLayer;
import org.rnnscore.model.Layer;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.SimpleRnnLayer;

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
      row(text, model.inputName() + " (InputLayer)", "[(None, " + t + ", " + model.inputWidth() + ")]", "0");
    }
    for (Layer layer : model.layers()) {
      row(text, layer.name() + " (" + layer.kerasClass() + ")", "(None, " + layer.outputWidth() + ")",
          String.valueOf(layer.paramCount()));
    }
    text.append(DOUBLE_RULE).append('\n');
    text.append("Total params: ").append(model.paramCount()).append('\n');
    text.append(RULE).append('\n');
    text.append("T (timesteps declared): ").append(t.equals("None") ? "None (rows of any length are scored)" : t)
        .append('\n');
    text.append("D (features per timestep): ").append(model.inputWidth()).append('\n');
    text.append("M (hidden units): ").append(model.hiddenUnits()).append('\n');
    text.append("K (outputs per row): ").append(model.outputWidth()).append('\n');
    StringJoiner activations = new StringJoiner(", ");
    for (Layer layer : model.layers()) {
      String name = layer instanceof SimpleRnnLayer
          ? ((SimpleRnnLayer) layer).activation().kerasName()
          : ((DenseLayer) layer).activation().kerasName();
      String bias = layer instanceof SimpleRnnLayer
          ? (((SimpleRnnLayer) layer).bias().isPresent() ? "" : ", no bias")
          : (((DenseLayer) layer).bias().isPresent() ? "" : ", no bias");
      activations.add(layer.name() + " " + name + bias);
    }
    text.append("Activations: ").append(activations).append('\n');
    return text.toString();
  }

  private static void row(StringBuilder text, String layer, String shape, String params) {
    text.append(String.format(Locale.ROOT, " %-28s%-26s%s%n", layer, shape, params));
  }
}
