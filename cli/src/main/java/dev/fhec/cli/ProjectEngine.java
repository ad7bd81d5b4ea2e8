package dev.fhec.cli;

import dev.fhec.compiler.bundle.Bundle;
import dev.fhec.compiler.bundle.BundleCompiler;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.ClearTensor;
import dev.fhec.runtime.circuit.ParameterPlan;
import dev.fhec.runtime.exec.CircuitExecutor;
import dev.fhec.runtime.exec.ClearSimulator;
import dev.fhec.runtime.exec.ClientTensors;
import dev.fhec.runtime.exec.EncryptedTensor;
import dev.fhec.runtime.io.FhecFiles;
import dev.fhec.runtime.key.ClientKeySet;
import dev.fhec.runtime.key.EvaluationKeySet;
import dev.fhec.runtime.key.KeyGenerator;
import dev.fhec.runtime.key.KeySetIdentity;
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
    ParameterPlan plan = circuit.plan().requireUsable();
    progress.start("keygen", KeyGenerator.keyCount(plan), "keys");
    KeyGenerator.Progress told = (what, done, total) -> progress.update(done);
    ClientKeySet client =
        KeyGenerator.generateClientKeys(plan, KeySetIdentity.fresh(circuit), told);
    FhecFiles.writeClientKey(clientKey, client);
    // Each key goes to disk as it is made: the key set is never whole in memory.
    FhecFiles.writeEvaluationKeys(evaluationKeys, client, told);
    progress.finish();
  }

  @Override
  public void encrypt(Circuit circuit, Path clientKey, List<ClearTensor> inputs, Path out) {
    ClientKeySet ck = FhecFiles.readClientKey(clientKey, FhecFiles.Expect.circuit(circuit));
    List<EncryptedTensor> cts = new ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      cts.add(
          ClientTensors.encrypt(ck, inputs.get(i).data(), circuit.value(circuit.inputs().get(i))));
    }
    FhecFiles.writeCiphertexts(
        out, FhecFiles.Role.INPUTS, ck.identity(), circuit.plan(), cts, true);
  }

  @Override
  public void run(
      Circuit circuit, Path evaluationKeys, Path in, Path out, ProgressReporter progress) {
    EvaluationKeySet ek =
        FhecFiles.readEvaluationKeys(evaluationKeys, FhecFiles.Expect.circuit(circuit));
    FhecFiles.CiphertextFile file =
        FhecFiles.readCiphertextFile(in, new FhecFiles.Expect(circuit, ek.identity()));
    if (file.role() == FhecFiles.Role.OUTPUTS) {
      throw new UserException(
          in + " holds the encrypted outputs of a run, not inputs",
          "give 'fhec run' the file 'fhec encrypt' wrote; decrypt this one with 'fhec decrypt'");
    }
    List<EncryptedTensor> inputs = file.tensors();
    requireInputs(circuit, inputs, in);
    progress.start("run", circuit.pbsCount(), "PBS");
    List<EncryptedTensor> outputs =
        new CircuitExecutor(ek).run(circuit, inputs, (done, total) -> progress.update(done));
    progress.finish();
    FhecFiles.writeCiphertexts(
        out, FhecFiles.Role.OUTPUTS, ek.identity(), circuit.plan(), outputs, false);
  }

  /** The server's check that a ciphertext file holds this circuit's inputs (not, say, outputs). */
  static void requireInputs(Circuit circuit, List<EncryptedTensor> cts, Path in) {
    String hint =
        "give 'fhec run' the file 'fhec encrypt' wrote for this bundle, not a run's output";
    if (cts.size() != circuit.inputs().size()) {
      throw new UserException(
          in + " holds " + cts.size() + " tensors; the circuit takes " + circuit.inputs().size(),
          hint);
    }
    for (int i = 0; i < cts.size(); i++) {
      dev.fhec.runtime.circuit.ValueInfo info = circuit.value(circuit.inputs().get(i));
      if (!cts.get(i).matches(info)) {
        throw new UserException(
            in
                + ": tensor "
                + i
                + " is "
                + cts.get(i)
                + ", the circuit's input "
                + i
                + " is "
                + info,
            hint);
      }
    }
  }

  @Override
  public List<ClearTensor> decrypt(Circuit circuit, Path clientKey, Path in) {
    ClientKeySet ck = FhecFiles.readClientKey(clientKey, FhecFiles.Expect.circuit(circuit));
    FhecFiles.CiphertextFile file =
        FhecFiles.readCiphertextFile(in, new FhecFiles.Expect(circuit, ck.identity()));
    if (file.role() == FhecFiles.Role.INPUTS) {
      throw new UserException(
          in + " holds encrypted inputs (written by 'fhec encrypt'), not the outputs of a run",
          "run the circuit on it first: 'fhec run --bundle BUNDLE --eval-keys KEYS/eval.keys "
              + in
              + " -o out.ct', then decrypt out.ct");
    }
    List<EncryptedTensor> cts = file.tensors();
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
