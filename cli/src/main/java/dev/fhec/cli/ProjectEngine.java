package dev.fhec.cli;

import dev.fhec.compiler.bundle.Bundle;
import dev.fhec.compiler.bundle.BundleCompiler;
import dev.fhec.runtime.api.FheClient;
import dev.fhec.runtime.api.FheServer;
import dev.fhec.runtime.api.RejectedInputException;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.ClearTensor;
import dev.fhec.runtime.circuit.ParameterPlan;
import dev.fhec.runtime.exec.ClearSimulator;
import dev.fhec.runtime.exec.EncryptedTensor;
import dev.fhec.runtime.io.FhecFiles;
import dev.fhec.runtime.key.KeyGenerator;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@link Engine} over the project's own APIs: {@link BundleCompiler} for compilation, the
 * runtime's client/server API for the encrypted steps ({@link FheClient}: keys, encryption,
 * decryption; {@link FheServer}: runs with evaluation keys only), {@link ClearSimulator} for
 * simulation.
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
    // Each key goes to disk as it is made: the key set is never whole in memory.
    FheClient.generateToFiles(
        circuit, clientKey, evaluationKeys, (what, done, total) -> progress.update(done));
    progress.finish();
  }

  @Override
  public void encrypt(Circuit circuit, Path clientKey, List<ClearTensor> inputs, Path out) {
    List<long[]> values = new ArrayList<>();
    for (ClearTensor t : inputs) {
      values.add(t.data());
    }
    FheClient.load(circuit, clientKey).encrypt(values, out);
  }

  @Override
  public void run(
      Circuit circuit, Path evaluationKeys, Path in, Path out, ProgressReporter progress) {
    FheServer.Loaded keys = loadKeys(circuit, evaluationKeys);
    List<EncryptedTensor> inputs = readInputs(circuit, keys, in);
    progress.start("run", circuit.pbsCount(), "PBS");
    List<EncryptedTensor> outputs =
        FheServer.execute(keys, inputs, (done, total) -> progress.update(done));
    progress.finish();
    FhecFiles.writeCiphertexts(
        out, FhecFiles.Role.OUTPUTS, keys.identity(), circuit.plan(), outputs, false);
  }

  /**
   * {@code circuit}'s evaluation keys from {@code evaluationKeys}, loaded for computing (parsed
   * here so that errors name the file; the server API keeps the Fourier form only). Shared by the
   * in-process and the Spark 'fhec run'.
   */
  static FheServer.Loaded loadKeys(Circuit circuit, Path evaluationKeys) {
    try {
      return new FheServer(Map.of(circuit.name(), circuit))
          .load(
              circuit.name(),
              FhecFiles.readEvaluationKeysForComputing(
                  evaluationKeys, FhecFiles.Expect.circuit(circuit)));
    } catch (RejectedInputException e) {
      throw new UserException(
          evaluationKeys + ": " + e.getMessage(), "use the eval.keys keygen wrote for this bundle");
    }
  }

  /**
   * The encrypted inputs in {@code in} for {@code keys}' key set: not a run's outputs, and shaped
   * as {@code circuit}'s inputs.
   */
  static List<EncryptedTensor> readInputs(Circuit circuit, FheServer.Loaded keys, Path in) {
    FhecFiles.CiphertextFile file =
        FhecFiles.readCiphertextFile(in, new FhecFiles.Expect(circuit, keys.identity()));
    if (file.role() == FhecFiles.Role.OUTPUTS) {
      throw new UserException(
          in + " holds the encrypted outputs of a run, not inputs",
          "give 'fhec run' the file 'fhec encrypt' wrote; decrypt this one with 'fhec decrypt'");
    }
    List<EncryptedTensor> inputs = file.tensors();
    requireInputs(circuit, inputs, in);
    return inputs;
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
    FheClient client = FheClient.load(circuit, clientKey);
    FhecFiles.CiphertextFile file =
        FhecFiles.readCiphertextFile(in, new FhecFiles.Expect(circuit, client.identity()));
    if (file.role() == FhecFiles.Role.INPUTS) {
      throw new UserException(
          in + " holds encrypted inputs (written by 'fhec encrypt'), not the outputs of a run",
          "run the circuit on it first: 'fhec run --bundle BUNDLE --eval-keys KEYS/eval.keys "
              + in
              + " -o out.ct', then decrypt out.ct");
    }
    List<long[]> values;
    try {
      values = client.decrypt(file.tensors(), in.toString());
    } catch (RejectedInputException e) {
      throw new UserException(
          e.getMessage(), "decrypt the file written by 'fhec run' for this circuit");
    }
    List<ClearTensor> out = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      out.add(new ClearTensor(circuit.value(circuit.outputs().get(i)).shape(), values.get(i)));
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
