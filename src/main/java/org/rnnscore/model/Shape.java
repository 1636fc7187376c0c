package org.rnnscore.model;

import java.io.Serializable;

/**
 * What flows between layers, per row: a sequence of timesteps of {@code width} values, or one
 * vector of {@code width} values. {@code timesteps} is what the model declares (0: None, any
 * length); rows may be shorter or longer unless a layer needs the declared length (Flatten).
 */
public record Shape(boolean sequence, int timesteps, int width) implements Serializable {
  public static Shape sequence(int timesteps, int width) {
    return new Shape(true, timesteps, width);
  }

  public static Shape vector(int width) {
    return new Shape(false, 0, width);
  }

  /** Keras' notation: (None, 10, 3) or (None, 5); None for an undeclared length. */
  public String kerasText() {
    return sequence ? "(None, " + (timesteps == 0 ? "None" : timesteps) + ", " + width + ")" : "(None, " + width + ")";
  }
}
