package dev.fhec.cli;

import dev.fhec.compiler.bundle.Bundle;
import dev.fhec.compiler.bundle.OverflowCheck;
import dev.fhec.compiler.report.KeySizes;
import dev.fhec.runtime.circuit.ClearTensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "encrypt",
    mixinStandardHelpOptions = true,
    description = {
      "Encrypts quantized integer inputs under the client key (client side). Arrays are matched to"
          + " the circuit inputs by name, or by position when the file holds exactly as many.",
      ""
    },
    footer = {
      "",
      "Example:",
      "  fhec encrypt --bundle head.fhec --keys keys input.npz -o input.ct",
      "  fhec encrypt --bundle head.fhec --keys keys vectors.npz --sample 0 -o input.ct",
      "",
      "When some nodes of the circuit rely on calibrated bounds, encrypt first runs the circuit on"
          + " the clear input and refuses an input that would overflow one of them: the encrypted"
          + " result would be wrong and nobody could see it."
    })
final class EncryptCommand implements Callable<Integer> {
  @ParentCommand FhecCommand root;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--bundle",
      required = true,
      paramLabel = "<bundle>",
      description = "The compiled bundle.")
  Path bundle;

  @Option(
      names = "--keys",
      required = true,
      paramLabel = "<keydir>",
      description = "Key directory from keygen.")
  Path keys;

  @Mixin InputTensors inputs;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "<file>",
      description = "Ciphertext file to write.")
  Path output;

  @Option(
      names = "--no-overflow-check",
      description =
          "Skip the clear pre-run that refuses inputs overflowing a calibrated node (their"
              + " encrypted result would be wrong).")
  boolean noOverflowCheck;

  @Override
  public Integer call() throws Exception {
    Bundle b = Bundle.read(bundle);
    List<ClearTensor> in = inputs.readFor(b);
    InputTensors.requireInRange(b, in); // before anything secret is touched
    if (!noOverflowCheck && reliesOnCalibration(b)) {
      // The client holds the clear input: a clear run is cheap next to the encrypted one, and is
      // the only place a calibrated node's overflow can still be seen.
      Optional<OverflowCheck.Overflow> o = OverflowCheck.first(b, SimulateCommand.flat(in));
      if (o.isPresent()) {
        throw new UserException(
            "this input would overflow the circuit, so its encrypted result would be wrong: "
                + o.get().message(),
            OverflowCheck.HINT);
      }
    }
    Path clientKey = KeyDir.clientKeyIn(keys);
    Io.createParent(output);
    long t0 = System.nanoTime();
    root.engine().encrypt(b.circuit(), clientKey, in, output);
    spec.commandLine()
        .getOut()
        .println(
            "Encrypted "
                + in.stream().mapToInt(ClearTensor::size).sum()
                + " values into "
                + output
                + " ("
                + KeySizes.human(Files.size(output))
                + ", "
                + ProgressReporter.seconds(System.nanoTime() - t0)
                + ")");
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }

  private static boolean reliesOnCalibration(Bundle b) {
    return b.manifest().bounds() != null && !b.manifest().bounds().calibrated().isEmpty();
  }
}
