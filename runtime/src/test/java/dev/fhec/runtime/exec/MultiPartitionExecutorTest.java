package dev.fhec.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.runtime.algorithms.Keyswitch32;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.circuit.KeyswitchSpec;
import dev.fhec.runtime.circuit.KeyswitchSpec.Kind;
import dev.fhec.runtime.circuit.LookupTable;
import dev.fhec.runtime.circuit.ParameterPlan;
import dev.fhec.runtime.circuit.ValueInfo;
import dev.fhec.runtime.io.FhecFiles;
import dev.fhec.runtime.key.EvaluationKeySet;
import dev.fhec.runtime.key.KeyGenerator;
import dev.fhec.runtime.key.KeySetIdentity;
import dev.fhec.runtime.params.Decomposition;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.ParameterSets;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A two-partition circuit: a lookup in partition 1 of a partition-0 input, a conversion of the
 * input to partition 1, their sum, and a lookup back in partition 0. Checked against integer math.
 * Neither partition has a lookup of its own values, so the plan has no same-partition keyswitch.
 */
class MultiPartitionExecutorTest {
  // Big dimensions 512 and 256: lookups cross between keys of different sizes.
  private static final ParameterSet P0 = ParameterSets.TOY_N512;
  private static final ParameterSet P1 = ParameterSets.TOY_K2_L2;
  static final ParameterPlan PLAN =
      new ParameterPlan(
          List.of(P0, P1),
          List.of(
              new KeyswitchSpec(0, 1, Kind.BIG_TO_SMALL, P1.ks()),
              new KeyswitchSpec(0, 1, Kind.BIG_TO_BIG, new Decomposition(4, 6)),
              new KeyswitchSpec(1, 0, Kind.BIG_TO_SMALL, P0.ks())));

  /**
   * Real 128-bit sets of different big dimensions (2048 and 4096), sized for 5- and 6-bit lookups
   * at nu = 1 so that 4-bit values of nu^2 = 2 decrypt without error; the conversion key keeps 28
   * bits (2^4 x 7), far above the 5 bits (padding included) the values need.
   */
  static final ParameterSet R0 = ParameterSets.CONCRETE_V0_P5;

  static final ParameterSet R1 = ParameterSets.CONCRETE_V0_P6;
  static final ParameterPlan REAL_PLAN =
      new ParameterPlan(
          List.of(R0, R1),
          List.of(
              new KeyswitchSpec(0, 1, Kind.BIG_TO_SMALL, R1.ks()),
              new KeyswitchSpec(0, 1, Kind.BIG_TO_BIG, new Decomposition(4, 7)),
              new KeyswitchSpec(1, 0, Kind.BIG_TO_SMALL, R0.ks())));

  static Circuit circuit() {
    return circuit(PLAN);
  }

  static Circuit circuit(ParameterPlan plan) {
    long[] triple = new long[16];
    long[] flip = new long[16];
    for (int i = 0; i < 16; i++) {
      triple[i] = (i * 3) % 8;
      flip[i] = 15 - i;
    }
    return new Circuit(
        Circuit.FORMAT_VERSION,
        "two-partitions",
        plan,
        List.of(
            new ValueInfo(new int[] {8}, 4, false, true, 0),
            new ValueInfo(new int[] {8}, 4, false, true, 1),
            new ValueInfo(new int[] {8}, 4, false, true, 1),
            new ValueInfo(new int[] {8}, 4, false, true, 1),
            new ValueInfo(new int[] {8}, 4, false, true, 0)),
        List.of(),
        List.of(new LookupTable(triple), new LookupTable(flip)),
        List.of(
            new Instruction.Input(0, 0),
            new Instruction.Tlu(1, 0, new int[] {0}, 1),
            new Instruction.Keyswitch(2, 0),
            new Instruction.AddEE(3, 1, 2),
            new Instruction.Tlu(4, 3, new int[] {1}, 0)),
        List.of(0),
        List.of(3, 4));
  }

  @Test
  void convertsAndBootstrapsAcrossPartitions() {
    convertsAndBootstrapsAcross(PLAN);
  }

  /** The same circuit with real-size keys: a conversion from N = 2048 to 4096 and back. */
  @Test
  @Tag("slow")
  void convertsAndBootstrapsAcrossRealSizePartitions() {
    assertTrue(!R0.isToy() && !R1.isToy());
    convertsAndBootstrapsAcross(REAL_PLAN.requireUsable());
  }

  private static void convertsAndBootstrapsAcross(ParameterPlan plan) {
    Circuit c = circuit(plan);
    ParameterSet p0 = plan.partition(0);
    ParameterSet p1 = plan.partition(1);
    KeyGenerator.KeySet keys = KeyGenerator.generate(plan, KeySetIdentity.fresh(c), null);
    long[] x = {0, 1, 2, 3, 4, 5, 6, 7};
    EncryptedTensor in = ClientTensors.encrypt(keys.client(), x, c.value(0));
    assertEquals(p0.bigLweDimension(), in.lweDimension());
    List<EncryptedTensor> out = new CircuitExecutor(keys.evaluation()).run(c, List.of(in), null);
    long[] sum = new long[8];
    long[] flipped = new long[8];
    for (int i = 0; i < 8; i++) {
      sum[i] = (x[i] * 3) % 8 + x[i];
      flipped[i] = 15 - sum[i];
    }
    assertEquals(1, out.get(0).partition());
    assertEquals(p1.bigLweDimension(), out.get(0).lweDimension());
    assertArrayEquals(sum, ClientTensors.decrypt(keys.client(), out.get(0)));
    assertArrayEquals(flipped, ClientTensors.decrypt(keys.client(), out.get(1)));
    ClearSimulator.Result sim = ClearSimulator.run(c, List.of(x), ClearSimulator.Options.exact());
    assertArrayEquals(sum, sim.outputs().get(0));
    assertArrayEquals(flipped, sim.outputs().get(1));
    assertEquals(8, c.pbsCount(0));
    assertEquals(8, c.pbsCount(1));
  }

  /**
   * The same circuit with every keyswitch on 32 bits (two crossing lookups and a conversion), keys
   * written to a file and read back for computing, which keeps only the rounded keyswitching keys:
   * decrypted = simulated = the integer math, on every input.
   */
  @Test
  void thirtyTwoBitKeyswitchesGiveTheSameResultsFromHalfTheKeyswitchingKeyMemory() {
    ParameterPlan plan =
        new ParameterPlan(
            PLAN.partitions(), PLAN.keyswitches().stream().map(KeyswitchSpec::preferred).toList());
    assertTrue(plan.keyswitches().stream().allMatch(KeyswitchSpec::bits32));
    Circuit c = circuit(plan);
    KeyGenerator.KeySet keys = KeyGenerator.generate(plan, KeySetIdentity.fresh(c), null);
    byte[] file = FhecFiles.evaluationKeysBytes(keys.evaluation(), true);
    EvaluationKeySet computing =
        FhecFiles.evaluationKeysFromBytesForComputing(file, "keys", FhecFiles.Expect.circuit(c));
    assertEquals(plan, computing.plan());
    long ksk64 = 0;
    long ksk32 = 0;
    for (int i = 0; i < plan.keyswitches().size(); i++) {
      EvaluationKeySet.SwitchKey k = computing.keyswitchKeys().get(i);
      assertTrue(!k.hasKey(), "the 64-bit form is dropped");
      assertThrows(IllegalStateException.class, k::key);
      ksk64 += 8L * keys.evaluation().keyswitchKeys().get(i).key().data().length;
      ksk32 += k.rounded().bytes();
    }
    // Rounded as read (seeded masks regenerated straight into ints; plain files row by row) =
    // the rounding of the whole 64-bit key.
    EvaluationKeySet plain =
        FhecFiles.evaluationKeysFromBytesForComputing(
            FhecFiles.evaluationKeysBytes(keys.evaluation(), false),
            "keys",
            FhecFiles.Expect.circuit(c));
    for (int i = 0; i < plan.keyswitches().size(); i++) {
      int[] expected = Keyswitch32.round(keys.evaluation().keyswitchKeys().get(i).key()).data();
      assertArrayEquals(expected, computing.keyswitchKeys().get(i).rounded().data(), "seeded");
      assertArrayEquals(expected, plain.keyswitchKeys().get(i).rounded().data(), "plain");
    }
    assertEquals(ksk64, 2 * ksk32);
    assertEquals(
        keys.evaluation().forComputing().memoryBytes(), computing.memoryBytes(), "same forms");
    long[] x = {0, 1, 2, 3, 4, 5, 6, 7};
    EncryptedTensor in = ClientTensors.encrypt(keys.client(), x, c.value(0));
    List<EncryptedTensor> out = new CircuitExecutor(computing).run(c, List.of(in), null);
    ClearSimulator.Result sim = ClearSimulator.run(c, List.of(x), ClearSimulator.Options.exact());
    long[] sum = new long[8];
    long[] flipped = new long[8];
    for (int i = 0; i < 8; i++) {
      sum[i] = (x[i] * 3) % 8 + x[i];
      flipped[i] = 15 - sum[i];
    }
    assertArrayEquals(sum, sim.outputs().get(0));
    assertArrayEquals(flipped, sim.outputs().get(1));
    assertArrayEquals(sum, ClientTensors.decrypt(keys.client(), out.get(0)));
    assertArrayEquals(flipped, ClientTensors.decrypt(keys.client(), out.get(1)));
    // The full key set (64-bit forms held) derives the rounded keys itself: same results.
    List<EncryptedTensor> again = new CircuitExecutor(keys.evaluation()).run(c, List.of(in), null);
    assertArrayEquals(sum, ClientTensors.decrypt(keys.client(), again.get(0)));
    assertArrayEquals(flipped, ClientTensors.decrypt(keys.client(), again.get(1)));
  }

  @Test
  void simulatorInjectsEachPartitionsOwnErrorRate() {
    Circuit c = circuit();
    long[] x = {0, 1, 2, 3, 4, 5, 6, 7};
    // Errors only in partition 0: the partition-1 sum stays exact, the last lookup moves.
    ClearSimulator.Result r =
        ClearSimulator.run(
            c,
            List.of(x),
            new ClearSimulator.Options(List.of(1.0, 0.0), OptionalLong.of(3), false));
    assertEquals(8, r.injectedErrors());
    long[] sum = new long[8];
    for (int i = 0; i < 8; i++) {
      sum[i] = (x[i] * 3) % 8 + x[i];
    }
    assertArrayEquals(sum, r.outputs().get(0));
  }

  @Test
  void aPlanMissingAKeyswitchIsRefused() {
    ParameterPlan noConversion =
        new ParameterPlan(
            List.of(P0, P1), List.of(PLAN.keyswitches().get(0), PLAN.keyswitches().get(2)));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> circuit().withPlan(noConversion));
    assertTrue(e.getMessage().contains("conversion key from partition 0 to 1"), e.getMessage());
  }

  @Test
  void keysOfAnotherCircuitAreRefused() {
    Circuit c = circuit();
    Circuit other =
        new Circuit(
            c.formatVersion(),
            "other",
            c.plan(),
            c.values(),
            c.constants(),
            c.tables(),
            c.instructions(),
            c.inputs(),
            c.outputs());
    KeyGenerator.KeySet keys = KeyGenerator.generate(PLAN, KeySetIdentity.fresh(other), null);
    assertTrue(CircuitExecutor.mismatch(c, keys.evaluation()).isPresent());
    assertTrue(CircuitExecutor.mismatch(other, keys.evaluation()).isEmpty());
  }
}
