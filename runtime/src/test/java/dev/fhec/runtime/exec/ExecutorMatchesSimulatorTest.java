package dev.fhec.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.fhec.runtime.TestKeys;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.ClearTensor;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.circuit.LookupTable;
import dev.fhec.runtime.circuit.ValueInfo;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.ParameterSets;
import dev.fhec.runtime.random.Seed;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Differential check against the cleartext simulator (written by another author from the same
 * {@link Instruction} contract): an encrypted product by two squares, a short (approximate
 * rounding) table, a table with padding-range entries, and an overflowing output.
 */
class ExecutorMatchesSimulatorTest {
  private static final ParameterSet P = ParameterSets.TOY_N256;

  private static ValueInfo enc(int width, boolean signed, int... shape) {
    return new ValueInfo(shape, width, signed, true);
  }

  @Test
  void encryptedRunDecryptsToTheSimulatorsOutputs() {
    int[] shape = {4};
    // q(t) = ⌊t²/4⌋ for signed 4-bit t.
    long[] square = new long[16];
    for (int i = 0; i < 16; i++) {
      long t = i - 8;
      square[i] = Math.floorDiv(t * t, 4);
    }
    // Short table: 2^4 entries read from a 6-bit signed input (its 4 top message bits).
    long[] coarse = new long[16];
    for (int i = 0; i < 16; i++) {
      coarse[i] = (i * 5) % 13 - 6;
    }
    // Padding-range entries at output width 3: values in [−8, 8) beyond the 3-bit range.
    long[] wide = new long[8];
    for (int i = 0; i < 8; i++) {
      wide[i] = i - 8 + (i % 3) * 5;
    }
    List<ValueInfo> v = new ArrayList<>();
    v.add(enc(4, true, shape)); // 0 x (values in [−4, 3])
    v.add(enc(4, true, shape)); // 1 y
    v.add(enc(4, true, shape)); // 2 x + y
    v.add(enc(4, true, shape)); // 3 x − y
    v.add(enc(6, true, shape)); // 4 q(x + y)
    v.add(enc(6, true, shape)); // 5 q(x − y)
    v.add(enc(6, true, shape)); // 6 x·y
    v.add(enc(6, true, shape)); // 7 4z (leveled ops keep their operand's width: z is 6-bit)
    v.add(enc(6, true, shape)); // 8 4z + 1
    v.add(enc(4, true, shape)); // 9 coarse(round((4z + 1)/4))
    v.add(enc(3, false, shape)); // 10 wide(x + 4) (padding-range intermediate)
    v.add(enc(3, false, shape)); // 11 wide(x + 4) + 2 (back in range or not)
    v.add(enc(6, true, shape)); // 12 z (values in [−4, 3])
    List<Instruction> ins =
        List.of(
            new Instruction.Input(0, 0),
            new Instruction.Input(1, 1),
            new Instruction.Input(12, 2),
            new Instruction.AddEE(2, 0, 1),
            new Instruction.SubEE(3, 0, 1),
            new Instruction.Tlu(4, 2, new int[] {0}),
            new Instruction.Tlu(5, 3, new int[] {0}),
            new Instruction.SubEE(6, 4, 5),
            new Instruction.MulEC(7, 12, 0),
            new Instruction.AddEC(8, 7, 1),
            new Instruction.Tlu(9, 8, new int[] {1}),
            new Instruction.Tlu(10, 0, new int[] {2}),
            new Instruction.AddEC(11, 10, 2));
    Circuit c =
        new Circuit(
            Circuit.FORMAT_VERSION,
            "two_squares",
            P,
            v,
            List.of(
                new ClearTensor(new int[] {1}, new long[] {4}),
                new ClearTensor(new int[] {1}, new long[] {1}),
                new ClearTensor(new int[] {1}, new long[] {2})),
            List.of(
                new LookupTable(square),
                new LookupTable(coarse),
                new LookupTable(new long[] {-8, -7, -6, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6})),
            ins,
            List.of(0, 1, 12),
            List.of(6, 9, 10, 11));
    // Table 2 has 16 entries for a 4-bit input: re-declare with the wide entries per index.
    long[] wide16 = new long[16];
    for (int i = 0; i < 16; i++) {
      wide16[i] = wide[i % 8];
    }
    c =
        new Circuit(
            c.formatVersion(),
            c.name(),
            c.parameters(),
            c.values(),
            c.constants(),
            List.of(new LookupTable(square), new LookupTable(coarse), new LookupTable(wide16)),
            c.instructions(),
            c.inputs(),
            c.outputs());
    TestKeys.Pair keys = TestKeys.of(P);
    CircuitExecutor executor = new CircuitExecutor(keys.evaluation());
    Random r = new Random(9);
    for (int trial = 0; trial < 4; trial++) {
      long[] x = new long[4];
      long[] y = new long[4];
      long[] z = new long[4];
      for (int i = 0; i < 4; i++) {
        x[i] = r.nextInt(8) - 4;
        y[i] = r.nextInt(8) - 4;
        z[i] = r.nextInt(8) - 4;
      }
      List<long[]> expected =
          ClearSimulator.run(
                  c,
                  List.of(x, y, z),
                  new ClearSimulator.Options(0, java.util.OptionalLong.empty(), false))
              .outputs();
      List<EncryptedTensor> out =
          executor.run(
              c,
              List.of(
                  ClientTensors.encrypt(
                      keys.client(), x, v.get(0), Seed.ofLong(trial), Seed.ofLong(7)),
                  ClientTensors.encrypt(
                      keys.client(), y, v.get(1), Seed.ofLong(10 + trial), Seed.ofLong(8)),
                  ClientTensors.encrypt(
                      keys.client(), z, v.get(12), Seed.ofLong(20 + trial), Seed.ofLong(9))),
              null);
      for (int o = 0; o < expected.size(); o++) {
        assertArrayEquals(
            expected.get(o),
            ClientTensors.decrypt(keys.client(), out.get(o)),
            "output " + o + " trial " + trial);
      }
      for (int i = 0; i < 4; i++) {
        assertArrayEquals(new long[] {x[i] * y[i]}, new long[] {expected.get(0)[i]}, "x·y");
      }
    }
  }
}
