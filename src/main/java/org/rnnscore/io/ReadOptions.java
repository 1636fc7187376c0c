package org.rnnscore.io;

import org.rnnscore.model.UsageException;

/**
 * Choices a caller may make about how a model file is read.
 *
 * @param hardSigmoidKerasVersion which definition {@code hard_sigmoid} gets: null follows the
 *     file's keras_version (Keras 2 / tf.keras: clip(0.2x + 0.5, 0, 1); Keras 3: relu6(x + 3) / 6);
 *     2 or 3 forces that generation's, for files whose keras_version is missing or misleading
 */
public record ReadOptions(Integer hardSigmoidKerasVersion) {
  /** Everything as the file says. */
  public static final ReadOptions DEFAULTS = new ReadOptions(null);

  public ReadOptions {
    if (hardSigmoidKerasVersion != null && hardSigmoidKerasVersion != 2 && hardSigmoidKerasVersion != 3) {
      throw new UsageException("the hard_sigmoid Keras version must be 2 or 3 (or unset, to follow the file), got "
          + hardSigmoidKerasVersion);
    }
  }

  /** hard_sigmoid as Keras {@code kerasMajorVersion} (2 or 3) defines it, whatever the file says. */
  public static ReadOptions forceHardSigmoid(int kerasMajorVersion) {
    return new ReadOptions(kerasMajorVersion);
  }
}
