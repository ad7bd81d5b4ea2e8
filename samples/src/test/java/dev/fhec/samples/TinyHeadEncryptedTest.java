package dev.fhec.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.CompiledCircuit;
import dev.fhec.compiler.Fhec;
import dev.fhec.compiler.frontend.json.JsonGraphFrontend;
import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.exec.CircuitExecutor;
import dev.fhec.runtime.exec.ClearSimulator;
import dev.fhec.runtime.exec.ClientTensors;
import dev.fhec.runtime.exec.EncryptedTensor;
import dev.fhec.runtime.io.npy.NpyArray;
import dev.fhec.runtime.io.npy.Npz;
import dev.fhec.runtime.key.KeyGenerator;
import dev.fhec.runtime.key.KeySetIdentity;
import dev.fhec.runtime.params.ParameterSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The reduced GPT-2 head (samples/gpt2-head-tiny: n = 3, d_model = 16, d_head = 4) end to end on
 * encrypted data with the parameters the optimizer picks (128-bit secure, no TOY set), under the
 * default multi-parameter plan and under {@code singleParameter}: the decryption equals the
 * cleartext simulation and the numpy quantized reference {@code y_int} bit for bit. The
 * multi-parameter key set is about 1 GB in memory; keygen dominates (about a minute on 2 cores).
 */
@Tag("slow")
class TinyHeadEncryptedTest {
  private static final Path DIR = Path.of("gpt2-head-tiny");

  @Test
  void multiParameterPlanDecryptsToTheSimulationAndTheNumpyReference() throws Exception {
    Circuit circuit = compile(CompileOptions.defaults());
    // The optimizer gives the head's lookups several partitions (keyswitch conversions between
    // them): this is the end-to-end check of a multi-partition key set at real sizes.
    assertTrue(circuit.plan().size() > 1, "a multi-partition plan: " + circuit.plan().describe());
    assertTrue(
        circuit.instructions().stream().anyMatch(i -> i instanceof Instruction.Keyswitch),
        "the plan converts values between partitions");
    runEncrypted(circuit);
  }

  @Test
  void singleParameterPlanDecryptsToTheSimulationAndTheNumpyReference() throws Exception {
    Circuit circuit = compile(CompileOptions.defaults().withSingleParameter(true));
    assertEquals(1, circuit.plan().size(), circuit.plan().describe());
    runEncrypted(circuit);
  }

  private static Circuit compile(CompileOptions options) throws Exception {
    Program json = JsonGraphFrontend.load(DIR.resolve("model.json"));
    NpyArray.Ints calib = (NpyArray.Ints) Npz.read(DIR.resolve("inputset.npz")).get("q_x");
    CompiledCircuit cc = Fhec.compile(json, options, samples(calib));
    Circuit circuit = cc.circuit();
    for (ParameterSet p : circuit.plan().partitions()) {
      assertFalse(p.isToy(), p.name());
      p.requireUsable();
    }
    return circuit;
  }

  private static void runEncrypted(Circuit circuit) throws Exception {
    KeyGenerator.KeySet keys =
        KeyGenerator.generate(circuit.plan(), KeySetIdentity.fresh(circuit), null);
    var vectors = Npz.read(DIR.resolve("vectors.npz"));
    NpyArray.Ints qx = (NpyArray.Ints) vectors.get("q_x");
    NpyArray.Ints y = (NpyArray.Ints) vectors.get("y_int");
    int in = qx.size() / qx.shape()[0];
    int out = y.size() / y.shape()[0];
    CircuitExecutor executor = new CircuitExecutor(keys.evaluation());
    // Two vectors keep the run short; every vector agrees in simulation (SampleHeadTest).
    for (int s = 0; s < 2; s++) {
      long[] x = Arrays.copyOfRange(qx.data(), s * in, (s + 1) * in);
      EncryptedTensor ct =
          ClientTensors.encrypt(keys.client(), x, circuit.value(circuit.inputs().get(0)));
      List<EncryptedTensor> result = executor.run(circuit, List.of(ct), null);
      long[] decrypted = ClientTensors.decrypt(keys.client(), result.get(0));
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
