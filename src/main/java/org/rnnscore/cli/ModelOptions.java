package org.rnnscore.cli;

import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.rnnscore.io.ReadOptions;
import org.rnnscore.job.ModelLoader;
import org.rnnscore.model.RnnModel;
import org.rnnscore.model.UsageException;
import picocli.CommandLine.Option;

/** --model, --weights and --hard-sigmoid: which model file(s) and how to read them. */
final class ModelOptions {
  // Required, unless score is given --named-model instead: checked by require().
  @Option(names = "--model", paramLabel = "FILE",
      description = "Keras .h5 or .keras file, .npz with Wx, Wh, bh, Wo, bo, or (with --weights) the JSON of"
          + " model.to_json(); any Hadoop path.")
  String model;

  @Option(names = "--weights", paramLabel = "FILE",
      description = "The weights-only .h5 of save_weights(), when --model is the architecture JSON; with"
          + " --named-model, NAME=FILE (repeatable).")
  java.util.List<String> weightList;

  /** --model's --weights, or null; given more than once only with --named-model. */
  String weights() {
    if (weightList == null || weightList.isEmpty()) {
      return null;
    }
    if (weightList.size() > 1) {
      throw new UsageException("--weights is given " + weightList.size() + " times; with one --model give it once"
          + " (NAME=FILE per model only with --named-model)");
    }
    return weightList.get(0);
  }

  /** The picocli error for a missing --model, as when the option was required. */
  void require(picocli.CommandLine.Model.CommandSpec spec) {
    if (model == null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--model=FILE'");
    }
  }

  @Option(names = "--hard-sigmoid", paramLabel = "keras2|keras3",
      description = "Force hard_sigmoid's definition (default: the saving Keras version's: Keras 2 clip(0.2x+0.5, 0, 1),"
          + " Keras 3 relu6(x+3)/6).")
  String hardSigmoid;

  ReadOptions readOptions() {
    if (hardSigmoid == null) {
      return ReadOptions.DEFAULTS;
    }
    switch (hardSigmoid.toLowerCase(Locale.ROOT)) {
      case "keras2":
        return ReadOptions.forceHardSigmoid(2);
      case "keras3":
        return ReadOptions.forceHardSigmoid(3);
      default:
        throw new UsageException("--hard-sigmoid '" + hardSigmoid + "' is not one of: keras2, keras3");
    }
  }

  RnnModel load(Configuration hadoopConf) {
    return ModelLoader.load(model, weights(), readOptions(), hadoopConf);
  }

  ModelLoader.Loaded loadWithProvenance(Configuration hadoopConf) {
    return ModelLoader.loadWithProvenance(model, weights(), readOptions(), hadoopConf);
  }
}
