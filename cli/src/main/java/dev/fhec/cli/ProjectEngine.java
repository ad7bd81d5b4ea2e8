package dev.fhec.cli;

import dev.fhec.compiler.bundle.Bundle;
import dev.fhec.compiler.bundle.BundleCompiler;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.ClearTensor;
import dev.fhec.runtime.exec.CircuitExecutor;
import dev.fhec.runtime.exec.ClearSimulator;
import dev.fhec.runtime.exec.ClientTensors;
import dev.fhec.runtime.exec.EncryptedTensor;
import dev.fhec.runtime.io.FhecFiles;
import dev.fhec.runtime.key.ClientKey;
import dev.fhec.runtime.key.EvaluationKeys;
import dev.fhec.runtime.key.KeyGenerator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link Engine} over the project's own APIs: {@link BundleCompiler} for compilation, {@link
 * KeyGenerator}, {@link ClientTensors} and {@link CircuitExecutor} for the encrypted steps, {@link
 * FhecFiles} for key and ciphertext files (seeded forms), {@link ClearSimulator} for simulation.
 */
final class ProjectEngine implements Engine {
  @Override
  public Bundle compile(CompileRequest request) throws IOException {
    return BundleCompiler.compile(
        request.model(), request.inputset(), request.nBits(), request.options());
  }

  @Override
  public void keygen(
      Circuit circuit, Path clientKey, Path evaluationKeys, ProgressReporter progress) {
    progress.start("keygen", 3, "steps");
    ClientKey ck = KeyGenerator.generateClientKey(circuit.parameters().requireUsable());
    progress.advance(1);
    EvaluationKeys ek = KeyGenerator.generateEvaluationKeys(ck);
    progress.advance(1);
    FhecFiles.writeClientKey(clientKey, ck);
    FhecFiles.writeEvaluationKeys(evaluationKeys, ek, true);
    progress.advance(1);
    progress.finish();
  }

  @Override
  public void encrypt(Circuit circuit, Path clientKey, List<ClearTensor> inputs, Path out) {
    ClientKey ck = FhecFiles.readClientKey(clientKey);
    requireSameParameters(circuit, ck.parameters().fingerprint(), clientKey);
    List<EncryptedTensor> cts = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      cts.add(
          ClientTensors.encrypt(ck, inputs.get(i).data(), circuit.value(circuit.inputs().get(i))));
    }
    FhecFiles.writeCiphertexts(out, circuit.parameters(), cts, true);
  }

  @Override
  public void run(
      Circuit circuit, Path evaluationKeys, Path in, Path out, ProgressReporter progress) {
    EvaluationKeys ek = FhecFiles.readEvaluationKeys(evaluationKeys, circuit.parameters());
    List<EncryptedTensor> inputs = FhecFiles.readCiphertexts(in, circuit.parameters());
    progress.start("run", circuit.pbsCount(), "PBS");
    List<EncryptedTensor> outputs =
        new CircuitExecutor(ek).run(circuit, inputs, (done, total) -> progress.update(done));
    progress.finish();
    FhecFiles.writeCiphertexts(out, circuit.parameters(), outputs, false);
  }

  @Override
  public List<ClearTensor> decrypt(Circuit circuit, Path clientKey, Path in) {
    ClientKey ck = FhecFiles.readClientKey(clientKey);
    requireSameParameters(circuit, ck.parameters().fingerprint(), clientKey);
    List<EncryptedTensor> cts = FhecFiles.readCiphertexts(in, circuit.parameters());
    if (cts.size() != circuit.outputs().size()) {
      throw new UserException(
          in
              + " holds "
              + cts.size()
              + " tensors, the circuit has "
              + circuit.outputs().size()
              + " outputs",
          "decrypt the file written by 'fhec run' for this circuit");
    }
    List<ClearTensor> out = new ArrayList<>();
    for (EncryptedTensor t : cts) {
      out.add(new ClearTensor(t.shape(), ClientTensors.decrypt(ck, t)));
    }
    return out;
  }

  private static void requireSameParameters(Circuit circuit, long fingerprint, Path key) {
    if (circuit.parameters().fingerprint() != fingerprint) {
      throw new UserException(
          key + " was generated for other parameters than " + circuit.parameters().name(),
          "generate keys for this bundle with 'fhec keygen'");
    }
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
