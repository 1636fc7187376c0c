package org.rnnscore.cli;

import org.rnnscore.model.Activation;
import org.rnnscore.model.ModelFormatException;
import org.rnnscore.model.UsageException;

final class Activations {
  private Activations() {}

  /** null when the option was not given. hard_sigmoid here means Keras 2's; hard_sigmoid3 Keras 3's. */
  static Activation parse(String option, String name) {
    if (name == null) {
      return null;
    }
    if (name.equals("hard_sigmoid3")) {
      return Activation.HARD_SIGMOID_KERAS3;
    }
    try {
      return Activation.fromKerasName(name, 2);
    } catch (ModelFormatException e) {
      throw new UsageException(option + " '" + name + "' is not an activation rnnscore knows; known: "
          + Activation.supportedNames() + " (hard_sigmoid3 for Keras 3's hard_sigmoid)", e);
    }
  }
}
