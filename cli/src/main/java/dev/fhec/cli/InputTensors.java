package dev.fhec.cli;

import dev.fhec.compiler.bundle.Bundle;
import dev.fhec.runtime.circuit.ClearTensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The clear inputs of a circuit, read from a tensor file: shared by encrypt and simulate. */
final class InputTensors {
  @Parameters(index = "0", paramLabel = "<input>", description = "Inputs: .npy, .npz or .json.")
  Path input;

  @Option(
      names = "--sample",
      paramLabel = "<i>",
      description =
          "Take sample i along the leading axis of every array (e.g. of a test-vector file).")
  Integer sample;

  /** The inputs of {@code bundle}'s circuit, matched by name, in circuit order. */
  List<ClearTensor> readFor(Bundle bundle) throws IOException {
    return Io.inputsFor(
        bundle.circuit(),
        bundle.manifest().inputs(),
        Io.sampled(TensorFiles.read(input), sample, input),
        input);
  }
}
