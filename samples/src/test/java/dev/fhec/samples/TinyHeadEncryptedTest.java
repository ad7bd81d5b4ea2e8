package dev.fhec.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.CompiledCircuit;
import dev.fhec.compiler.Fhec;
import dev.fhec.compiler.frontend.json.JsonGraphFrontend;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.exec.CircuitExecutor;
import dev.fhec.runtime.exec.ClearSimulator;
import dev.fhec.runtime.exec.ClientTensors;
import dev.fhec.runtime.exec.EncryptedTensor;
import dev.fhec.runtime.io.npy.NpyArray;
import dev.fhec.runtime.io.npy.Npz;
import dev.fhec.runtime.key.ClientKey;
import dev.fhec.runtime.key.EvaluationKeys;
import dev.fhec.runtime.key.KeyGenerator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The reduced GPT-2 head (samples/gpt2-head-tiny: n = 3, d_model = 16, d_head = 4) end to end on
 * encrypted data with the parameters the optimizer picks (128-bit secure, no TOY set): the
 * decryption equals the cleartext simulation and the numpy quantized reference {@code y_int} bit
 * for bit. About 20 s on 2 cores (keygen + 234 bootstraps).
 */
@Tag("slow")
class TinyHeadEncryptedTest {
  private static final Path DIR = Path.of("gpt2-head-tiny");

  @Test
  void decryptedOutputEqualsTheSimulationAndTheNumpyReference() throws Exception {
    Program json = JsonGraphFrontend.load(DIR.resolve("model.json"));
    NpyArray.Ints calib = (NpyArray.Ints) Npz.read(DIR.resolve("inputset.npz")).get("q_x");
    CompiledCircuit cc = Fhec.compile(json, CompileOptions.defaults(), samples(calib));
    Circuit circuit = cc.circuit();
    assertFalse(circuit.parameters().isToy(), circuit.parameters().name());
    circuit.parameters().requireUsable();

    ClientKey client = KeyGenerator.generateClientKey(circuit.parameters());
    EvaluationKeys server = KeyGenerator.generateEvaluationKeys(client);

    var vectors = Npz.read(DIR.resolve("vectors.npz"));
    NpyArray.Ints qx = (NpyArray.Ints) vectors.get("q_x");
    NpyArray.Ints y = (NpyArray.Ints) vectors.get("y_int");
    int in = qx.size() / qx.shape()[0];
    int out = y.size() / y.shape()[0];
    // Two vectors keep the run short; every vector agrees in simulation (SampleHeadTest).
    for (int s = 0; s < 2; s++) {
      long[] x = Arrays.copyOfRange(qx.data(), s * in, (s + 1) * in);
      EncryptedTensor ct = ClientTensors.encrypt(client, x, circuit.value(circuit.inputs().get(0)));
      List<EncryptedTensor> result = new CircuitExecutor(server).run(circuit, List.of(ct), null);
      long[] decrypted = ClientTensors.decrypt(client, result.get(0));
      long[] simulated =
          ClearSimulator.run(circuit, List.of(x), ClearSimulator.Options.exact()).outputs().get(0);
      long[] expected = Arrays.copyOfRange(y.data(), s * out, (s + 1) * out);
      assertArrayEquals(simulated, decrypted, "vector " + s + ": decrypted vs simulated");
      assertArrayEquals(expected, decrypted, "vector " + s + ": decrypted vs numpy y_int");
      assertTrue(Arrays.stream(expected).anyMatch(v -> v != 0), "a non-trivial output");
    }
  }

  private static List<List<Tensor>> samples(NpyArray.Ints all) {
    int per = all.size() / all.shape()[0];
    int[] shape = Arrays.copyOfRange(all.shape(), 1, all.shape().length);
    List<List<Tensor>> out = new ArrayList<>();
    for (int i = 0; i < all.shape()[0]; i++) {
      out.add(
          List.of(new Tensor.Ints(shape, Arrays.copyOfRange(all.data(), i * per, (i + 1) * per))));
    }
    return out;
  }
}
