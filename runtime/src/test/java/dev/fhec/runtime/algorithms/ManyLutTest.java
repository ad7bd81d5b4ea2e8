package dev.fhec.runtime.algorithms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.runtime.TestKeys;
import dev.fhec.runtime.circuit.LookupTable;
import dev.fhec.runtime.entities.LweCiphertext;
import dev.fhec.runtime.entities.LweSecretKey;
import dev.fhec.runtime.params.NoiseModel;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.ParameterSets;
import dev.fhec.runtime.random.Csprng;
import dev.fhec.runtime.random.Seed;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The interleaved many-LUT ({@link LutAccumulator#interleaved}): F functions of one input from one
 * blind rotation decrypt to exactly what F separate bootstraps give, for every input; and the input
 * needs the noise margin of a (w + log2 F)-bit lookup (CLOT21, ePrint 2021/729), checked by
 * counting failures on a deliberately noisy set.
 */
class ManyLutTest {

  /**
   * Every input of width w, F random tables (signed or unsigned input and output): the many-LUT's
   * output j decrypts to table j's entry and to what a separate lookup of table j decrypts to.
   * Returns the number of many-LUT bootstraps.
   */
  static int exhaustive(ParameterSet p, int w, int f, int outWidth, long seed) {
    TestKeys.Pair keys = TestKeys.of(p);
    LweSecretKey big = keys.client().bigLweKey();
    BatchBootstrap batch =
        new BatchBootstrap(keys.evaluation().keyswitchKey(), keys.evaluation().bootstrapKey());
    ProgrammableBootstrap pbs = batch.worker();
    Random r = new Random(seed);
    Csprng mask = Csprng.of(Seed.ofLong(seed), 0);
    Csprng noise = Csprng.of(Seed.ofLong(seed), 1);
    int count = 0;
    for (boolean signedIn : new boolean[] {false, true}) {
      boolean signedOut = r.nextBoolean();
      long lo = signedOut ? -(1L << (outWidth - 1)) : 0;
      List<long[]> tables = new ArrayList<>();
      for (int t = 0; t < f; t++) {
        long[] e = new long[1 << w];
        for (int i = 0; i < e.length; i++) {
          e[i] = lo + r.nextInt(1 << outWidth);
        }
        tables.add(e);
      }
      LutAccumulator many = LutAccumulator.interleaved(tables, w, signedIn, outWidth, p.bigN());
      long offset = signedIn ? 1L << (w - 1) : 0;
      for (int i = 0; i < 1 << w; i++) {
        LweCiphertext in =
            LweEncryption.encrypt(
                big, Encoding.encode(i - offset, w), p.glweNoiseStd(), mask, noise);
        LweCiphertext[] outs = pbs.applyMany(in, many);
        count++;
        for (int t = 0; t < f; t++) {
          LweCiphertext single =
              pbs.apply(
                  in,
                  LutAccumulator.of(new LookupTable(tables.get(t)), signedIn, outWidth, p.bigN()));
          long separate = LweEncryption.decrypt(big, single, outWidth);
          long fused = LweEncryption.decrypt(big, outs[t], outWidth);
          String where = p.name() + " w=" + w + " F=" + f + " signed=" + signedIn + " index " + i;
          assertEquals(tables.get(t)[i], separate, where + " separate table " + t);
          assertEquals(separate, fused, where + " many-LUT table " + t);
        }
      }
    }
    return count;
  }

  @Test
  void twoAndFourTablesEqualSeparateLookupsOnEveryInputOfToyN512() {
    // N = 512: up to 9 bits of boxes; w + log2 F ≤ 6 keeps the toy set's margin.
    assertEquals(2 * 16, exhaustive(ParameterSets.TOY_N512, 4, 2, 5, 11));
    assertEquals(2 * 8, exhaustive(ParameterSets.TOY_N512, 3, 4, 4, 12));
    assertEquals(2 * 4, exhaustive(ParameterSets.TOY_N512, 2, 8, 3, 13));
  }

  @Test
  void oneTableIsTheOrdinaryLayout() {
    long[] t = new long[16];
    for (int i = 0; i < t.length; i++) {
      t[i] = (i * 7) % 16 - 8;
    }
    LutAccumulator a = LutAccumulator.interleaved(List.of(t), 4, true, 5, 256);
    LutAccumulator b = LutAccumulator.of(new LookupTable(t), true, 5, 256);
    assertEquals(
        java.util.Arrays.toString(b.polynomial()), java.util.Arrays.toString(a.polynomial()));
  }

  @Test
  void refusesMoreBoxesThanCoefficients() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LutAccumulator.interleaved(List.of(new long[32], new long[32]), 5, false, 4, 32));
    assertTrue(e.getMessage().contains("N >= 2^6"), e.getMessage());
  }

  /**
   * The failure rate of a many-LUT on TOY_NOISY against erfc at precision w + log2 F: 2 tables of a
   * 2-bit input fail like a 3-bit lookup (same box), 2 tables of a 3-bit input like a 4-bit one.
   */
  @Test
  void failureRateIsThatOfALookupWithLog2FMoreBits() {
    ParameterSet p = ParameterSets.TOY_NOISY;
    TestKeys.Pair keys = TestKeys.of(p);
    LweSecretKey big = keys.client().bigLweKey();
    BatchBootstrap batch =
        new BatchBootstrap(keys.evaluation().keyswitchKey(), keys.evaluation().bootstrapKey());
    NoiseModel.Breakdown b = NoiseModel.breakdown(p);
    double variance = p.glweNoiseStd() * p.glweNoiseStd() + b.keyswitch() + b.modulusSwitch();
    int trials = 1500;
    for (int[] wf : new int[][] {{2, 2}, {3, 2}, {2, 4}}) {
      int w = wf[0];
      int f = wf[1];
      int extra = Integer.numberOfTrailingZeros(f);
      double predicted = NoiseModel.errorProbability(w + extra, variance);
      double naive = NoiseModel.errorProbability(w, variance);
      // f_j(m) = m + j + 1 at width w + 3: a box off, one way or the other, decodes wrongly.
      int outWidth = w + 3;
      List<long[]> tables = new ArrayList<>();
      for (int j = 0; j < f; j++) {
        long[] e = new long[1 << w];
        for (int i = 0; i < e.length; i++) {
          e[i] = i + j + 1;
        }
        tables.add(e);
      }
      LutAccumulator lut = LutAccumulator.interleaved(tables, w, false, outWidth, p.bigN());
      Random r = new Random(31 + w * 10 + f);
      Csprng mask = Csprng.of(Seed.ofLong(32 + w), 0);
      Csprng noise = Csprng.of(Seed.ofLong(33 + f), 0);
      LweCiphertext[] in = new LweCiphertext[trials];
      int[] m = new int[trials];
      LweCiphertext[][] outs = new LweCiphertext[trials][];
      for (int i = 0; i < trials; i++) {
        m[i] = r.nextInt(1 << w);
        in[i] = LweEncryption.encrypt(big, Encoding.encode(m[i], w), p.glweNoiseStd(), mask, noise);
        outs[i] = new LweCiphertext[f];
        for (int j = 0; j < f; j++) {
          outs[i][j] = new LweCiphertext(p.bigLweDimension());
        }
      }
      LutAccumulator[] luts = new LutAccumulator[trials];
      java.util.Arrays.fill(luts, lut);
      batch.worker().applyBatch(in, luts, outs, trials);
      int failures = 0;
      for (int i = 0; i < trials; i++) {
        boolean wrong = false;
        for (int j = 0; j < f; j++) {
          wrong |= LweEncryption.decrypt(big, outs[i][j], outWidth) != tables.get(j)[m[i]];
        }
        failures += wrong ? 1 : 0;
      }
      double mean = trials * predicted;
      double sd = Math.sqrt(trials * predicted * (1 - predicted));
      System.out.printf(
          "%s many-LUT w=%d F=%d: %d failures in %d, predicted %.1f ± %.1f at %d bits"
              + " (p = %.4f; %.4f at %d bits)%n",
          p.name(), w, f, failures, trials, mean, sd, w + extra, predicted, naive, w);
      assertEquals(mean, failures, 4.5 * sd, "failures at w=" + w + " F=" + f);
    }
  }

  /** A real 128-bit set (tfhe-rs 2_2, p_error 2^−64 at 4 bits): every input, F = 2 and F = 4. */
  @Tag("slow")
  @Test
  void exhaustiveOnARealSet() {
    assertEquals(2 * 8, exhaustive(ParameterSets.TFHE_RS_M2C2_GAUSSIAN_2M64, 3, 2, 4, 21));
    assertEquals(2 * 4, exhaustive(ParameterSets.TFHE_RS_M2C2_GAUSSIAN_2M64, 2, 4, 4, 22));
  }
}
