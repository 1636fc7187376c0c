package org.rnnscore.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import java.util.Map;
import org.rnnscore.kernel.ForwardPass;
import org.rnnscore.kernel.KernelPath;
import org.rnnscore.model.RnnModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "inspect", mixinStandardHelpOptions = true,
    description = "Prints a Keras-style summary of a model: layers, output shapes, parameters, D/M/K, activations.")
final class InspectCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  ModelOptions modelOptions;

  @Option(names = "--kernel", paramLabel = "auto|fused|blas", defaultValue = "auto",
      description = "Show the recurrent layers' implementation as score --kernel would choose it on this machine."
          + " Default: ${DEFAULT-VALUE}.")
  String kernel;

  @Override
  public Integer call() {
    // No Spark session: a summary needs only the file.
    modelOptions.require(spec);
    RnnModel loaded = modelOptions.load(new Configuration());
    PrintWriter out = spec.commandLine().getOut();
    KernelPath path = KernelPath.parse(kernel, "--kernel");
    out.print(ModelSummary.render(modelOptions.model, loaded));
    Map<String, KernelPath.Choice> paths = new ForwardPass(loaded, path).kernelPaths();
    if (!paths.isEmpty()) {
      out.println("Recurrent kernel (--kernel " + path.text() + ", as chosen on this machine):");
      paths.forEach((layer, choice) -> out.println("  " + layer + ": " + choice));
    }
    out.flush();
    return ExitCode.OK.code();
  }
}
