package dev.fhec.cli;

import dev.fhec.compiler.bundle.Bundle;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.ClearTensor;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
      "  fhec decrypt --keys keys output.ct -o result.json",
      "  fhec decrypt --keys keys output.ct --dequantize -o result.npy   # float ONNX models"
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

  @Option(
      names = "--dequantize",
      description =
          "Write floats: each output times the scale the bundle records (models compiled from"
              + " float ONNX).")
  boolean dequantize;

  @Override
  public Integer call() throws Exception {
    Circuit circuit;
    List<String> names;
    Map<String, String> options;
    if (bundle != null) {
      // An explicit bundle wins; the key directory then only has to hold the client key.
      Bundle b = Bundle.read(bundle);
      circuit = b.circuit();
      names = b.manifest().outputs();
      options = b.manifest().options();
    } else {
      KeyDir k = KeyDir.read(keys);
      circuit = k.circuit();
      names = k.manifest().outputs();
      options = k.manifest().options();
    }
    Io.requireFile(input, "ciphertext file", "the server writes it with 'fhec run'");
    List<ClearTensor> result = root.engine().decrypt(circuit, KeyDir.clientKeyIn(keys), input);
    Io.createParent(output);
    TensorFiles.write(
        output, dequantize ? dequantized(names, result, options) : Io.named(names, result));
    spec.commandLine().getOut().println("Decrypted " + names + " -> " + output);
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }

  /** q · output_scale_i for every output i: the quantizer's decoding. */
  static Map<String, Tensor> dequantized(
      List<String> names, List<ClearTensor> result, Map<String, String> options) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (int i = 0; i < result.size(); i++) {
      String scale = options.get("output_scale_" + i);
      if (scale == null) {
        throw new UserException(
            "the bundle records no output scale for output " + i + " ('" + names.get(i) + "')",
            "--dequantize applies to models compiled from float ONNX; drop it for integer models");
      }
      double s = Double.parseDouble(scale);
      ClearTensor t = result.get(i);
      double[] d = new double[t.size()];
      for (int j = 0; j < d.length; j++) {
        d[j] = t.at(j) * s;
      }
      out.put(names.get(i), new Tensor.Floats(t.shape(), d));
    }
    return out;
  }
}
