package dev.fhec.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.runtime.api.FheClient;
import dev.fhec.runtime.api.FheServer;
import dev.fhec.runtime.api.RejectedInputException;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.exec.CircuitExecutor;
import dev.fhec.runtime.exec.ClientTensors;
import dev.fhec.runtime.exec.EncryptedTensor;
import dev.fhec.runtime.io.FhecFiles;
import dev.fhec.runtime.io.FileKind;
import dev.fhec.runtime.key.EvaluationKeySet;
import dev.fhec.runtime.key.KeyGenerator;
import dev.fhec.runtime.key.KeySetIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime-level API without HTTP: FheClient and FheServer on a TOY circuit. */
class FheApiTest {
  @TempDir Path tmp;

  @Test
  void clientAndServerRoundTripAndTheServerRefusesSecrets() throws Exception {
    FheServer server = new FheServer(Map.of("squares", TestCircuits.SQUARES));
    FheClient client = FheClient.generate(TestCircuits.SQUARES, null);
    byte[] ek = client.evaluationKeyBytes().orElseThrow();
    assertEquals(FileKind.EVALUATION_KEYS, FheServer.kindOf(ek).orElseThrow());
    FheServer.Loaded keys = server.loadEvaluationKeys("squares", ek);
    assertEquals(client.identity(), keys.identity());

    long[] x = {-7, -1, 0, 3, 7};
    byte[] out = FheServer.run(keys, client.encrypt(List.of(x)), null);
    assertArrayEquals(
        TestCircuits.simulate(TestCircuits.SQUARES, List.of(x)).get(0), client.decrypt(out).get(0));

    // A saved and reloaded client decrypts the same answer; the server refuses its key file.
    Path ck = tmp.resolve("client.key");
    client.saveClientKey(ck);
    FheClient reloaded = FheClient.load(TestCircuits.SQUARES, ck);
    assertTrue(reloaded.evaluationKeyBytes().isEmpty());
    assertArrayEquals(client.decrypt(out).get(0), reloaded.decrypt(out).get(0));
    byte[] secret = Files.readAllBytes(ck);
    RejectedInputException e =
        assertThrows(
            RejectedInputException.class, () -> server.loadEvaluationKeys("squares", secret));
    assertTrue(e.getMessage().contains("secret"), e.getMessage());
    // Messages name what is wrong, never bytes of the input.
    byte[] bad = Arrays.copyOf(ek, ek.length - 1);
    RejectedInputException t =
        assertThrows(RejectedInputException.class, () -> server.loadEvaluationKeys("squares", bad));
    assertTrue(t.getMessage().length() < 300, t.getMessage());
    assertThrows(RejectedInputException.class, () -> server.circuit("../squares"));
  }

  @Test
  void keysLoadedForComputingDropTheCoefficientFormAndRunBitIdentically() {
    Circuit c = TestCircuits.SQUARES;
    KeyGenerator.KeySet ks = KeyGenerator.generate(c.plan(), KeySetIdentity.fresh(c), null);
    EvaluationKeySet full = ks.evaluation();
    EvaluationKeySet computing = full.forComputing();
    assertTrue(full.bootstrapKey(0).hasStandard());
    assertFalse(computing.bootstrapKey(0).hasStandard());
    assertTrue(computing.forComputing() == computing);
    long bsk = 8L * full.bootstrapKey(0).fourier().data().length;
    assertEquals(full.memoryBytes() - bsk, computing.memoryBytes());

    // Same input ciphertexts through both sets: the same output ciphertexts, word for word.
    long[] x = {-7, -2, 0, 5, 7};
    List<EncryptedTensor> in =
        List.of(ClientTensors.encrypt(ks.client(), x, c.value(c.inputs().get(0))));
    List<EncryptedTensor> a = new CircuitExecutor(full).run(c, in, null);
    List<EncryptedTensor> b = new CircuitExecutor(computing).run(c, in, null);
    assertArrayEquals(
        FhecFiles.ciphertextsBytes(full.identity(), c.plan(), a, false),
        FhecFiles.ciphertextsBytes(full.identity(), c.plan(), b, false));

    // What the server loads is the computing form; writing it is refused with a reason.
    FheServer server = new FheServer(Map.of("squares", c));
    EvaluationKeySet loaded =
        server.loadEvaluationKeys("squares", FhecFiles.evaluationKeysBytes(full, true)).keys();
    assertFalse(loaded.bootstrapKey(0).hasStandard());
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> FhecFiles.evaluationKeysBytes(loaded, true));
    assertTrue(e.getMessage().contains("Fourier domain only"), e.getMessage());
  }
}
