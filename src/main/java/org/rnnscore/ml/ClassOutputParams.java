package org.rnnscore.ml;

import org.rnnscore.api.RnnScorer;
import org.rnnscore.model.UsageException;

/** The stage's outputs and classNames params on a scorer. */
final class ClassOutputParams {
  private ClassOutputParams() {}

  static RnnScorer apply(RnnScorer scorer, String outputs, String[] classNames) {
    if (!"raw".equals(outputs.trim()) || classNames.length > 0) {
      throw new UsageException("RnnScoreModel: outputs '" + outputs + "' and classNames are not wired yet");
    }
    return scorer;
  }
}
