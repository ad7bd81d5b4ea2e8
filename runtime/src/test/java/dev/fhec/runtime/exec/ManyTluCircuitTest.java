package dev.fhec.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.CircuitText;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.circuit.KeyswitchSpec;
import dev.fhec.runtime.circuit.KeyswitchSpec.Kind;
import dev.fhec.runtime.circuit.LookupTable;
import dev.fhec.runtime.circuit.ParameterPlan;
import dev.fhec.runtime.circuit.ValueInfo;
import dev.fhec.runtime.key.KeyGenerator;
import dev.fhec.runtime.key.KeySetIdentity;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.ParameterSets;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The many_tlu instruction end to end: text form, simulator, and encrypted execution in the same
 * partition and across partitions of different big dimensions, against separate lookups.
 */
class ManyTluCircuitTest {
  private static final ParameterSet P0 = ParameterSets.TOY_N512;
  private static final ParameterSet P1 = ParameterSets.TOY_K2_L2;
  private static final ParameterPlan PLAN =
      new ParameterPlan(
          List.of(P0, P1),
          List.of(
              new KeyswitchSpec(0, 0, Kind.BIG_TO_SMALL, P0.ks()),
              new KeyswitchSpec(0, 1, Kind.BIG_TO_SMALL, P1.ks())));

  private static final long[][] TABLES = new long[4][8];

  static {
    for (int i = 0; i < 8; i++) {
      long m = i - 4; // signed 3-bit input
      TABLES[0][i] = m * m / 3;
      TABLES[1][i] = -m;
      TABLES[2][i] = (m * 5) % 7;
      TABLES[3][i] = 7 - i;
    }
  }

  static Circuit circuit() {
    int[] s = {5};
    return new Circuit(
        Circuit.FORMAT_VERSION,
        "many",
        PLAN,
        List.of(
            new ValueInfo(s, 3, true, true, 0),
            new ValueInfo(new int[] {2, 5}, 4, true, true, 1),
            new ValueInfo(new int[] {2, 5}, 4, true, true, 0),
            new ValueInfo(s, 4, true, true, 0),
            new ValueInfo(s, 4, true, true, 0),
            new ValueInfo(s, 4, true, true, 0),
            new ValueInfo(new int[] {4, 5}, 4, true, true, 0)),
        List.of(),
        Arrays.stream(TABLES).map(LookupTable::new).toList(),
        List.of(
            new Instruction.Input(0, 0),
            new Instruction.ManyTlu(1, 0, new int[] {0, 1}, 1),
            new Instruction.ManyTlu(2, 0, new int[] {0, 1}, 0),
            new Instruction.Tlu(3, 0, new int[] {0}, 0),
            new Instruction.Tlu(4, 0, new int[] {1}, 0),
            new Instruction.Gather(5, new int[] {2}, new int[0], new int[] {5, 6, 7, 8, 9}),
            new Instruction.ManyTlu(6, 0, new int[] {0, 1, 2, 3}, 0)),
        List.of(0),
        List.of(1, 2, 3, 4, 5, 6));
  }

  @Test
  void textFormRoundTrips() {
    Circuit c = circuit();
    assertEquals(
        "%6 = many_tlu %0 tables=[t0,t1,t2,t3] @0",
        CircuitText.instruction(c.instructions().get(6)));
    String text = CircuitText.print(c);
    assertTrue(text.contains("\n%1 = many_tlu %0 tables=[t0,t1] @1\n"), text);
    Circuit again = CircuitText.parse(text);
    assertEquals(text, CircuitText.print(again));
    assertArrayEquals(c.digest(), again.digest());
    assertEquals(7, again.instructions().size());
    // One bootstrap per input element however many functions: 3 many-LUTs and 2 lookups of 5.
    assertEquals(25, c.pbsCount());
    assertEquals(5, c.pbsCount(1));
  }

  @Test
  void theDigestTellsAManyLutFromSeparateLookups() {
    Circuit c = circuit();
    Circuit swapped =
        CircuitText.parse(
            CircuitText.print(c)
                .replace("many_tlu %0 tables=[t0,t1] @0", "many_tlu %0 tables=[t1,t0] @0"));
    assertFalse(Arrays.equals(c.digest(), swapped.digest()));
  }

  @Test
  void refusesOneTableAndTablesOfAnotherWidth() {
    assertThrows(
        IllegalArgumentException.class, () -> new Instruction.ManyTlu(1, 0, new int[] {0}, 0));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Instruction.ManyTlu(1, 0, new int[] {0, 1, 2}, 0));
    String text = CircuitText.print(circuit()).replace("table t3 7 6 5 4 3 2 1 0", "table t3 1 0");
    Circuit c = CircuitText.parse(text);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ClearSimulator.run(c, List.of(new long[5]), ClearSimulator.Options.exact()));
    assertTrue(e.getMessage().contains("many-LUTs are exact"), e.getMessage());
  }

  @Test
  void simulatorAndEncryptedRunAgreeWithSeparateLookups() {
    Circuit c = circuit();
    long[] x = {-4, -1, 0, 2, 3};
    List<long[]> sim = ClearSimulator.run(c, List.of(x), ClearSimulator.Options.exact()).outputs();
    long[][] want = new long[4][5];
    for (int t = 0; t < 4; t++) {
      for (int i = 0; i < 5; i++) {
        want[t][i] = TABLES[t][(int) x[i] + 4];
      }
    }
    long[] two = concat(want[0], want[1]);
    assertArrayEquals(two, sim.get(0));
    assertArrayEquals(two, sim.get(1));
    assertArrayEquals(want[0], sim.get(2));
    assertArrayEquals(want[1], sim.get(3));
    assertArrayEquals(want[1], sim.get(4));
    assertArrayEquals(concat(concat(want[0], want[1]), concat(want[2], want[3])), sim.get(5));

    KeyGenerator.KeySet keys = KeyGenerator.generate(PLAN, KeySetIdentity.fresh(c), null);
    EncryptedTensor in = ClientTensors.encrypt(keys.client(), x, c.value(0));
    List<EncryptedTensor> out = new CircuitExecutor(keys.evaluation()).run(c, List.of(in), null);
    for (int o = 0; o < sim.size(); o++) {
      assertArrayEquals(
          sim.get(o), ClientTensors.decrypt(keys.client(), out.get(o)), "output " + o);
    }
    assertEquals(1, out.get(0).partition());
  }

  @Test
  void injectedErrorsLandOnANeighbouringBox() {
    Circuit c = circuit();
    long[] x = {-4, -1, 0, 2, 3};
    ClearSimulator.Result r =
        ClearSimulator.run(
            c,
            List.of(x),
            new ClearSimulator.Options(List.of(1.0, 0.0), OptionalLong.of(5), false));
    // Every bootstrap of partition 0 fails: 2 lookups and 2 many-LUTs of 5 elements.
    assertEquals(20, r.injectedErrors());
    long[] four = r.outputs().get(5);
    for (int i = 0; i < 5; i++) {
      // Function 1 reads box i·4 + 1 ± 1: function 0 or 2 of the same input.
      long got = four[5 + i];
      int idx = (int) x[i] + 4;
      assertTrue(got == TABLES[0][idx] || got == TABLES[2][idx], "element " + i + ": " + got);
    }
  }

  private static long[] concat(long[] a, long[] b) {
    long[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
