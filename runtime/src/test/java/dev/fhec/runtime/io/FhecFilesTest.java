package dev.fhec.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.runtime.TestKeys;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.circuit.KeyswitchSpec;
import dev.fhec.runtime.circuit.LookupTable;
import dev.fhec.runtime.circuit.ParameterPlan;
import dev.fhec.runtime.circuit.ValueInfo;
import dev.fhec.runtime.exec.ClientTensors;
import dev.fhec.runtime.exec.EncryptedTensor;
import dev.fhec.runtime.key.ClientKey;
import dev.fhec.runtime.key.ClientKeySet;
import dev.fhec.runtime.key.EvaluationKeySet;
import dev.fhec.runtime.key.EvaluationKeys;
import dev.fhec.runtime.key.KeyGenerator;
import dev.fhec.runtime.key.KeySetIdentity;
import dev.fhec.runtime.params.Decomposition;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.ParameterSets;
import dev.fhec.runtime.random.Seed;
import java.nio.ByteBuffer;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FhecFilesTest {
  private static final ParameterSet P = ParameterSets.TOY_K2_L2;
  @TempDir Path dir;

  /** input → tlu: the smallest circuit with a bootstrap, named by {@code name}. */
  private static Circuit circuit(String name, ParameterSet p) {
    long[] t = new long[8];
    for (int i = 0; i < 8; i++) {
      t[i] = (i * 3) % 8;
    }
    return new Circuit(
        Circuit.FORMAT_VERSION,
        name,
        p,
        List.of(
            new ValueInfo(new int[] {2}, 3, false, true),
            new ValueInfo(new int[] {2}, 3, false, true)),
        List.of(),
        List.of(new LookupTable(t)),
        List.of(new Instruction.Input(0, 0), new Instruction.Tlu(1, 0, new int[] {0})),
        List.of(0),
        List.of(1));
  }

  private static ClientKeySet clientSet(Circuit c) {
    return new ClientKeySet(
        KeySetIdentity.fresh(c), ParameterPlan.single(P), List.of(TestKeys.of(P).client()));
  }

  private static EncryptedTensor tensor(ClientKey ck, long... values) {
    return ClientTensors.encrypt(
        ck, values, new ValueInfo(new int[] {values.length}, 3, false, true));
  }

  @Test
  void clientKeyRoundTripsWithItsIdentity() {
    ClientKeySet ck = clientSet(circuit("a", P));
    Path f = dir.resolve("client.key");
    FhecFiles.writeClientKey(f, ck);
    ClientKeySet back = FhecFiles.readClientKey(f, FhecFiles.Expect.ANY);
    assertEquals(ck.plan(), back.plan());
    assertEquals(ck.identity(), back.identity());
    assertEquals(ck.key(0).lweKey(), back.key(0).lweKey());
    assertEquals(ck.key(0).glweKey(), back.key(0).glweKey());
  }

  @Test
  void clientKeyIsReadableByItsOwnerOnly() throws Exception {
    Path f = dir.resolve("client.key");
    Files.writeString(f, "old, world-readable");
    FhecFiles.writeClientKey(f, clientSet(circuit("a", P)));
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }
  }

  @Test
  void evaluationKeysRoundTripPlainAndSeeded() {
    EvaluationKeys ek = TestKeys.of(P).evaluation();
    byte[] plain = FhecFiles.evaluationKeysBytes(ek, false);
    byte[] seeded = FhecFiles.evaluationKeysBytes(ek, true);
    // Seeded: the BSK keeps 1 polynomial of k+1 per row, the KSK 1 long of n+1 per row.
    assertTrue(seeded.length * 2 < plain.length, seeded.length + " vs " + plain.length);
    for (byte[] bytes : List.of(plain, seeded)) {
      EvaluationKeySet back =
          FhecFiles.evaluationKeysFromBytes(bytes, "keys", FhecFiles.Expect.ANY);
      assertArrayEquals(ek.standardBootstrapKey(), back.bootstrapKey(0).standard());
      assertArrayEquals(
          ek.keyswitchKey().data(),
          back.keyswitchKey(0, 0, KeyswitchSpec.Kind.BIG_TO_SMALL).data());
      assertArrayEquals(ek.bootstrapKey().data(), back.bootstrapKey(0).fourier().data());
    }
  }

  @Test
  void twoPartitionKeySetsRoundTripSeeded() {
    ParameterSet q = ParameterSets.TOY_N256;
    ParameterPlan plan =
        new ParameterPlan(
            List.of(P, q),
            List.of(
                new KeyswitchSpec(0, 0, KeyswitchSpec.Kind.BIG_TO_SMALL, P.ks()),
                new KeyswitchSpec(0, 1, KeyswitchSpec.Kind.BIG_TO_SMALL, new Decomposition(3, 5)),
                new KeyswitchSpec(1, 0, KeyswitchSpec.Kind.BIG_TO_BIG, new Decomposition(4, 6))));
    List<String> told = new ArrayList<>();
    KeyGenerator.KeySet keys =
        KeyGenerator.generate(
            plan, KeySetIdentity.unbound(), (what, done, total) -> told.add(done + "/" + total));
    assertEquals(List.of("1/7", "2/7", "3/7", "4/7", "5/7", "6/7", "7/7"), told);
    EvaluationKeySet back =
        FhecFiles.evaluationKeysFromBytes(
            FhecFiles.evaluationKeysBytes(keys.evaluation(), true), "ek", FhecFiles.Expect.ANY);
    assertEquals(plan, back.plan());
    for (int i = 0; i < 3; i++) {
      assertArrayEquals(
          keys.evaluation().keyswitchKeys().get(i).key().data(),
          back.keyswitchKeys().get(i).key().data());
    }
    assertArrayEquals(
        keys.evaluation().bootstrapKey(1).standard(), back.bootstrapKey(1).standard());
    ClientKeySet ck =
        FhecFiles.clientKeyFromBytes(
            FhecFiles.clientKeyBytes(keys.client()), "ck", FhecFiles.Expect.ANY);
    // A tensor of partition 1 round-trips with its partition and decrypts under that key.
    EncryptedTensor t =
        ClientTensors.encrypt(
            ck, new long[] {5, 2}, new ValueInfo(new int[] {2}, 3, false, true, 1));
    List<EncryptedTensor> ts =
        FhecFiles.ciphertextsFromBytes(
            FhecFiles.ciphertextsBytes(ck.identity(), plan, List.of(t), true),
            "ct",
            FhecFiles.Expect.ANY);
    assertEquals(1, ts.get(0).partition());
    assertEquals(q.bigLweDimension(), ts.get(0).lweDimension());
    assertArrayEquals(new long[] {5, 2}, ClientTensors.decrypt(ck, ts.get(0)));
  }

  @Test
  void ciphertextsRoundTripPlainAndSeeded() {
    ClientKey ck = TestKeys.of(P).client();
    KeySetIdentity id = KeySetIdentity.unbound();
    ParameterPlan plan = ParameterPlan.single(P);
    ValueInfo info = new ValueInfo(new int[] {2, 3}, 6, true, true);
    long[] values = {-32, -1, 0, 1, 17, 31};
    EncryptedTensor t = ClientTensors.encrypt(ck, values, info, Seed.ofLong(1), Seed.ofLong(2));
    EncryptedTensor u = tensor(ck, 3, 4);
    for (boolean compressed : new boolean[] {false, true}) {
      byte[] bytes = FhecFiles.ciphertextsBytes(id, plan, List.of(t, u), compressed);
      List<EncryptedTensor> back =
          FhecFiles.ciphertextsFromBytes(bytes, "ct", new FhecFiles.Expect(null, id));
      assertEquals(2, back.size());
      assertArrayEquals(values, ClientTensors.decrypt(ck, back.get(0)));
      assertArrayEquals(new long[] {3, 4}, ClientTensors.decrypt(ck, back.get(1)));
      assertArrayEquals(new int[] {2, 3}, back.get(0).shape());
      for (int e = 0; e < t.size(); e++) {
        assertArrayEquals(t.element(e).data(), back.get(0).element(e).data());
      }
    }
    int plain = FhecFiles.ciphertextsBytes(id, plan, List.of(t), false).length;
    int seeded = FhecFiles.ciphertextsBytes(id, plan, List.of(t), true).length;
    assertTrue(seeded * 10 < plain, seeded + " vs " + plain);
  }

  @Test
  void truncatedFilesNameTheOffset() throws Exception {
    byte[] bytes = FhecFiles.clientKeyBytes(clientSet(circuit("a", P)));
    for (int cut : new int[] {0, 3, 20, bytes.length / 2, bytes.length - 1}) {
      Path f = dir.resolve("cut" + cut);
      Files.write(f, Arrays.copyOf(bytes, cut));
      CorruptFileException e =
          assertThrows(
              CorruptFileException.class, () -> FhecFiles.readClientKey(f, FhecFiles.Expect.ANY));
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
            KeySetIdentity.unbound(),
            ParameterPlan.single(P),
            List.of(tensor(TestKeys.of(P).client(), 1)),
            true);
    for (int i = 0; i < bytes.length; i++) {
      byte[] bad = bytes.clone();
      bad[i] ^= 0x10;
      CorruptFileException e =
          assertThrows(
              CorruptFileException.class,
              () -> FhecFiles.ciphertextsFromBytes(bad, "ct.bin", FhecFiles.Expect.ANY),
              "flip at " + i);
      assertTrue(e.getMessage().startsWith("ct.bin: "), e.getMessage());
    }
  }

  @Test
  void filesOfTheOldFormatAreRefusedWithAHint() {
    for (int version = 1; version < FhecFiles.FORMAT_VERSION; version++) {
      byte[] bytes = FhecFiles.clientKeyBytes(clientSet(circuit("a", P)));
      ByteBuffer.wrap(bytes).putInt(4, version);
      CorruptFileException e =
          assertThrows(
              CorruptFileException.class,
              () -> FhecFiles.clientKeyFromBytes(bytes, "client.key", FhecFiles.Expect.ANY));
      assertEquals(CorruptFileException.Reason.UNSUPPORTED_VERSION, e.reason());
      assertTrue(e.getMessage().contains("format version " + version), e.getMessage());
      assertTrue(e.getMessage().contains("regenerate the keys"), e.getMessage());
      assertFalse(e.getMessage().contains("\n"));
    }
  }

  private static ParameterPlan twoPartitions() {
    return new ParameterPlan(
        List.of(P, ParameterSets.TOY_N256),
        List.of(
            new KeyswitchSpec(0, 0, KeyswitchSpec.Kind.BIG_TO_SMALL, P.ks()),
            new KeyswitchSpec(1, 0, KeyswitchSpec.Kind.BIG_TO_BIG, new Decomposition(4, 6))));
  }

  /**
   * Files stream through a buffer of {@link FhecFiles#bufferBytes}: with 16 bytes every key and
   * tensor spans many buffers (as a > 2 GiB file spans many of the default 1 MiB), and the files
   * are byte for byte the in-memory forms and read back to the same keys. A real file over 2 GiB:
   * {@link LargeKeyFileTest} (slow tier).
   */
  @Test
  void filesStreamThroughATinyBufferByteForByte() throws Exception {
    KeyGenerator.KeySet keys =
        KeyGenerator.generate(twoPartitions(), KeySetIdentity.unbound(), null);
    ClientKeySet ck = keys.client();
    EncryptedTensor t = ClientTensors.encrypt(ck, new long[] {1, 2, 3}, c3(0));
    byte[] client = FhecFiles.clientKeyBytes(ck);
    byte[] seeded = FhecFiles.evaluationKeysBytes(keys.evaluation(), true);
    byte[] plain = FhecFiles.evaluationKeysBytes(keys.evaluation(), false);
    byte[] cts =
        FhecFiles.ciphertextsBytes(
            FhecFiles.Role.OUTPUTS, ck.identity(), ck.plan(), List.of(t), false);
    int saved = FhecFiles.bufferBytes;
    FhecFiles.bufferBytes = 16;
    try {
      Path c = dir.resolve("client.key");
      Path s = dir.resolve("seeded.keys");
      Path p = dir.resolve("plain.keys");
      Path o = dir.resolve("out.ct");
      FhecFiles.writeClientKey(c, ck);
      FhecFiles.writeEvaluationKeys(s, keys.evaluation(), true);
      FhecFiles.writeEvaluationKeys(p, keys.evaluation(), false);
      FhecFiles.writeCiphertexts(
          o, FhecFiles.Role.OUTPUTS, ck.identity(), ck.plan(), List.of(t), false);
      assertArrayEquals(client, Files.readAllBytes(c));
      assertArrayEquals(seeded, Files.readAllBytes(s));
      assertArrayEquals(plain, Files.readAllBytes(p));
      assertArrayEquals(cts, Files.readAllBytes(o));
      assertEquals(
          ck.key(1).glweKey(), FhecFiles.readClientKey(c, FhecFiles.Expect.ANY).key(1).glweKey());
      for (Path f : List.of(s, p)) {
        EvaluationKeySet back = FhecFiles.readEvaluationKeys(f, FhecFiles.Expect.ANY);
        for (int part = 0; part < 2; part++) {
          assertArrayEquals(
              keys.evaluation().bootstrapKey(part).standard(), back.bootstrapKey(part).standard());
        }
        for (int i = 0; i < 2; i++) {
          assertArrayEquals(
              keys.evaluation().keyswitchKeys().get(i).key().data(),
              back.keyswitchKeys().get(i).key().data());
        }
      }
      assertArrayEquals(
          new long[] {1, 2, 3},
          ClientTensors.decrypt(ck, FhecFiles.readCiphertexts(o, FhecFiles.Expect.ANY).get(0)));
      // Damage is found through the small buffer too.
      for (int at : new int[] {3, 60, seeded.length / 3, seeded.length - 2}) {
        byte[] bad = seeded.clone();
        bad[at] ^= 0x01;
        Files.write(s, bad);
        assertThrows(
            CorruptFileException.class,
            () -> FhecFiles.readEvaluationKeys(s, FhecFiles.Expect.ANY),
            "flip at " + at);
        Files.write(s, Arrays.copyOf(seeded, at));
        CorruptFileException e =
            assertThrows(
                CorruptFileException.class,
                () -> FhecFiles.readEvaluationKeys(s, FhecFiles.Expect.ANY));
        assertEquals(CorruptFileException.Reason.TRUNCATED, e.reason(), e.getMessage());
      }
    } finally {
      FhecFiles.bufferBytes = saved;
    }
  }

  private static ValueInfo c3(int partition) {
    return new ValueInfo(new int[] {3}, 3, false, true, partition);
  }

  /** Payload lengths are longs: a header announcing 3 GiB on a small file is a truncation. */
  @Test
  void aHeaderAnnouncingMoreThan2GiBIsATruncation() throws Exception {
    byte[] bytes = FhecFiles.clientKeyBytes(clientSet(circuit("a", P)));
    ByteBuffer.wrap(bytes).putLong(4 + 4 + 4 + 8 + 16 + 32, 3L << 30);
    Path f = dir.resolve("big.key");
    Files.write(f, bytes);
    CorruptFileException e =
        assertThrows(
            CorruptFileException.class, () -> FhecFiles.readClientKey(f, FhecFiles.Expect.ANY));
    assertEquals(CorruptFileException.Reason.TRUNCATED, e.reason());
    assertTrue(e.getMessage().contains("header announces " + ((3L << 30) + 80)), e.getMessage());
  }

  /**
   * Keys generated straight into a file: a failure half way (here, the progress callback after the
   * first bootstrapping key) leaves neither a partial file nor a temporary one, and the file that
   * was there before untouched.
   */
  @Test
  void aFailedWriteLeavesNoPartialFileAndTheOldOneIntact() throws Exception {
    ClientKeySet ck =
        KeyGenerator.generateClientKeys(twoPartitions(), KeySetIdentity.unbound(), null);
    Path f = dir.resolve("eval.keys");
    Files.writeString(f, "the previous keys");
    RuntimeException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                FhecFiles.writeEvaluationKeys(
                    f,
                    ck,
                    (what, done, total) -> {
                      throw new IllegalStateException("stop at " + what);
                    }));
    assertTrue(e.getMessage().contains("bootstrapping key of partition 0"), e.getMessage());
    try (var files = Files.list(dir)) {
      assertEquals(List.of(f), files.toList());
    }
    assertEquals("the previous keys", Files.readString(f));
    // Completed, the same call replaces it with keys that read back.
    FhecFiles.writeEvaluationKeys(f, ck, null);
    assertEquals(ck.plan(), FhecFiles.readEvaluationKeys(f, FhecFiles.Expect.ANY).plan());
    try (var files = Files.list(dir)) {
      assertEquals(List.of(f), files.toList());
    }
  }

  @Test
  void ciphertextFilesSayWhetherTheyHoldInputsOrOutputs() throws Exception {
    ClientKey key = TestKeys.of(P).client();
    ClientKeySet ck = ClientKeySet.of(key);
    Path in = dir.resolve("in.ct");
    Path out = dir.resolve("out.ct");
    List<EncryptedTensor> ts = List.of(tensor(key, 1, 2));
    FhecFiles.writeCiphertexts(in, FhecFiles.Role.INPUTS, ck.identity(), ck.plan(), ts, true);
    FhecFiles.writeCiphertexts(out, FhecFiles.Role.OUTPUTS, ck.identity(), ck.plan(), ts, false);
    assertEquals(
        FhecFiles.Role.INPUTS, FhecFiles.readCiphertextFile(in, FhecFiles.Expect.ANY).role());
    assertEquals(
        FhecFiles.Role.OUTPUTS, FhecFiles.readCiphertextFile(out, FhecFiles.Expect.ANY).role());
    CorruptFileException e =
        assertThrows(
            CorruptFileException.class,
            () -> FhecFiles.readCiphertexts(out, FhecFiles.Expect.ANY, FhecFiles.Role.INPUTS));
    assertEquals(CorruptFileException.Reason.WRONG_KIND, e.reason());
    assertTrue(
        e.getMessage().contains("expected encrypted inputs, the file holds encrypted outputs"),
        e.getMessage());
    assertArrayEquals(
        new long[] {1, 2},
        ClientTensors.decrypt(
            key,
            FhecFiles.readCiphertexts(in, FhecFiles.Expect.ANY, FhecFiles.Role.INPUTS).get(0)));
  }

  @Test
  void wrongKindAndWrongParametersAreNamed() {
    byte[] key = FhecFiles.clientKeyBytes(clientSet(circuit("a", P)));
    CorruptFileException kind =
        assertThrows(
            CorruptFileException.class,
            () -> FhecFiles.evaluationKeysFromBytes(key, "k", FhecFiles.Expect.ANY));
    assertEquals(CorruptFileException.Reason.WRONG_KIND, kind.reason());
    assertTrue(kind.getMessage().contains("expected evaluation keys, the file holds a client key"));

    byte[] ek = FhecFiles.evaluationKeysBytes(TestKeys.of(P).evaluation(), true);
    CorruptFileException params =
        assertThrows(
            CorruptFileException.class,
            () ->
                FhecFiles.evaluationKeysFromBytes(
                    ek, "ek", FhecFiles.Expect.circuit(circuit("a", ParameterSets.TOY_N256))));
    assertEquals(CorruptFileException.Reason.PARAMETER_MISMATCH, params.reason());
    assertTrue(params.getMessage().contains("TOY_N256"), params.getMessage());
    assertTrue(
        params.getMessage().contains(String.format("%016x", P.fingerprint())), params.getMessage());

    byte[] junk = "definitely not a key file, just text".getBytes();
    CorruptFileException magic =
        assertThrows(
            CorruptFileException.class,
            () -> FhecFiles.clientKeyFromBytes(junk, "j", FhecFiles.Expect.ANY));
    assertEquals(CorruptFileException.Reason.NOT_AN_FHEC_FILE, magic.reason());
  }

  @Test
  void keysOfAnotherCircuitWithTheSameParametersAreRefused() {
    Circuit a = circuit("a", P);
    Circuit b = circuit("b", P);
    byte[] key = FhecFiles.clientKeyBytes(clientSet(a));
    assertEquals(a.plan(), b.plan());
    FhecFiles.clientKeyFromBytes(key, "client.key", FhecFiles.Expect.circuit(a));
    CorruptFileException e =
        assertThrows(
            CorruptFileException.class,
            () -> FhecFiles.clientKeyFromBytes(key, "client.key", FhecFiles.Expect.circuit(b)));
    assertEquals(CorruptFileException.Reason.CIRCUIT_MISMATCH, e.reason());
    assertTrue(e.getMessage().contains("not to circuit b"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
  }

  @Test
  void ciphertextsOfAnotherKeySetAreRefused() {
    Circuit a = circuit("a", P);
    ClientKeySet first = clientSet(a);
    ClientKeySet second = clientSet(a);
    byte[] ct =
        FhecFiles.ciphertextsBytes(
            first.identity(), first.plan(), List.of(tensor(first.key(0), 1, 2)), true);
    FhecFiles.ciphertextsFromBytes(ct, "ct", new FhecFiles.Expect(a, first.identity()));
    CorruptFileException e =
        assertThrows(
            CorruptFileException.class,
            () ->
                FhecFiles.ciphertextsFromBytes(
                    ct, "in.ct", new FhecFiles.Expect(a, second.identity())));
    assertEquals(CorruptFileException.Reason.KEY_SET_MISMATCH, e.reason());
    assertTrue(e.getMessage().startsWith("in.ct: belongs to key set "), e.getMessage());
  }
}
