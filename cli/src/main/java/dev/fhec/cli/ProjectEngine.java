package dev.fhec.cli;

import dev.fhec.compiler.bundle.Bundle;
import dev.fhec.compiler.bundle.BundleCompiler;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.ClearTensor;
import dev.fhec.runtime.exec.ClearSimulator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link Engine} over the project's own APIs: {@link BundleCompiler} for compilation, {@link
 * ClearSimulator} for simulation, and the runtime's key generator, client tensors and circuit
 * executor for the encrypted steps.
 */
final class ProjectEngine implements Engine {
  @Override
  public Bundle compile(CompileRequest request) throws IOException {
    return BundleCompiler.compile(
        request.model(), request.inputset(), request.nBits(), request.options());
  }

  private static UserException missing(String what) {
    return new UserException(
        what
            + " is not available in this build of fhec: key and ciphertext files cannot be"
            + " written yet",
        "build from a checkout where the runtime's key serialization is merged");
  }

  @Override
  public void keygen(Circuit c, Path ck, Path ek, ProgressReporter p) {
    throw missing("key generation");
  }

  @Override
  public void encrypt(Circuit c, Path ck, List<ClearTensor> in, Path out) {
    throw missing("encryption");
  }

  @Override
  public void run(Circuit c, Path ek, Path in, Path out, ProgressReporter p) {
    throw missing("encrypted execution");
  }

  @Override
  public List<ClearTensor> decrypt(Circuit c, Path ck, Path in) {
    throw missing("decryption");
  }

  @Override
  public List<ClearTensor> simulate(Circuit circuit, List<ClearTensor> inputs) {
    List<long[]> in = new ArrayList<>();
    for (ClearTensor t : inputs) {
      in.add(t.data());
    }
    ClearSimulator.Result r = ClearSimulator.run(circuit, in, ClearSimulator.Options.exact());
    List<ClearTensor> out = new ArrayList<>();
    for (int i = 0; i < r.outputs().size(); i++) {
      out.add(new ClearTensor(circuit.value(circuit.outputs().get(i)).shape(), r.outputs().get(i)));
    }
    return out;
  }
}
