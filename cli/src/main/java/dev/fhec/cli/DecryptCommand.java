package dev.fhec.cli;

import dev.fhec.compiler.bundle.Bundle;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.ClearTensor;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "decrypt",
    mixinStandardHelpOptions = true,
    description = {
      "Decrypts the outputs of an encrypted run with the client key (client side) and writes them"
          + " as integers.",
      ""
    },
    footer = {
      "",
      "Example:",
      "  fhec decrypt --keys keys output.ct -o result.npy",
      "  fhec decrypt --keys keys output.ct -o result.json"
    })
final class DecryptCommand implements Callable<Integer> {
  @ParentCommand FhecCommand root;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--keys",
      required = true,
      paramLabel = "<keydir>",
      description = "Key directory from keygen.")
  Path keys;

  @Option(
      names = "--bundle",
      paramLabel = "<bundle>",
      description = "The bundle (default: the circuit copy in the key directory).")
  Path bundle;

  @Parameters(
      index = "0",
      paramLabel = "<ciphertexts>",
      description = "Encrypted outputs from run.")
  Path input;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "<file>",
      description = "Result: .npy, .npz or .json.")
  Path output;

  @Override
  public Integer call() throws Exception {
    Circuit circuit;
    List<String> names;
    if (bundle != null) {
      // An explicit bundle wins; the key directory then only has to hold the client key.
      Bundle b = Bundle.read(bundle);
      circuit = b.circuit();
      names = b.manifest().outputs();
    } else {
      KeyDir k = KeyDir.read(keys);
      circuit = k.circuit();
      names = k.manifest().outputs();
    }
    Io.requireFile(input, "ciphertext file", "the server writes it with 'fhec run'");
    List<ClearTensor> result = root.engine().decrypt(circuit, KeyDir.clientKeyIn(keys), input);
    Io.createParent(output);
    TensorFiles.write(output, Io.named(names, result));
    spec.commandLine().getOut().println("Decrypted " + names + " -> " + output);
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
