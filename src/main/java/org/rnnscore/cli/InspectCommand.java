package org.rnnscore.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.rnnscore.model.RnnModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Prints a Keras-style summary of a model: layers, output shapes, parameters, D/M/K, activations.")
final class InspectCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  ModelOptions modelOptions;

  @Override
  public Integer call() {
    // No Spark session: a summary needs only the file.
    RnnModel loaded = modelOptions.load(new Configuration());
    PrintWriter out = spec.commandLine().getOut();
    out.print(ModelSummary.render(modelOptions.model, loaded));
    out.flush();
    return ExitCode.OK.code();
  }
}
