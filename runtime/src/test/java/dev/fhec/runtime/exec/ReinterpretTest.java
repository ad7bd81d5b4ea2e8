package dev.fhec.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.runtime.TestKeys;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.CircuitText;
import dev.fhec.runtime.params.ParameterSets;
import dev.fhec.runtime.random.Seed;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reinterpret instruction: an even width-w value read at width w − 1 decrypts to its half with
 * no bootstrap, agrees with the simulator, and feeds a lookup at the smaller width.
 */
class ReinterpretTest {
  static final String TEXT =
      """
      circuit "half" format 2
      partition 0 "TOY_N256" n=10 k=1 N=256 pbs=18x1 ks=4x4 lwe_std=9.313225746154785E-10 glwe_std=2.842170943040401E-14
      keyswitch 0 -> 0 small 4x4
      constant c0 [] 2
      table t0 3 2 1 0 -1 -2 -3 -4
      value %0 enc i4 [5] @0
      value %1 enc i4 [5] @0
      value %2 enc i3 [5] @0
      value %3 enc i3 [5] @0
      %0 = input 0
      %1 = mul_clear %0 c0
      %2 = reinterpret %1
      %3 = tlu %2 tables=[t0] @0
      inputs %0
      outputs %2 %3
      """;

  @Test
  void halvesAnEvenValueWithoutABootstrap() {
    Circuit c = CircuitText.parse(TEXT);
    assertEquals(TEXT, CircuitText.print(c));
    assertEquals(5, c.pbsCount());
    long[] x = {-4, -1, 0, 2, 3};
    long[] negated = {3, 0, -1, -3, -4}; // t0 at x + 4: 3 − (x + 4) = −x − 1
    List<long[]> sim = ClearSimulator.run(c, List.of(x), ClearSimulator.Options.exact()).outputs();
    assertArrayEquals(x, sim.get(0));
    assertArrayEquals(negated, sim.get(1));
    TestKeys.Pair keys = TestKeys.of(ParameterSets.TOY_N256);
    EncryptedTensor in =
        ClientTensors.encrypt(keys.client(), x, c.value(0), Seed.ofLong(1), Seed.ofLong(2));
    List<EncryptedTensor> out = new CircuitExecutor(keys.evaluation()).run(c, List.of(in), null);
    assertArrayEquals(x, ClientTensors.decrypt(keys.client(), out.get(0)));
    assertArrayEquals(negated, ClientTensors.decrypt(keys.client(), out.get(1)));
  }

  @Test
  void theSimulatorRefusesAnOddValueAndTheCircuitAWiderOutput() {
    Circuit c = CircuitText.parse(TEXT.replace("constant c0 [] 2", "constant c0 [] 1"));
    ClearSimulator.OverflowException e =
        assertThrows(
            ClearSimulator.OverflowException.class,
            () -> ClearSimulator.run(c, List.of(new long[] {1, 0, 0, 0, 0}), options()));
    assertTrue(e.getMessage().contains("not a multiple of 2^1"), e.getMessage());
    IllegalArgumentException wider =
        assertThrows(
            IllegalArgumentException.class,
            () -> CircuitText.parse(TEXT.replace("value %2 enc i3", "value %2 enc i4")));
    assertTrue(wider.getMessage().contains("a smaller width"), wider.getMessage());
  }

  private static ClearSimulator.Options options() {
    return new ClearSimulator.Options(0, java.util.OptionalLong.empty(), true);
  }
}
