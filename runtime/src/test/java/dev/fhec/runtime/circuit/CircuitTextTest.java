package dev.fhec.runtime.circuit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.runtime.exec.ClearSimulator;
import dev.fhec.runtime.params.ParameterSets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CircuitTextTest {
  /** Every instruction kind, two partitions, a conversion and a cross-partition lookup. */
  static final String TEXT =
      """
      circuit "all \\"kinds\\"" format 2
      partition 0 "TOY_N256" n=10 k=1 N=256 pbs=18x1 ks=4x4 lwe_std=9.313225746154785E-10 glwe_std=2.842170943040401E-14
      partition 1 "TOY_K2_L2" n=12 k=2 N=128 pbs=9x2 ks=3x5 lwe_std=9.313225746154785E-10 glwe_std=2.842170943040401E-14
      keyswitch 0 -> 0 small 4x4
      keyswitch 0 -> 1 small 3x5
      keyswitch 1 -> 0 big 4x6
      constant c0 [3] 1 -1 2
      constant c1 [3,2] 1 0 -1 1 2 0
      constant c2 [] 3
      table t0 0 1 2 3 4 5 6 7 -8 -7 -6 -5 -4 -3 -2 -1
      table t1 7 6 5 4 3 2 1 0
      value %0 enc i4 [2,3] @0
      value %1 enc i4 [2,3] @0
      value %2 enc i4 [2,3] @0
      value %3 enc i4 [2,3] @0
      value %4 enc i4 [2,2] @0
      value %5 enc i4 [2] @0
      value %6 enc i4 [2] @0
      value %7 enc i4 [2] @0
      value %8 enc i4 [2] @1
      value %9 enc i4 [2] @0
      value %10 enc i4 [2,3] @0
      value %11 enc i4 [3,2] @0
      value %12 enc i4 [2,3] @0
      value %13 enc i4 [2,2] @0
      value %14 enc i4 [2] @0
      value %15 clear u2 [1]
      %0 = input 0
      %1 = input 1
      %2 = add %0 %1
      %3 = sub %0 %1
      %12 = neg %3
      %10 = mul_clear %2 c0
      %4 = matmul_clear_right %10 c1
      %11 = gather [%0,%1] source=[0,1,0,1,0,1] element=[0,1,2,3,4,5]
      %13 = matmul_clear_left c1 %11
      %5 = sum %4 axes=[1]
      %6 = add_clear %5 c2
      %14 = sub_from_clear c2 %6
      %7 = gather [%14] source=[] element=[1,0]
      %8 = tlu %7 tables=[t0,t0] @1
      %9 = keyswitch %8
      inputs %0 %1
      outputs %9 %12
      """;

  @Test
  void printingAParsedCircuitGivesTheSameText() {
    Circuit c = CircuitText.parse(TEXT);
    assertEquals("all \"kinds\"", c.name());
    assertEquals(2, c.plan().size());
    assertEquals(1, c.value(8).partition());
    assertEquals(
        new KeyswitchSpec(
            1, 0, KeyswitchSpec.Kind.BIG_TO_BIG, c.plan().keyswitches().get(2).decomposition()),
        c.plan().keyswitches().get(2));
    String printed = CircuitText.print(c);
    assertEquals(TEXT, printed);
    Circuit again = CircuitText.parse(printed);
    assertEquals(printed, CircuitText.print(again));
    assertArrayEquals(c.digest(), again.digest());
    assertEquals(ParameterSets.TOY_N256, c.plan().partition(0));
  }

  @Test
  void aParsedCircuitRuns() {
    String text =
        """
        circuit "t" format 2
        partition 0 "TOY_N256" n=10 k=1 N=256 pbs=18x1 ks=4x4 lwe_std=9.313225746154785E-10 glwe_std=2.842170943040401E-14
        keyswitch 0 -> 0 small 4x4
        table t0 7 6 5 4 3 2 1 0
        value %0 enc u3 [2] @0
        value %1 enc u3 [2] @0
        %0 = input 0
        %1 = tlu %0 tables=[t0] @0
        inputs %0
        outputs %1
        """;
    Circuit c = CircuitText.parse(text);
    assertArrayEquals(
        new long[] {7, 2},
        ClearSimulator.run(c, List.of(new long[] {0, 5}), ClearSimulator.Options.exact())
            .outputs()
            .get(0));
    assertEquals(text, CircuitText.print(c));
  }

  @Test
  void errorsNameTheLine() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CircuitText.parse("circuit \"x\" format 2\n%0 = frobnicate %1\n"));
    assertTrue(e.getMessage().startsWith("line 2: unknown instruction frobnicate"), e.getMessage());
  }

  /**
   * The digest of a circuit of 64-bit keyswitches is the one the runtime computed before 32-bit
   * keyswitches existed (pinned from that build), so keys and files bound to older circuits still
   * match; marking a keyswitch 32-bit changes the digest and the text, and both round-trip.
   */
  @Test
  void thirtyTwoBitKeyswitchesChangeTextAndDigestButOlderCircuitsKeepTheirs() {
    Circuit c = CircuitText.parse(TEXT);
    assertEquals(
        "86df6ee58bd27c08eae423aecc5407ace07be1b3b9fba20e91145c9a23504ab0",
        java.util.HexFormat.of().formatHex(c.digest()));
    assertTrue(c.plan().keyswitches().stream().noneMatch(KeyswitchSpec::bits32));
    ParameterPlan narrow =
        new ParameterPlan(
            c.plan().partitions(),
            c.plan().keyswitches().stream().map(KeyswitchSpec::preferred).toList());
    assertTrue(narrow.keyswitches().stream().allMatch(KeyswitchSpec::bits32));
    Circuit n = c.withPlan(narrow);
    String printed = CircuitText.print(n);
    assertTrue(printed.contains("keyswitch 0 -> 0 small 4x4 32bit\n"), printed);
    Circuit again = CircuitText.parse(printed);
    assertEquals(narrow, again.plan());
    assertArrayEquals(n.digest(), again.digest());
    assertTrue(!java.util.Arrays.equals(c.digest(), n.digest()), "the width is in the digest");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CircuitText.parse(TEXT.replace("small 4x4\n", "small 4x4 16bit\n")));
    assertTrue(e.getMessage().contains("16bit"), e.getMessage());
  }

  @Test
  void aThirtyTwoBitKeyswitchNeedsAtMostThirtyTwoDecompositionBits() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new KeyswitchSpec(
                    0,
                    0,
                    KeyswitchSpec.Kind.BIG_TO_SMALL,
                    new dev.fhec.runtime.params.Decomposition(11, 3),
                    true));
    assertTrue(e.getMessage().contains("≤ 32"), e.getMessage());
    assertTrue(
        !KeyswitchSpec.preferred(
                0,
                0,
                KeyswitchSpec.Kind.BIG_TO_SMALL,
                new dev.fhec.runtime.params.Decomposition(11, 3))
            .bits32());
  }
}
