package dev.fhec.cli;

import dev.fhec.compiler.bundle.Bundle;
import dev.fhec.runtime.circuit.ClearTensor;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the compiled circuit on clear integers: the same instructions and tables as the"
          + " encrypted run, in milliseconds. Results agree with decrypt bit for bit when no"
          + " bootstrap errs.",
      ""
    },
    footer = {"", "Example:", "  fhec simulate --bundle head.fhec input.npz -o expected.npy"})
final class SimulateCommand implements Callable<Integer> {
  @ParentCommand FhecCommand root;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--bundle",
      required = true,
      paramLabel = "<bundle>",
      description = "The compiled bundle.")
  Path bundle;

  @Mixin InputTensors inputs;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "<file>",
      description = "Result: .npy, .npz or .json.")
  Path output;

  @Override
  public Integer call() throws Exception {
    Bundle b = Bundle.read(bundle);
    List<ClearTensor> in = inputs.readFor(b);
    long t0 = System.nanoTime();
    List<ClearTensor> result = root.engine().simulate(b.circuit(), in);
    long nanos = System.nanoTime() - t0;
    Io.createParent(output);
    TensorFiles.write(output, Io.named(b.manifest().outputs(), result));
    spec.commandLine()
        .getOut()
        .println(
            "Simulated "
                + b.manifest().name()
                + " in "
                + ProgressReporter.seconds(nanos)
                + " -> "
                + output);
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
