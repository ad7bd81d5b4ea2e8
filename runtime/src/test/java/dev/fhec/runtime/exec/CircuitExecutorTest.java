package dev.fhec.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Every instruction kind on a hand-built circuit, checked against integer math written here. */
class CircuitExecutorTest {
  private static final ParameterSet P = ParameterSets.TOY_N256;

  private static ValueInfo enc(int width, boolean signed, int... shape) {
    return new ValueInfo(shape, width, signed, true);
  }

  @Test
  void everyInstructionMatchesIntegerArithmetic() {
    long[] c0 = {1, -1, 2};
    long[] c1 = {1, 0, -1, 1, 2, 0}; // [3, 2]
    long[] c2 = {3};
    long[] c3 = {1, 2, 3, 4, 5, 6}; // [2, 3]
    long[] c4 = {1, 1, 0, -1}; // [2, 2]
    long[] t0 = new long[32]; // signed 5-bit input → |m| mod 16 (unsigned 4-bit)
    for (int i = 0; i < 32; i++) {
      t0[i] = Math.abs(i - 16) % 16;
    }
    long[] t1 = new long[32]; // m → m·3 mod 8 − 4 (signed 4-bit)
    long[] t2 = new long[32]; // m → −m/2 (signed 4-bit)
    for (int i = 0; i < 32; i++) {
      long m = i - 16;
      t1[i] = Math.floorMod(m * 3, 8) - 4;
      t2[i] = Math.max(-8, Math.min(7, -m / 2));
    }
    List<ValueInfo> values = new ArrayList<>();
    values.add(enc(5, true, 2, 3)); // 0 input 0
    values.add(enc(5, true, 2, 3)); // 1 input 1
    values.add(enc(5, true, 2, 3)); // 2 add
    values.add(enc(5, true, 2, 3)); // 3 mul_clear
    values.add(enc(5, true, 2, 2)); // 4 matmul right
    values.add(enc(5, true, 2)); // 5 sum axis 1
    values.add(enc(5, true, 2)); // 6 add_clear
    values.add(enc(5, true, 2)); // 7 gather (reverse)
    values.add(enc(4, false, 2)); // 8 tlu
    values.add(enc(5, true, 2, 3)); // 9 sub_from_clear
    values.add(enc(5, true, 2, 3)); // 10 neg
    values.add(enc(5, true, 2, 3)); // 11 matmul left
    values.add(enc(4, true, 2, 3)); // 12 mapped tlu
    values.add(enc(5, true, 2, 3)); // 13 sub
    values.add(enc(5, true, 3, 2)); // 14 gather: transpose of 0 and 1 interleaved
    List<Instruction> ins =
        List.of(
            new Instruction.Input(0, 0),
            new Instruction.Input(1, 1),
            new Instruction.AddEE(2, 0, 1),
            new Instruction.MulEC(3, 2, 0),
            new Instruction.MatMulEC(4, 3, 1),
            new Instruction.Sum(5, 4, new int[] {1}, false),
            new Instruction.AddEC(6, 5, 2),
            new Instruction.Gather(7, new int[] {6}, new int[0], new int[] {1, 0}),
            new Instruction.Tlu(8, 7, new int[] {0}),
            new Instruction.SubCE(9, 3, 0),
            new Instruction.Neg(10, 9),
            new Instruction.MatMulCE(11, 4, 0),
            new Instruction.Tlu(12, 11, new int[] {1, 2, 1, 2, 1, 2}),
            new Instruction.SubEE(13, 0, 1),
            new Instruction.Gather(
                14, new int[] {0, 1}, new int[] {0, 1, 0, 1, 0, 1}, new int[] {0, 3, 1, 4, 2, 5}));
    Circuit circuit =
        new Circuit(
            Circuit.FORMAT_VERSION,
            "all_ops",
            P,
            values,
            List.of(
                new ClearTensor(new int[] {3}, c0),
                new ClearTensor(new int[] {3, 2}, c1),
                new ClearTensor(new int[] {1}, c2),
                new ClearTensor(new int[] {2, 3}, c3),
                new ClearTensor(new int[] {2, 2}, c4)),
            List.of(new LookupTable(t0), new LookupTable(t1), new LookupTable(t2)),
            ins,
            List.of(0, 1),
            List.of(8, 10, 12, 5, 13, 14));

    TestKeys.Pair keys = TestKeys.of(P);
    Random r = new Random(7);
    for (int trial = 0; trial < 3; trial++) {
      long[] x = new long[6];
      long[] y = new long[6];
      for (int i = 0; i < 6; i++) {
        x[i] = r.nextInt(5) - 2;
        y[i] = r.nextInt(3) - 1;
      }
      // Reference, written out by hand.
      long[] v2 = new long[6];
      long[] v3 = new long[6];
      for (int i = 0; i < 6; i++) {
        v2[i] = x[i] + y[i];
        v3[i] = v2[i] * c0[i % 3];
      }
      long[] v4 = new long[4];
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
          for (int t = 0; t < 3; t++) {
            v4[i * 2 + j] += v3[i * 3 + t] * c1[t * 2 + j];
          }
        }
      }
      long[] v5 = {v4[0] + v4[1], v4[2] + v4[3]};
      long[] v7 = {v5[1] + 3, v5[0] + 3};
      long[] v8 = {Math.abs(v7[0]) % 16, Math.abs(v7[1]) % 16};
      long[] v10 = new long[6];
      long[] v11 = new long[6];
      long[] v12 = new long[6];
      long[] v13 = new long[6];
      for (int i = 0; i < 6; i++) {
        v10[i] = -(c3[i] - x[i]);
        v13[i] = x[i] - y[i];
      }
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 3; j++) {
          for (int t = 0; t < 2; t++) {
            v11[i * 3 + j] += c4[i * 2 + t] * x[t * 3 + j];
          }
          long m = v11[i * 3 + j];
          v12[i * 3 + j] =
              (i * 3 + j) % 2 == 0
                  ? Math.floorMod(m * 3, 8) - 4
                  : Math.max(-8, Math.min(7, -m / 2));
        }
      }
      long[] v14 = {x[0], y[3], x[1], y[4], x[2], y[5]};

      EncryptedTensor ex =
          ClientTensors.encrypt(
              keys.client(), x, values.get(0), Seed.ofLong(trial), Seed.ofLong(100 + trial));
      EncryptedTensor ey =
          ClientTensors.encrypt(
              keys.client(), y, values.get(1), Seed.ofLong(50 + trial), Seed.ofLong(200 + trial));
      AtomicLong last = new AtomicLong();
      AtomicLong calls = new AtomicLong();
      List<EncryptedTensor> out =
          new CircuitExecutor(keys.evaluation())
              .run(
                  circuit,
                  List.of(ex, ey),
                  (done, total) -> {
                    calls.incrementAndGet();
                    last.accumulateAndGet(done, Math::max);
                    assertEquals(circuit.pbsCount(), total);
                  });
      assertEquals(8, circuit.pbsCount());
      assertEquals(8, calls.get());
      assertEquals(8, last.get());
      assertArrayEquals(v8, ClientTensors.decrypt(keys.client(), out.get(0)), "tlu");
      assertArrayEquals(v10, ClientTensors.decrypt(keys.client(), out.get(1)), "neg(C − x)");
      assertArrayEquals(v12, ClientTensors.decrypt(keys.client(), out.get(2)), "mapped tlu");
      assertArrayEquals(v5, ClientTensors.decrypt(keys.client(), out.get(3)), "sum of matmul");
      assertArrayEquals(v13, ClientTensors.decrypt(keys.client(), out.get(4)), "sub");
      assertArrayEquals(v14, ClientTensors.decrypt(keys.client(), out.get(5)), "gather");
      // Gather moves references: no new ciphertext is made.
      assertTrue(out.get(5).element(0) == ex.element(0));
    }
  }

  @Test
  void rejectsInputsOfTheWrongEncoding() {
    ValueInfo in = enc(4, false, 2);
    Circuit c =
        new Circuit(
            Circuit.FORMAT_VERSION,
            "id",
            P,
            List.of(in),
            List.of(),
            List.of(),
            List.of(new Instruction.Input(0, 0)),
            List.of(0),
            List.of(0));
    TestKeys.Pair keys = TestKeys.of(P);
    EncryptedTensor wrong =
        ClientTensors.encrypt(keys.client(), new long[] {1, 2}, enc(5, false, 2));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CircuitExecutor.run(c, keys.evaluation(), List.of(wrong)));
    assertTrue(e.getMessage().contains("input 0"), e.getMessage());
  }

  @Test
  void clientEncryptionRejectsOutOfRangeValues() {
    TestKeys.Pair keys = TestKeys.of(P);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> ClientTensors.encrypt(keys.client(), new long[] {0, 8}, enc(4, true, 2)));
    assertTrue(e.getMessage().contains("index 1"), e.getMessage());
  }
}
