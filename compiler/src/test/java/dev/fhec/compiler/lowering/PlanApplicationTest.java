package dev.fhec.compiler.lowering;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.ClearTensor;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.circuit.KeyswitchSpec;
import dev.fhec.runtime.circuit.KeyswitchSpec.Kind;
import dev.fhec.runtime.circuit.LookupTable;
import dev.fhec.runtime.circuit.ValueInfo;
import dev.fhec.runtime.exec.CircuitExecutor;
import dev.fhec.runtime.exec.ClearSimulator;
import dev.fhec.runtime.exec.ClientTensors;
import dev.fhec.runtime.exec.EncryptedTensor;
import dev.fhec.runtime.key.KeyGenerator;
import dev.fhec.runtime.key.KeySetIdentity;
import dev.fhec.runtime.params.Decomposition;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.ParameterSets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A hand-written two-partition case: y = T1(x + 2·T0(x)) with T0 in partition 1 and everything else
 * in partition 0, so the sum reads a partition-1 value and needs a conversion.
 */
class PlanApplicationTest {
  private static final ParameterSet P0 = ParameterSets.TOY_N256;
  private static final ParameterSet P1 = ParameterSets.TOY_K2_L2;
  private static final List<KeyswitchSpec> SPECS =
      List.of(
          new KeyswitchSpec(0, 0, Kind.BIG_TO_SMALL, P0.ks()),
          new KeyswitchSpec(0, 1, Kind.BIG_TO_SMALL, P1.ks()),
          new KeyswitchSpec(1, 0, Kind.BIG_TO_BIG, new Decomposition(4, 6)));

  private static ValueInfo u4(int... shape) {
    return new ValueInfo(shape, 4, false, true);
  }

  /** %0 = x; %1 = T0(x) ∈ [0, 3]; %2 = %1·2 (clear %3); %4 = x + %2; %5 = T1(%4). */
  private static LoweredCircuit lowered() {
    long[] t0 = new long[16];
    long[] t1 = new long[16];
    for (int i = 0; i < 16; i++) {
      t0[i] = i % 4;
      t1[i] = 15 - i;
    }
    return new LoweredCircuit(
        "two",
        List.of(u4(4), u4(4), u4(4), new ValueInfo(new int[] {1}, 4, false, false), u4(4), u4(4)),
        List.of(new ClearTensor(new int[] {1}, new long[] {2})),
        List.of(new LookupTable(t0), new LookupTable(t1)),
        List.of(
            new Instruction.Input(0, 0),
            new Instruction.Tlu(1, 0, new int[] {0}),
            new Instruction.MulEC(2, 1, 0),
            new Instruction.AddEE(4, 0, 2),
            new Instruction.Tlu(5, 4, new int[] {1})),
        List.of(0),
        List.of(5));
  }

  private static final int[] PARTITIONS = {0, 1, 1, 0, 0, 0};

  @Test
  void tagsValuesAndInsertsOneConversion() {
    Circuit c = PlanApplication.apply(lowered(), List.of(P0, P1), PARTITIONS, SPECS).circuit();
    assertEquals(2, c.plan().size());
    assertEquals(7, c.values().size());
    assertEquals(1, c.value(1).partition());
    assertEquals(1, c.value(2).partition());
    assertEquals(0, c.value(6).partition());
    assertEquals(
        List.of(
            new Instruction.Input(0, 0).toString(),
            "Tlu[out=1, a=0, tables=?, partition=1]",
            new Instruction.MulEC(2, 1, 0).toString(),
            new Instruction.Keyswitch(6, 2).toString(),
            new Instruction.AddEE(4, 0, 6).toString(),
            "Tlu[out=5, a=4, tables=?, partition=0]"),
        c.instructions().stream()
            .map(i -> i.toString().replaceAll("tables=\\[I@[0-9a-f]+", "tables=?"))
            .toList());
  }

  @Test
  void computesWhatTheSinglePartitionCircuitComputes() {
    Circuit single = PlanApplication.apply(lowered(), P0).circuit();
    Circuit two = PlanApplication.apply(lowered(), List.of(P0, P1), PARTITIONS, SPECS).circuit();
    long[] x = {0, 3, 6, 9};
    long[] expected = new long[4];
    for (int i = 0; i < 4; i++) {
      expected[i] = 15 - (x[i] + 2 * (x[i] % 4));
    }
    long[] sim1 =
        ClearSimulator.run(single, List.of(x), ClearSimulator.Options.exact()).outputs().get(0);
    long[] sim2 =
        ClearSimulator.run(two, List.of(x), ClearSimulator.Options.exact()).outputs().get(0);
    assertArrayEquals(expected, sim1);
    assertArrayEquals(expected, sim2);
    KeyGenerator.KeySet keys = KeyGenerator.generate(two.plan(), KeySetIdentity.fresh(two), null);
    EncryptedTensor in = ClientTensors.encrypt(keys.client(), x, two.value(0));
    EncryptedTensor out = new CircuitExecutor(keys.evaluation()).run(two, List.of(in), null).get(0);
    assertArrayEquals(expected, ClientTensors.decrypt(keys.client(), out));
  }

  @Test
  void keysNoInstructionUsesAreDropped() {
    KeyswitchSpec unused = new KeyswitchSpec(1, 1, Kind.BIG_TO_SMALL, P1.ks());
    List<KeyswitchSpec> more = new java.util.ArrayList<>(SPECS);
    more.add(unused);
    Circuit c = PlanApplication.apply(lowered(), List.of(P0, P1), PARTITIONS, more).circuit();
    assertEquals(SPECS, c.plan().keyswitches());
  }

  @Test
  void aMissingKeyIsNamed() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                PlanApplication.apply(
                    lowered(), List.of(P0, P1), PARTITIONS, List.of(SPECS.get(0), SPECS.get(1))));
    assertTrue(e.getMessage().contains("conversion key from partition 1 to 0"), e.getMessage());
  }

  @Test
  void aSingleParameterSetGivesTheClassicCircuit() {
    LoweredCircuit l = lowered();
    Circuit classic =
        new Circuit(
            Circuit.FORMAT_VERSION,
            l.name(),
            P0,
            l.values(),
            l.constants(),
            l.tables(),
            l.instructions(),
            l.inputs(),
            l.outputs());
    Circuit single = PlanApplication.apply(l, P0).circuit();
    Circuit onePartition =
        PlanApplication.apply(l, List.of(P0), new int[6], List.of(SPECS.get(0))).circuit();
    // Same content (records compare table arrays by reference, so compare digests).
    assertArrayEquals(classic.digest(), single.digest());
    assertArrayEquals(classic.digest(), onePartition.digest());
  }

  @Test
  void aLoweredCircuitHasNoPlan() {
    Circuit two = PlanApplication.apply(lowered(), List.of(P0, P1), PARTITIONS, SPECS).circuit();
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LoweredCircuit.of(two));
    assertTrue(e.getMessage().contains("partition 1 before any plan"), e.getMessage());
  }

  @Test
  void originsFollowTheirInstructionsAndConversionsTakeTheirReaders() {
    LoweredCircuit l = lowered();
    LoweredCircuit traced =
        new LoweredCircuit(
            l.name(),
            l.values(),
            l.constants(),
            l.tables(),
            l.instructions(),
            l.inputs(),
            l.outputs(),
            List.of(10, 11, 12, 13, 14));
    // The conversion of %2 for the add (origin 13) comes right before it.
    assertEquals(
        List.of(10, 11, 12, 13, 13, 14),
        PlanApplication.apply(traced, List.of(P0, P1), PARTITIONS, SPECS).origins());
  }
}
