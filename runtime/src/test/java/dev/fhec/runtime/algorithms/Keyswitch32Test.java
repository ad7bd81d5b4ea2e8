package dev.fhec.runtime.algorithms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.runtime.TestKeys;
import dev.fhec.runtime.circuit.LookupTable;
import dev.fhec.runtime.entities.LweCiphertext;
import dev.fhec.runtime.entities.LweSecretKey;
import dev.fhec.runtime.params.Decomposition;
import dev.fhec.runtime.params.GlweDimension;
import dev.fhec.runtime.params.LweDimension;
import dev.fhec.runtime.params.NoiseModel;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.ParameterSets;
import dev.fhec.runtime.params.PolynomialSize;
import dev.fhec.runtime.random.Csprng;
import dev.fhec.runtime.random.Seed;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The 32-bit keyswitch against its noise formula ({@link Keyswitch32#variance}), the batch against
 * the one-at-a-time path, KS32 feeding the blind rotation on every input of a table (alone and
 * through {@link BatchBootstrap}), and the failure rate of KS32 lookups against the prediction.
 */
class Keyswitch32Test {

  /**
   * KS 2^8 × 4 (bℓ = 32, the most a 32-bit output allows) with a nearly noiseless key: the rounded
   * key's term ℓ·n_in·(B² + 2)/12·(1 + n/2)/12·2^−64 dominates, about 2^9 times the 64-bit
   * keyswitch variance, so the measurement sees what is new in the formula.
   */
  static final ParameterSet TOY_KS32_ROUNDING =
      new ParameterSet(
          "TOY_KS32_ROUNDING",
          new LweDimension(64),
          new GlweDimension(1),
          new PolynomialSize(256),
          new Decomposition(18, 1),
          new Decomposition(8, 4),
          Math.pow(2, -45),
          Math.pow(2, -45));

  private static double measuredVariance(ParameterSet p, int samples) {
    TestKeys.Pair keys = TestKeys.of(p);
    Keyswitch32 ks = Keyswitch32.of(keys.evaluation().keyswitchKey());
    LweSecretKey big = keys.client().bigLweKey();
    LweSecretKey small = keys.client().lweKey();
    Csprng mask = Csprng.of(Seed.ofLong(31), 0);
    Csprng noise = Csprng.of(Seed.ofLong(32), 0);
    Random r = new Random(33);
    int[] out = new int[p.n() + 1];
    LweCiphertext wide = new LweCiphertext(p.n());
    double sumSq = 0;
    for (int i = 0; i < samples; i++) {
      long pt = Encoding.encode(r.nextInt(16), 4);
      LweCiphertext in = LweEncryption.encrypt(big, pt, p.glweNoiseStd(), mask, noise);
      ks.apply(in.data(), 0, out, 0);
      Keyswitch32.widen(out, wide.data(), p.n() + 1);
      double e = (LweEncryption.phase(small, wide) - pt) * 0x1.0p-64;
      sumSq += e * e;
    }
    return sumSq / samples;
  }

  private static double predicted(ParameterSet p) {
    return Keyswitch32.variance(
        p.bigLweDimension(),
        p.n(),
        p.ks().baseLog(),
        p.ks().levels(),
        p.lweNoiseStd() * p.lweNoiseStd());
  }

  @Test
  void varianceMatchesTheFormulaWhenTruncationDominates() {
    ParameterSet p = ParameterSets.TOY_N256;
    NoiseTest.assertWithinFactorTwo(predicted(p), measuredVariance(p, 4000), p.name() + " KS32");
  }

  @Test
  void varianceMatchesTheFormulaWhenTheKeyDominates() {
    ParameterSet p = ParameterSets.TOY_NOISY;
    NoiseTest.assertWithinFactorTwo(predicted(p), measuredVariance(p, 4000), p.name() + " KS32");
  }

  @Test
  void varianceMatchesTheFormulaWhenTheKeyRoundingDominates() {
    ParameterSet p = TOY_KS32_ROUNDING;
    double ks64 =
        NoiseModel.keyswitch(
            p.bigLweDimension(),
            p.ks().baseLog(),
            p.ks().levels(),
            p.lweNoiseStd() * p.lweNoiseStd());
    assertTrue(predicted(p) > 100 * ks64, "the rounding term must dominate this set");
    NoiseTest.assertWithinFactorTwo(predicted(p), measuredVariance(p, 4000), p.name() + " KS32");
  }

  @Test
  void batchIsBitIdenticalToOneAtATime() {
    for (ParameterSet p : new ParameterSet[] {ParameterSets.TOY_N256, ParameterSets.TOY_K2_L2}) {
      TestKeys.Pair keys = TestKeys.of(p);
      Keyswitch32 ks = Keyswitch32.of(keys.evaluation().keyswitchKey());
      Random r = new Random(34);
      int count = 13;
      long[][] ins = new long[count][p.bigLweDimension() + 1];
      int[][] outs = new int[count][p.n() + 1];
      for (long[] in : ins) {
        for (int i = 0; i < in.length; i++) {
          in[i] = r.nextLong();
        }
      }
      ks.applyBatch(ins, outs, count);
      int[] one = new int[p.n() + 1];
      for (int j = 0; j < count; j++) {
        ks.apply(ins[j], 0, one, 0);
        assertArrayEquals(one, outs[j], p.name() + " ciphertext " + j);
      }
    }
  }

  @Test
  void roundingToThirtyTwoBitsIsToTheNearest() {
    assertEquals(0, Keyswitch32.toTorus32(0x7FFF_FFFFL));
    assertEquals(1, Keyswitch32.toTorus32(0x8000_0000L));
    assertEquals(0, Keyswitch32.toTorus32(0xFFFF_FFFF_8000_0000L));
    assertEquals(-1, Keyswitch32.toTorus32(0xFFFF_FFFF_7FFF_FFFFL));
  }

  @Test
  void feedsTheBlindRotationOnEveryInput() {
    ParameterSet p = ParameterSets.TOY_N256;
    int width = 4;
    TestKeys.Pair keys = TestKeys.of(p);
    Keyswitch32 ks = Keyswitch32.of(keys.evaluation().keyswitchKey());
    ProgrammableBootstrap pbs =
        new ProgrammableBootstrap(
            keys.evaluation().keyswitchKey(),
            keys.evaluation().bootstrapKey(),
            FftProvider.create(p.bigN()));
    long[] table = new long[1 << width];
    for (int x = 0; x < table.length; x++) {
      table[x] = (3L * x + 5) % table.length;
    }
    LutAccumulator lut = LutAccumulator.of(new LookupTable(table), false, width, p.bigN());
    LweSecretKey big = keys.client().bigLweKey();
    Csprng mask = Csprng.of(Seed.ofLong(35), 0);
    Csprng noise = Csprng.of(Seed.ofLong(36), 0);
    int[] small32 = new int[p.n() + 1];
    long[] small = new long[p.n() + 1];
    LweCiphertext[] outs = {new LweCiphertext(p.bigLweDimension())};
    for (int x = 0; x < table.length; x++) {
      LweCiphertext in =
          LweEncryption.encrypt(big, Encoding.encode(x, width), p.glweNoiseStd(), mask, noise);
      ks.apply(in.data(), 0, small32, 0);
      Keyswitch32.widen(small32, small, p.n() + 1);
      pbs.bootstrap(small, lut, outs);
      assertEquals(table[x], LweEncryption.decrypt(big, outs[0], width), "input " + x);
    }
  }

  /**
   * KS32 → blind rotation through {@link BatchBootstrap} (what the executor runs for a 32-bit
   * keyswitch): batches and one at a time give the same bits, and the widened batch is the 32-bit
   * batch shifted up.
   */
  @Test
  void batchBootstrapOnThirtyTwoBitsMatchesOneAtATime() {
    ParameterSet p = ParameterSets.TOY_N256;
    int width = 4;
    TestKeys.Pair keys = TestKeys.of(p);
    Keyswitch32.Key rounded = Keyswitch32.round(keys.evaluation().keyswitchKey());
    BatchBootstrap batched =
        new BatchBootstrap(() -> new Keyswitch32(rounded), keys.evaluation().bootstrapKey(), 16);
    BatchBootstrap single =
        new BatchBootstrap(() -> new Keyswitch32(rounded), keys.evaluation().bootstrapKey(), 1);
    long[] table = new long[1 << width];
    for (int x = 0; x < table.length; x++) {
      table[x] = (5L * x + 3) % table.length;
    }
    LutAccumulator lut = LutAccumulator.of(new LookupTable(table), false, width, p.bigN());
    LweSecretKey big = keys.client().bigLweKey();
    Csprng mask = Csprng.of(Seed.ofLong(37), 0);
    Csprng noise = Csprng.of(Seed.ofLong(38), 0);
    int count = 3 * table.length;
    LweCiphertext[] in = new LweCiphertext[count];
    for (int i = 0; i < count; i++) {
      in[i] =
          LweEncryption.encrypt(
              big, Encoding.encode(i % table.length, width), p.glweNoiseStd(), mask, noise);
    }
    LweCiphertext[] a = batched.apply(in, i -> lut, null);
    LweCiphertext[] b = single.apply(in, i -> lut, null);
    for (int i = 0; i < count; i++) {
      assertArrayEquals(a[i].data(), b[i].data(), "element " + i);
      assertEquals(table[i % table.length], LweEncryption.decrypt(big, a[i], width), "input " + i);
    }
    Keyswitch32 ks = new Keyswitch32(rounded);
    long[][] ins = new long[count][];
    int[][] narrow = new int[count][p.n() + 1];
    long[][] wide = new long[count][p.n() + 1];
    for (int i = 0; i < count; i++) {
      ins[i] = in[i].data();
    }
    ks.applyBatch(ins, narrow, count);
    ks.applyBatch(ins, wide, count);
    long[] expected = new long[p.n() + 1];
    for (int i = 0; i < count; i++) {
      Keyswitch32.widen(narrow[i], expected, p.n() + 1);
      assertArrayEquals(expected, wide[i], "widened " + i);
    }
  }

  /**
   * The failure rate of KS32 → PBS on TOY_NOISY (KSK noise dominates; the regime of {@code
   * NoiseTest.observedFailureRateMatchesThePrediction}) against erfc of the 32-bit variances,
   * {@link NoiseModel#keyswitch32} + {@link NoiseModel#modulusSwitch32}.
   */
  @Test
  void observedFailureRateMatchesTheThirtyTwoBitPrediction() {
    ParameterSet p = ParameterSets.TOY_NOISY;
    int width = 3;
    double fresh = p.glweNoiseStd() * p.glweNoiseStd();
    double predicted =
        NoiseModel.errorProbability(
            width,
            fresh
                + NoiseModel.keyswitch32(
                    p.bigLweDimension(),
                    p.n(),
                    p.ks().baseLog(),
                    p.ks().levels(),
                    p.lweNoiseStd() * p.lweNoiseStd())
                + NoiseModel.modulusSwitch32(p.n(), p.bigN()));
    assertTrue(predicted > 1e-2 && predicted < 1e-1, "predicted " + predicted);
    TestKeys.Pair keys = TestKeys.of(p);
    LweSecretKey big = keys.client().bigLweKey();
    Keyswitch32.Key rounded = Keyswitch32.round(keys.evaluation().keyswitchKey());
    BatchBootstrap batch =
        new BatchBootstrap(() -> new Keyswitch32(rounded), keys.evaluation().bootstrapKey());
    NoiseTest.assertFailureRate(p, width, big, batch, predicted, 39, p.name() + " KS32");
  }
}
