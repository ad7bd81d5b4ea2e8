package dev.fhec.runtime.algorithms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.runtime.TestKeys;
import dev.fhec.runtime.circuit.LookupTable;
import dev.fhec.runtime.entities.LweCiphertext;
import dev.fhec.runtime.entities.LweSecretKey;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.ParameterSets;
import dev.fhec.runtime.random.Csprng;
import dev.fhec.runtime.random.Seed;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProgrammableBootstrapTest {

  /**
   * Every input of a random table, for every input precision 1..maxWidth, signed and unsigned
   * inputs, random output widths up to {@code maxOutputWidth}, signed or unsigned outputs. Returns
   * the number of bootstraps.
   */
  static int exhaustive(ParameterSet p, int minWidth, int maxWidth, long seed) {
    return exhaustive(p, minWidth, maxWidth, seed, 8);
  }

  static int exhaustive(ParameterSet p, int minWidth, int maxWidth, long seed, int maxOutputWidth) {
    TestKeys.Pair keys = TestKeys.of(p);
    LweSecretKey big = keys.client().bigLweKey();
    BatchBootstrap batch =
        new BatchBootstrap(keys.evaluation().keyswitchKey(), keys.evaluation().bootstrapKey());
    Random r = new Random(seed);
    Csprng mask = Csprng.of(Seed.ofLong(seed), 0);
    Csprng noise = Csprng.of(Seed.ofLong(seed), 1);
    int count = 0;
    for (int w = minWidth; w <= maxWidth; w++) {
      boolean signedIn = (w % 2 == 0);
      boolean signedOut = r.nextBoolean();
      int outWidth = 1 + r.nextInt(maxOutputWidth);
      long lo = signedOut ? -(1L << (outWidth - 1)) : 0;
      long span = 1L << outWidth;
      long[] entries = new long[1 << w];
      for (int i = 0; i < entries.length; i++) {
        entries[i] = lo + (long) (r.nextDouble() * span);
      }
      LutAccumulator lut =
          LutAccumulator.of(new LookupTable(entries), signedIn, outWidth, p.bigN());
      LweCiphertext[] in = new LweCiphertext[entries.length];
      long offset = signedIn ? 1L << (w - 1) : 0;
      for (int i = 0; i < entries.length; i++) {
        in[i] =
            LweEncryption.encrypt(
                big, Encoding.encode(i - offset, w), p.glweNoiseStd(), mask, noise);
      }
      LweCiphertext[] out = batch.apply(in, i -> lut, null);
      for (int i = 0; i < entries.length; i++) {
        assertEquals(
            entries[i],
            LweEncryption.decrypt(big, out[i], outWidth),
            p.name() + " width " + w + (signedIn ? " signed" : "") + " input index " + i);
      }
      count += entries.length;
    }
    return count;
  }

  @Test
  void exhaustiveRandomTablesUpToFourBitsOnToyN256() {
    exhaustive(ParameterSets.TOY_N256, 1, 4, 1);
  }

  @Test
  void exhaustiveRandomTablesUpToSixBitsOnToyN512() {
    exhaustive(ParameterSets.TOY_N512, 1, 6, 2);
  }

  @Test
  void exhaustiveRandomTablesWithKTwoAndTwoLevels() {
    exhaustive(ParameterSets.TOY_K2_L2, 1, 3, 3);
  }

  @Test
  void manyLutEvaluatesSeveralTablesInOneBootstrap() {
    ParameterSet p = ParameterSets.TOY_N512;
    TestKeys.Pair keys = TestKeys.of(p);
    LweSecretKey big = keys.client().bigLweKey();
    ProgrammableBootstrap pbs =
        new ProgrammableBootstrap(
            keys.evaluation().keyswitchKey(),
            keys.evaluation().bootstrapKey(),
            FftProvider.create(p.bigN()));
    int w = 4;
    int f = 4;
    Random r = new Random(4);
    List<long[]> tables = new ArrayList<>();
    for (int t = 0; t < f; t++) {
      long[] e = new long[(1 << w) / f];
      for (int i = 0; i < e.length; i++) {
        e[i] = r.nextInt(16) - 8;
      }
      tables.add(e);
    }
    LutAccumulator lut = LutAccumulator.many(tables, w, false, 5, p.bigN());
    Csprng mask = Csprng.of(Seed.ofLong(5), 0);
    Csprng noise = Csprng.of(Seed.ofLong(5), 1);
    for (int x = 0; x < (1 << w) / f; x++) {
      LweCiphertext in =
          LweEncryption.encrypt(big, Encoding.encode(x, w), p.glweNoiseStd(), mask, noise);
      LweCiphertext[] outs = pbs.applyMany(in, lut);
      for (int t = 0; t < f; t++) {
        assertEquals(tables.get(t)[x], LweEncryption.decrypt(big, outs[t], 5), "table " + t);
      }
    }
  }

  @Test
  void outputsCanFeedTheNextBootstrap() {
    ParameterSet p = ParameterSets.TOY_N256;
    TestKeys.Pair keys = TestKeys.of(p);
    LweSecretKey big = keys.client().bigLweKey();
    BatchBootstrap batch =
        new BatchBootstrap(keys.evaluation().keyswitchKey(), keys.evaluation().bootstrapKey());
    ProgrammableBootstrap pbs = batch.worker();
    long[] inc = new long[8];
    for (int i = 0; i < 8; i++) {
      inc[i] = (i + 3) % 8;
    }
    LutAccumulator lut = LutAccumulator.of(new LookupTable(inc), false, 3, p.bigN());
    LweCiphertext c =
        LweEncryption.encrypt(
            big,
            Encoding.encode(2, 3),
            p.glweNoiseStd(),
            Csprng.of(Seed.ofLong(6), 0),
            Csprng.of(Seed.ofLong(6), 1));
    long expected = 2;
    for (int step = 0; step < 10; step++) {
      c = pbs.apply(c, lut);
      expected = (expected + 3) % 8;
      assertEquals(expected, LweEncryption.decrypt(big, c, 3), "step " + step);
    }
  }

  @Test
  void refusesTablesWiderThanThePolynomial() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LutAccumulator.of(new LookupTable(new long[512]), false, 4, 256));
    assertTrue(e.getMessage().contains("N >= 2^9"), e.getMessage());
  }
}
