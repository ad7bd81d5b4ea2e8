package dev.fhec.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.io.FhecFiles;
import dev.fhec.runtime.key.ClientKeySet;
import dev.fhec.runtime.key.EvaluationKeySet;
import dev.fhec.runtime.key.KeyGenerator;
import dev.fhec.runtime.key.KeySetIdentity;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code fhec keygen} does: client keys in memory, evaluation keys generated straight into a
 * seeded file (never a whole key in memory); read back, they run the two-partition circuit of
 * {@link MultiPartitionExecutorTest} (a lookup in each partition, a conversion between them) and
 * decrypt to its integer math.
 */
class KeyFilesExecutorTest {
  @TempDir Path dir;

  @Test
  void keysGeneratedIntoFilesRunTheCircuit() {
    Circuit c = MultiPartitionExecutorTest.circuit();
    Path clientFile = dir.resolve("client.key");
    Path evalFile = dir.resolve("eval.keys");
    ClientKeySet generated =
        KeyGenerator.generateClientKeys(c.plan(), KeySetIdentity.fresh(c), null);
    FhecFiles.writeClientKey(clientFile, generated);
    FhecFiles.writeEvaluationKeys(evalFile, generated, null);

    ClientKeySet client = FhecFiles.readClientKey(clientFile, FhecFiles.Expect.circuit(c));
    EvaluationKeySet eval = FhecFiles.readEvaluationKeys(evalFile, FhecFiles.Expect.circuit(c));
    long[] x = {0, 1, 2, 3, 4, 5, 6, 7};
    List<EncryptedTensor> out =
        new CircuitExecutor(eval)
            .run(c, List.of(ClientTensors.encrypt(client, x, c.value(0))), null);
    long[] sum = new long[8];
    long[] flipped = new long[8];
    for (int i = 0; i < 8; i++) {
      sum[i] = (x[i] * 3) % 8 + x[i];
      flipped[i] = 15 - sum[i];
    }
    assertArrayEquals(sum, ClientTensors.decrypt(client, out.get(0)));
    assertArrayEquals(flipped, ClientTensors.decrypt(client, out.get(1)));

    // Read for computing (what fhec run and the server do): Fourier forms only, each built as its
    // partition is read, equal to the full read's, and the run's ciphertexts bit for bit the same.
    EvaluationKeySet computing =
        FhecFiles.readEvaluationKeysForComputing(evalFile, FhecFiles.Expect.circuit(c));
    for (int p = 0; p < c.plan().size(); p++) {
      assertFalse(computing.bootstrapKeys().get(p).hasStandard());
      assertArrayEquals(
          eval.bootstrapKeys().get(p).fourier().data(),
          computing.bootstrapKeys().get(p).fourier().data());
    }
    EncryptedTensor in = ClientTensors.encrypt(client, x, c.value(0));
    List<EncryptedTensor> a = new CircuitExecutor(eval).run(c, List.of(in), null);
    List<EncryptedTensor> b = new CircuitExecutor(computing).run(c, List.of(in), null);
    assertEquals(a.size(), b.size());
    for (int t = 0; t < a.size(); t++) {
      for (int e = 0; e < a.get(t).size(); e++) {
        assertArrayEquals(a.get(t).element(e).data(), b.get(t).element(e).data());
      }
    }
  }
}
