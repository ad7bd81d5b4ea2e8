package dev.fhec.compiler.lowering;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.compiler.Fhec;
import dev.fhec.compiler.frontend.json.JsonGraphFrontend;
import dev.fhec.compiler.ir.Tensor;
import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.Instruction;
import dev.fhec.runtime.circuit.LookupTable;
import dev.fhec.runtime.circuit.ValueInfo;
import dev.fhec.runtime.exec.ClearSimulator;
import dev.fhec.runtime.io.npy.NpyArray;
import dev.fhec.runtime.io.npy.Npz;
import dev.fhec.runtime.params.Decomposition;
import dev.fhec.runtime.params.GlweDimension;
import dev.fhec.runtime.params.LweDimension;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.PolynomialSize;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Lookups at the original width give the unrewritten circuit's outputs, checked with the clear
 * simulator over the whole input range (hand-built circuits) and on the tiny head's calibration
 * samples.
 */
class OriginalWidthLookupsTest {
  static final ParameterSet TOY =
      new ParameterSet(
          "TOY_OWL",
          new LweDimension(16),
          new GlweDimension(1),
          new PolynomialSize(256),
          new Decomposition(8, 2),
          new Decomposition(4, 3),
          1e-5,
          1e-9);

  /**
   * x (uint4, all 16 values) → a = T1(x) ∈ [lo1, hi1], b = T2(x) ∈ [lo2, hi2] at 6 bits → T3(a + b)
   * with a 64-entry table: a + b needs fewer than 6 bits.
   */
  static LoweredCircuit widened(boolean signed, long lo1, long hi1, long lo2, long hi2) {
    long[] t1 = new long[16];
    long[] t2 = new long[16];
    for (int i = 0; i < 16; i++) {
      t1[i] = lo1 + (i * 7L) % (hi1 - lo1 + 1);
      t2[i] = lo2 + (i * 5L) % (hi2 - lo2 + 1);
    }
    long[] t3 = new long[64];
    for (int i = 0; i < 64; i++) {
      t3[i] = (i * 13L) % 32 - (signed ? 16 : 0);
    }
    ValueInfo x = new ValueInfo(new int[] {16}, 4, false, true);
    ValueInfo w6 = new ValueInfo(new int[] {16}, 6, signed, true);
    return new LoweredCircuit(
        "widened",
        List.of(x, w6, w6, w6, w6),
        List.of(),
        List.of(new LookupTable(t1), new LookupTable(t2), new LookupTable(t3)),
        List.of(
            new Instruction.Input(0, 0),
            new Instruction.Tlu(1, 0, new int[] {0}),
            new Instruction.Tlu(2, 0, new int[] {1}),
            new Instruction.AddEE(3, 1, 2),
            new Instruction.Tlu(4, 3, new int[] {2})),
        List.of(0),
        List.of(4));
  }

  private static long[] run(LoweredCircuit c, long[] input) {
    return ClearSimulator.run(
            PlanApplication.apply(c, TOY).circuit(), List.of(input), ClearSimulator.Options.exact())
        .outputs()
        .get(0);
  }

  private static int lastLookupWidth(LoweredCircuit c) {
    int w = 0;
    for (Instruction i : c.instructions()) {
      if (i instanceof Instruction.Tlu t) {
        w = c.precision(t);
      }
    }
    return w;
  }

  @Test
  void signedAndUnsignedSumsAreLookedUpAtTheirOwnWidthWithTheSameResults() {
    long[] all = new long[16];
    for (int i = 0; i < 16; i++) {
      all[i] = i;
    }
    // signed: a + b ∈ [−6, 6] → 4 bits; unsigned: a + b ∈ [0, 14] → 4 bits; [0, 31] → 5 bits.
    Object[][] cases = {
      {true, -3L, 3L, -3L, 3L, 4}, {false, 0L, 7L, 0L, 7L, 4}, {false, 0L, 15L, 0L, 16L, 5}
    };
    for (Object[] k : cases) {
      LoweredCircuit c =
          widened((Boolean) k[0], (Long) k[1], (Long) k[2], (Long) k[3], (Long) k[4]);
      LoweredCircuit r = OriginalWidthLookups.rewrite(c);
      assertEquals(6, lastLookupWidth(c));
      assertEquals((int) k[5], lastLookupWidth(r), Arrays.toString(k));
      assertEquals(c.instructions().size() + 1, r.instructions().size());
      assertArrayEquals(run(c, all), run(r, all), Arrays.toString(k));
    }
  }

  /**
   * The rewritten lookup runs encrypted (TOY_N2048, one partition) and decrypts to the unrewritten
   * circuit's clear outputs for all 16 inputs: the multiply by 2^(w−o) and the o-bit read are
   * exact, not approximate.
   */
  @Test
  void narrowedLookupsDecryptToTheUnrewrittenOutputs() {
    long[] all = new long[16];
    for (int i = 0; i < 16; i++) {
      all[i] = i;
    }
    for (boolean signed : new boolean[] {false, true}) {
      LoweredCircuit c =
          widened(signed, signed ? -3 : 0, signed ? 3 : 7, signed ? -3 : 0, signed ? 3 : 7);
      LoweredCircuit narrowed = OriginalWidthLookups.rewrite(c);
      assertEquals(4, lastLookupWidth(narrowed));
      Circuit r =
          PlanApplication.apply(narrowed, dev.fhec.runtime.params.ParameterSets.TOY_N2048)
              .circuit();
      double[] nu2 = dev.fhec.compiler.stats.Norm2Analysis.analyze(r);
      for (Instruction i : r.instructions()) {
        if (i instanceof Instruction.Tlu t) {
          int width = r.tables().get(t.tables()[0]).inputWidth();
          double pFail =
              dev.fhec.runtime.params.NoiseModel.errorProbability(
                  r.parameters(), width, nu2[t.a()]);
          assertTrue(pFail < 1e-6, width + "-bit lookup fails with probability " + pFail);
        }
      }
      var ck =
          dev.fhec.runtime.key.KeyGenerator.generateClientKey(
              r.parameters(), dev.fhec.runtime.random.Seed.ofLong(21));
      var ek =
          dev.fhec.runtime.key.KeyGenerator.generateEvaluationKeys(
              ck,
              dev.fhec.runtime.random.Seed.ofLong(22),
              dev.fhec.runtime.random.Seed.ofLong(23),
              dev.fhec.runtime.random.Seed.ofLong(24));
      var in =
          List.of(dev.fhec.runtime.exec.ClientTensors.encrypt(ck, all, r.value(r.inputs().get(0))));
      var out = dev.fhec.runtime.exec.CircuitExecutor.run(r, ek, in);
      assertArrayEquals(
          run(c, all),
          dev.fhec.runtime.exec.ClientTensors.decrypt(ck, out.get(0)),
          "signed " + signed);
    }
  }

  @Test
  void fullWidthInputsAreLeftAlone() {
    LoweredCircuit c = widened(true, -16, 15, -16, 15);
    assertEquals(c, OriginalWidthLookups.rewrite(c));
  }

  @Test
  void bitsForCoversSignedAndUnsignedRanges() {
    assertEquals(1, OriginalWidthLookups.bitsFor(0, 1, false));
    assertEquals(4, OriginalWidthLookups.bitsFor(0, 15, false));
    assertEquals(5, OriginalWidthLookups.bitsFor(0, 16, false));
    assertEquals(4, OriginalWidthLookups.bitsFor(-8, 7, true));
    assertEquals(5, OriginalWidthLookups.bitsFor(-9, 7, true));
    assertEquals(1, OriginalWidthLookups.bitsFor(-1, 0, true));
  }

  @Test
  void tinyHeadRewrittenAgreesOnItsCalibrationSamples() throws Exception {
    Path dir = Path.of("../samples/gpt2-head-tiny");
    NpyArray.Ints all = (NpyArray.Ints) Npz.read(dir.resolve("inputset.npz")).get("q_x");
    int[] s = all.shape();
    int size = all.size() / s[0];
    List<List<Tensor>> inputset = new ArrayList<>();
    for (int i = 0; i < s[0]; i++) {
      inputset.add(
          List.of(
              new Tensor.Ints(
                  Arrays.copyOfRange(s, 1, s.length),
                  Arrays.copyOfRange(all.data(), i * size, (i + 1) * size))));
    }
    LoweredCircuit c =
        LoweredCircuit.of(
            Fhec.compile(
                    JsonGraphFrontend.load(dir.resolve("model.json")),
                    CompileOptions.defaults(),
                    inputset,
                    TOY)
                .circuit());
    LoweredCircuit r = OriginalWidthLookups.rewrite(c);
    assertTrue(r.instructions().size() > c.instructions().size(), "nothing rewritten");
    // The head's widths come from its calibration: inputs far outside it overflow the original
    // circuit too, so both run on the calibration samples.
    for (int i = 0; i < s[0]; i++) {
      long[] x = Arrays.copyOfRange(all.data(), i * size, (i + 1) * size);
      assertArrayEquals(run(c, x), run(r, x), "sample " + i);
    }
  }
}
