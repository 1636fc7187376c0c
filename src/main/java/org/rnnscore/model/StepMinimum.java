package org.rnnscore.model;

import java.io.Serializable;

/**
 * The shortest row (in the model input's steps) for which layer {@code layer} gives at least one
 * step: its receptive field. A row shorter than that is a bad row ({@code too_short}).
 */
public record StepMinimum(String layer, String kerasClass, int steps) implements Serializable {
  /** Why a row of {@code rowSteps} steps cannot be scored, or null when it is long enough. */
  public String shortfall(int rowSteps) {
    return rowSteps >= steps ? null : "row of " + rowSteps + " step" + (rowSteps == 1 ? "" : "s")
        + " is shorter than " + layer + "'s receptive field of " + steps;
  }
}
