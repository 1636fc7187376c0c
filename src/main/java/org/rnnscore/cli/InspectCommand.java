package org.rnnscore.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.rnnscore.job.ModelLoader;
import org.rnnscore.model.RnnModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Prints a Keras-style summary of a model: layers, output shapes, parameters, D/M/K, activations.")
final class InspectCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "FILE", description = "Keras .h5, .keras or .npz file.")
  String model;

  @Override
  public Integer call() {
    // No Spark session: a summary needs only the file.
    RnnModel loaded = ModelLoader.load(model, new Configuration());
    PrintWriter out = spec.commandLine().getOut();
    out.print(ModelSummary.render(model, loaded));
    out.flush();
    return ExitCode.OK.code();
  }
}
