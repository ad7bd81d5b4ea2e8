package dev.fhec.runtime.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.ClearTensor;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.circuit.LookupTable;
import dev.fhec.runtime.circuit.ValueInfo;
import dev.fhec.runtime.params.Decomposition;
import dev.fhec.runtime.params.GlweDimension;
import dev.fhec.runtime.params.LweDimension;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.PolynomialSize;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The clear simulator on hand-built circuits, against naive loops written here. */
class ClearSimulatorTest {
  static final ParameterSet TOY =
      new ParameterSet(
          "TOY_SIM",
          new LweDimension(16),
          new GlweDimension(1),
          new PolynomialSize(256),
          new Decomposition(8, 2),
          new Decomposition(4, 3),
          1e-5,
          1e-9);

  static ValueInfo enc(int width, boolean signed, int... shape) {
    return new ValueInfo(shape, width, signed, true);
  }

  static Circuit circuit(
      List<ValueInfo> values,
      List<ClearTensor> constants,
      List<LookupTable> tables,
      List<Instruction> instructions,
      List<Integer> inputs,
      List<Integer> outputs) {
    return new Circuit(
        Circuit.FORMAT_VERSION, "t", TOY, values, constants, tables, instructions, inputs, outputs);
  }

  static long[] random(Random r, int n, long lo, long hi) {
    long[] a = new long[n];
    for (int i = 0; i < n; i++) {
      a[i] = lo + r.nextInt((int) (hi - lo + 1));
    }
    return a;
  }

  @Test
  void leveledInstructionsMatchNaiveArithmetic() {
    // v0, v1 inputs [2,3] at 8 bits signed; v2 = v0 + v1; v3 = v2 − v0; v4 = −v3;
    // v5 = v4 + C0 (C0 per column); v6 = C1 − v5; v7 = v6 ⊙ C2 (scalar).
    ValueInfo t = enc(8, true, 2, 3);
    List<ValueInfo> values = List.of(t, t, t, t, t, t, t, t);
    List<ClearTensor> cs =
        List.of(
            new ClearTensor(new int[] {3}, new long[] {1, -2, 3}),
            new ClearTensor(new int[] {2, 1}, new long[] {5, -5}),
            new ClearTensor(new int[0], new long[] {2}));
    List<Instruction> ins =
        List.of(
            new Instruction.Input(0, 0),
            new Instruction.Input(1, 1),
            new Instruction.AddEE(2, 0, 1),
            new Instruction.SubEE(3, 2, 0),
            new Instruction.Neg(4, 3),
            new Instruction.AddEC(5, 4, 0),
            new Instruction.SubCE(6, 1, 5),
            new Instruction.MulEC(7, 6, 2));
    Circuit c = circuit(values, cs, List.of(), ins, List.of(0, 1), List.of(7));
    Random r = new Random(1);
    for (int trial = 0; trial < 50; trial++) {
      long[] a = random(r, 6, -20, 20);
      long[] b = random(r, 6, -20, 20);
      long[] expected = new long[6];
      for (int i = 0; i < 6; i++) {
        long v = -((a[i] + b[i]) - a[i]) + new long[] {1, -2, 3}[i % 3];
        expected[i] = ((i / 3 == 0 ? 5 : -5) - v) * 2;
      }
      assertArrayEquals(
          expected,
          ClearSimulator.run(c, List.of(a, b), ClearSimulator.Options.exact()).outputs().get(0));
    }
  }

  @Test
  void matmulsAndSumsMatchNaiveLoops() {
    // a: [2, 3, 4] enc; C: [4, 5]; out = a @ C : [2, 3, 5]; D: [2, 3] ; D @ a : [2, 2, 4]
    // sum of a @ C over axes {0, 2}: [3]
    List<ValueInfo> values =
        List.of(
            enc(20, true, 2, 3, 4),
            enc(20, true, 2, 3, 5),
            enc(20, true, 2, 2, 4),
            enc(20, true, 3));
    Random r = new Random(2);
    long[] cData = random(r, 20, -9, 9);
    long[] dData = random(r, 6, -9, 9);
    List<ClearTensor> cs =
        List.of(new ClearTensor(new int[] {4, 5}, cData), new ClearTensor(new int[] {2, 3}, dData));
    List<Instruction> ins =
        List.of(
            new Instruction.Input(0, 0),
            new Instruction.MatMulEC(1, 0, 0),
            new Instruction.MatMulCE(2, 1, 0),
            new Instruction.Sum(3, 1, new int[] {0, 2}, false));
    Circuit c = circuit(values, cs, List.of(), ins, List.of(0), List.of(1, 2, 3));
    long[] a = random(r, 24, -50, 50);
    List<long[]> out = ClearSimulator.run(c, List.of(a), ClearSimulator.Options.exact()).outputs();
    long[] mm = new long[30];
    long[] lm = new long[16];
    long[] s = new long[3];
    for (int b = 0; b < 2; b++) {
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 5; j++) {
          for (int l = 0; l < 4; l++) {
            mm[b * 15 + i * 5 + j] += a[b * 12 + i * 4 + l] * cData[l * 5 + j];
          }
          s[i] += mm[b * 15 + i * 5 + j];
        }
      }
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 4; j++) {
          for (int l = 0; l < 3; l++) {
            lm[b * 8 + i * 4 + j] += dData[i * 3 + l] * a[b * 12 + l * 4 + j];
          }
        }
      }
    }
    assertArrayEquals(mm, out.get(0));
    assertArrayEquals(lm, out.get(1));
    assertArrayEquals(s, out.get(2));
  }

  @Test
  void gatherCopiesFromSeveralSources() {
    List<ValueInfo> values = List.of(enc(4, false, 2), enc(4, false, 3), enc(4, false, 4));
    List<Instruction> ins =
        List.of(
            new Instruction.Input(0, 0),
            new Instruction.Input(1, 1),
            new Instruction.Gather(
                2, new int[] {0, 1}, new int[] {1, 0, 1, 0}, new int[] {2, 1, 0, 0}));
    Circuit c = circuit(values, List.of(), List.of(), ins, List.of(0, 1), List.of(2));
    long[] out =
        ClearSimulator.run(
                c, List.of(new long[] {7, 8}, new long[] {1, 2, 3}), ClearSimulator.Options.exact())
            .outputs()
            .get(0);
    assertArrayEquals(new long[] {3, 8, 1, 7}, out);
  }

  @Test
  void lookupsIndexUnsignedAndSignedInputsAndPerElementTables() {
    // v0: signed 3-bit [4]; v1 = T(v0) with T[i] = 10·(i − 4) (signed index convention);
    // v2 = per-element tables: element i uses table i % 2 (square or negated).
    long[] t0 = new long[8];
    long[] sq = new long[8];
    long[] neg = new long[8];
    for (int i = 0; i < 8; i++) {
      int m = i - 4;
      t0[i] = 10L * m;
      sq[i] = (long) m * m;
      neg[i] = -m;
    }
    List<ValueInfo> values = List.of(enc(3, true, 4), enc(7, true, 4), enc(6, true, 4));
    List<LookupTable> tables =
        List.of(new LookupTable(t0), new LookupTable(sq), new LookupTable(neg));
    List<Instruction> ins =
        List.of(
            new Instruction.Input(0, 0),
            new Instruction.Tlu(1, 0, new int[] {0}),
            new Instruction.Tlu(2, 0, new int[] {1, 2, 1, 2}));
    Circuit c = circuit(values, List.of(), tables, ins, List.of(0), List.of(1, 2));
    long[] x = {-4, -1, 0, 3};
    ClearSimulator.Result r = ClearSimulator.run(c, List.of(x), ClearSimulator.Options.exact());
    assertArrayEquals(new long[] {-40, -10, 0, 30}, r.outputs().get(0));
    assertArrayEquals(new long[] {16, 1, 0, -3}, r.outputs().get(1));
    assertEquals(8, r.bootstraps());
    assertEquals(8, c.pbsCount());
  }

  @Test
  void shortTableReadsTheRoundedMostSignificantBits() {
    // 6-bit unsigned input, 8-entry table: index = round(x / 8), ties up; x near 63 rounds to 8,
    // which wraps negacyclically (that is why round-table-inputs keeps the rounded range in range).
    long[] t = new long[8];
    for (int i = 0; i < 8; i++) {
      t[i] = 100 + i;
    }
    List<ValueInfo> values = List.of(enc(6, false, 64), enc(8, false, 64));
    List<Instruction> ins =
        List.of(new Instruction.Input(0, 0), new Instruction.Tlu(1, 0, new int[] {0}));
    Circuit c =
        circuit(values, List.of(), List.of(new LookupTable(t)), ins, List.of(0), List.of(1));
    long[] x = new long[64];
    for (int i = 0; i < 64; i++) {
      x[i] = i;
    }
    long[] out =
        ClearSimulator.run(
                c, List.of(x), new ClearSimulator.Options(0, OptionalLong.empty(), false))
            .outputs()
            .get(0);
    for (int i = 0; i < 60; i++) {
      assertEquals(100 + (i + 4) / 8, out[i], "x = " + i);
    }
    assertEquals(-100, out[60], "phase 8 wraps to −T[0]");
  }

  @Test
  void overflowIsReportedWhereABootstrapReadsIt() {
    // v0 unsigned 3-bit; v1 = v0 + v0 stays 3-bit (overflow for v0 ≥ 4); v2 = T(v1).
    List<ValueInfo> values = List.of(enc(3, false, 1), enc(3, false, 1), enc(3, false, 1));
    long[] id = {0, 1, 2, 3, 4, 5, 6, 7};
    List<Instruction> ins =
        List.of(
            new Instruction.Input(0, 0),
            new Instruction.AddEE(1, 0, 0),
            new Instruction.Tlu(2, 1, new int[] {0}));
    Circuit c =
        circuit(values, List.of(), List.of(new LookupTable(id)), ins, List.of(0), List.of(2));
    assertArrayEquals(
        new long[] {6},
        ClearSimulator.run(c, List.of(new long[] {3}), ClearSimulator.Options.exact())
            .outputs()
            .get(0));
    ClearSimulator.OverflowException e =
        assertThrows(
            ClearSimulator.OverflowException.class,
            () -> ClearSimulator.run(c, List.of(new long[] {5}), ClearSimulator.Options.exact()));
    assertEquals(2, e.instructionIndex());
    // 5 + 5 = 10 ≡ −6 modulo 2^(3+1): the residue the torus keeps.
    assertTrue(e.getMessage().contains("reads -6"), e.getMessage());
    // Without detection, the padding bit is set: the bootstrap returns −T[10 − 8].
    assertArrayEquals(
        new long[] {-2},
        ClearSimulator.run(
                c,
                List.of(new long[] {5}),
                new ClearSimulator.Options(0, OptionalLong.empty(), false))
            .outputs()
            .get(0));
    assertThrows(
        IllegalArgumentException.class,
        () -> ClearSimulator.run(c, List.of(new long[] {8}), ClearSimulator.Options.exact()),
        "inputs outside the declared range are refused");
  }

  @Test
  void injectedErrorsAreSeededNeighbourEntriesAtTheRequestedRate() {
    int n = 4000;
    long[] t = new long[16];
    for (int i = 0; i < 16; i++) {
      t[i] = 1000 * i;
    }
    List<ValueInfo> values = List.of(enc(4, false, n), enc(14, false, n));
    List<Instruction> ins =
        List.of(new Instruction.Input(0, 0), new Instruction.Tlu(1, 0, new int[] {0}));
    Circuit c =
        circuit(values, List.of(), List.of(new LookupTable(t)), ins, List.of(0), List.of(1));
    long[] x = new long[n];
    for (int i = 0; i < n; i++) {
      x[i] = 1 + i % 14;
    }
    ClearSimulator.Options opts = new ClearSimulator.Options(0.1, OptionalLong.of(99), false);
    ClearSimulator.Result a = ClearSimulator.run(c, List.of(x), opts);
    ClearSimulator.Result b = ClearSimulator.run(c, List.of(x), opts);
    assertArrayEquals(a.outputs().get(0), b.outputs().get(0), "same seed, same errors");
    long wrong = 0;
    for (int i = 0; i < n; i++) {
      long d = a.outputs().get(0)[i] - 1000 * x[i];
      assertTrue(d == 0 || d == 1000 || d == -1000, "a neighbouring entry, got " + d);
      wrong += d != 0 ? 1 : 0;
    }
    assertEquals(a.injectedErrors(), wrong);
    // Binomial(4000, 0.1): mean 400, σ ≈ 19; ±6σ.
    assertTrue(wrong > 286 && wrong < 514, "error count " + wrong);
    assertEquals(
        0,
        ClearSimulator.run(c, List.of(x), new ClearSimulator.Options(0, OptionalLong.of(1), false))
            .injectedErrors());
  }
}
