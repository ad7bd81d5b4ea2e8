package dev.fhec.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.runtime.TestKeys;
import dev.fhec.runtime.circuit.ValueInfo;
import dev.fhec.runtime.exec.ClientTensors;
import dev.fhec.runtime.exec.EncryptedTensor;
import dev.fhec.runtime.key.ClientKey;
import dev.fhec.runtime.key.EvaluationKeys;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.ParameterSets;
import dev.fhec.runtime.random.Seed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FhecFilesTest {
  private static final ParameterSet P = ParameterSets.TOY_K2_L2;
  @TempDir Path dir;

  @Test
  void clientKeyRoundTrips() {
    ClientKey ck = TestKeys.of(P).client();
    Path f = dir.resolve("client.fhekey");
    FhecFiles.writeClientKey(f, ck);
    ClientKey back = FhecFiles.readClientKey(f);
    assertEquals(ck.parameters(), back.parameters());
    assertEquals(ck.lweKey(), back.lweKey());
    assertEquals(ck.glweKey(), back.glweKey());
  }

  @Test
  void evaluationKeysRoundTripPlainAndSeeded() {
    EvaluationKeys ek = TestKeys.of(P).evaluation();
    byte[] plain = FhecFiles.evaluationKeysBytes(ek, false);
    byte[] seeded = FhecFiles.evaluationKeysBytes(ek, true);
    // Seeded: the BSK keeps 1 polynomial of k+1 per row, the KSK 1 long of n+1 per row.
    assertTrue(seeded.length * 2 < plain.length, seeded.length + " vs " + plain.length);
    for (byte[] bytes : List.of(plain, seeded)) {
      EvaluationKeys back = FhecFiles.evaluationKeysFromBytes(bytes, "keys", P);
      assertArrayEquals(ek.standardBootstrapKey(), back.standardBootstrapKey());
      assertArrayEquals(ek.keyswitchKey().data(), back.keyswitchKey().data());
      assertArrayEquals(ek.bootstrapKey().data(), back.bootstrapKey().data());
    }
  }

  @Test
  void ciphertextsRoundTripPlainAndSeeded() {
    ClientKey ck = TestKeys.of(P).client();
    ValueInfo info = new ValueInfo(new int[] {2, 3}, 6, true, true);
    long[] values = {-32, -1, 0, 1, 17, 31};
    EncryptedTensor t = ClientTensors.encrypt(ck, values, info, Seed.ofLong(1), Seed.ofLong(2));
    EncryptedTensor u =
        ClientTensors.encrypt(ck, new long[] {3, 4}, new ValueInfo(new int[] {2}, 3, false, true));
    for (boolean compressed : new boolean[] {false, true}) {
      byte[] bytes = FhecFiles.ciphertextsBytes(P, List.of(t, u), compressed);
      List<EncryptedTensor> back = FhecFiles.ciphertextsFromBytes(bytes, "ct", P);
      assertEquals(2, back.size());
      assertArrayEquals(values, ClientTensors.decrypt(ck, back.get(0)));
      assertArrayEquals(new long[] {3, 4}, ClientTensors.decrypt(ck, back.get(1)));
      assertArrayEquals(new int[] {2, 3}, back.get(0).shape());
      for (int e = 0; e < t.size(); e++) {
        assertArrayEquals(t.element(e).data(), back.get(0).element(e).data());
      }
    }
    int plain = FhecFiles.ciphertextsBytes(P, List.of(t), false).length;
    int seeded = FhecFiles.ciphertextsBytes(P, List.of(t), true).length;
    assertTrue(seeded * 10 < plain, seeded + " vs " + plain);
  }

  @Test
  void truncatedFilesNameTheOffset() throws Exception {
    byte[] bytes = FhecFiles.clientKeyBytes(TestKeys.of(P).client());
    for (int cut : new int[] {0, 3, 20, bytes.length / 2, bytes.length - 1}) {
      Path f = dir.resolve("cut" + cut);
      Files.write(f, Arrays.copyOf(bytes, cut));
      CorruptFileException e =
          assertThrows(CorruptFileException.class, () -> FhecFiles.readClientKey(f));
      assertEquals(CorruptFileException.Reason.TRUNCATED, e.reason(), e.getMessage());
      assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
      assertTrue(e.getMessage().contains("byte"), e.getMessage());
      assertFalse(e.getMessage().contains("\n"));
    }
  }

  @Test
  void everyFlippedByteIsDetected() {
    byte[] bytes =
        FhecFiles.ciphertextsBytes(
            P,
            List.of(
                ClientTensors.encrypt(
                    TestKeys.of(P).client(),
                    new long[] {1},
                    new ValueInfo(new int[] {1}, 2, false, true))),
            true);
    for (int i = 0; i < bytes.length; i++) {
      byte[] bad = bytes.clone();
      bad[i] ^= 0x10;
      CorruptFileException e =
          assertThrows(
              CorruptFileException.class,
              () -> FhecFiles.ciphertextsFromBytes(bad, "ct.bin", P),
              "flip at " + i);
      assertTrue(e.getMessage().startsWith("ct.bin: "), e.getMessage());
    }
  }

  @Test
  void wrongKindAndWrongParametersAreNamed() {
    byte[] key = FhecFiles.clientKeyBytes(TestKeys.of(P).client());
    CorruptFileException kind =
        assertThrows(
            CorruptFileException.class, () -> FhecFiles.evaluationKeysFromBytes(key, "k", null));
    assertEquals(CorruptFileException.Reason.WRONG_KIND, kind.reason());
    assertTrue(kind.getMessage().contains("expected evaluation keys, the file holds a client key"));

    byte[] ek = FhecFiles.evaluationKeysBytes(TestKeys.of(P).evaluation(), true);
    CorruptFileException params =
        assertThrows(
            CorruptFileException.class,
            () -> FhecFiles.evaluationKeysFromBytes(ek, "ek", ParameterSets.TOY_N256));
    assertEquals(CorruptFileException.Reason.PARAMETER_MISMATCH, params.reason());
    assertTrue(params.getMessage().contains("TOY_N256"), params.getMessage());
    assertTrue(
        params.getMessage().contains(String.format("%016x", P.fingerprint())), params.getMessage());

    byte[] junk = "definitely not a key file, just text".getBytes();
    CorruptFileException magic =
        assertThrows(CorruptFileException.class, () -> FhecFiles.clientKeyFromBytes(junk, "j"));
    assertEquals(CorruptFileException.Reason.NOT_AN_FHEC_FILE, magic.reason());
  }
}
