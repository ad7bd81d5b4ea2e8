package dev.fhec.runtime.algorithms;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Measured noise against {@link NoiseModel} (Concrete's formulas, written independently by the
 * optimizer's author): keyswitch and PBS output variances within a factor 2, and an observed
 * failure rate within binomial bounds of the predicted error probability.
 */
class NoiseTest {

  /** Variance (torus-normalized) of KS output errors for {@code samples} fresh inputs. */
  static double measuredKeyswitchVariance(ParameterSet p, int samples) {
    TestKeys.Pair keys = TestKeys.of(p);
    Keyswitch ks = new Keyswitch(keys.evaluation().keyswitchKey());
    LweSecretKey big = keys.client().bigLweKey();
    LweSecretKey small = keys.client().lweKey();
    Csprng mask = Csprng.of(Seed.ofLong(21), 0);
    Csprng noise = Csprng.of(Seed.ofLong(22), 0);
    Random r = new Random(23);
    double sumSq = 0;
    LweCiphertext out = new LweCiphertext(p.n());
    for (int i = 0; i < samples; i++) {
      long pt = Encoding.encode(r.nextInt(16), 4);
      LweCiphertext in = LweEncryption.encrypt(big, pt, p.glweNoiseStd(), mask, noise);
      ks.apply(in.data(), 0, out.data(), 0);
      double e = (LweEncryption.phase(small, out) - pt) * 0x1.0p-64;
      sumSq += e * e;
    }
    return sumSq / samples;
  }

  /**
   * Variance of PBS output errors: KS + PBS of random {@code width}-bit inputs (a width the set can
   * bootstrap without failures) through a random table.
   */
  static double measuredBootstrapVariance(ParameterSet p, int samples, int width) {
    int values = 1 << width;
    TestKeys.Pair keys = TestKeys.of(p);
    LweSecretKey big = keys.client().bigLweKey();
    BatchBootstrap batch =
        new BatchBootstrap(keys.evaluation().keyswitchKey(), keys.evaluation().bootstrapKey());
    Random r = new Random(24);
    long[] table = new long[values];
    for (int i = 0; i < values; i++) {
      table[i] = r.nextInt(values);
    }
    LutAccumulator lut = LutAccumulator.of(new LookupTable(table), false, width, p.bigN());
    Csprng mask = Csprng.of(Seed.ofLong(25), 0);
    Csprng noise = Csprng.of(Seed.ofLong(26), 0);
    LweCiphertext[] in = new LweCiphertext[samples];
    int[] m = new int[samples];
    for (int i = 0; i < samples; i++) {
      m[i] = r.nextInt(values);
      in[i] =
          LweEncryption.encrypt(big, Encoding.encode(m[i], width), p.glweNoiseStd(), mask, noise);
    }
    LweCiphertext[] out = batch.apply(in, i -> lut, null);
    double sumSq = 0;
    for (int i = 0; i < samples; i++) {
      double e =
          (LweEncryption.phase(big, out[i]) - Encoding.encode(table[m[i]], width)) * 0x1.0p-64;
      sumSq += e * e;
    }
    return sumSq / samples;
  }

  static void assertWithinFactorTwo(double predicted, double measured, String what) {
    double ratio = measured / predicted;
    System.out.printf(
        "%s: measured 2^%.2f, predicted 2^%.2f, ratio %.3f%n",
        what, Math.log(measured) / Math.log(2), Math.log(predicted) / Math.log(2), ratio);
    assertTrue(ratio > 0.5 && ratio < 2, what + ": measured/predicted = " + ratio);
  }

  @Test
  void keyswitchVarianceMatchesTheFormulaWhenTruncationDominates() {
    ParameterSet p = ParameterSets.TOY_N256;
    double predicted =
        NoiseModel.keyswitch(
            p.bigLweDimension(),
            p.ks().baseLog(),
            p.ks().levels(),
            p.lweNoiseStd() * p.lweNoiseStd());
    assertWithinFactorTwo(predicted, measuredKeyswitchVariance(p, 4000), p.name() + " KS");
  }

  @Test
  void keyswitchVarianceMatchesTheFormulaWhenTheKeyDominates() {
    ParameterSet p = ParameterSets.TOY_NOISY;
    double predicted =
        NoiseModel.keyswitch(
            p.bigLweDimension(),
            p.ks().baseLog(),
            p.ks().levels(),
            p.lweNoiseStd() * p.lweNoiseStd());
    assertWithinFactorTwo(predicted, measuredKeyswitchVariance(p, 4000), p.name() + " KS");
  }

  @Test
  void bootstrapOutputVarianceMatchesTheFormula() {
    ParameterSet p = ParameterSets.TOY_NOISY_BSK;
    double predicted = NoiseModel.breakdown(p).blindRotation();
    assertWithinFactorTwo(predicted, measuredBootstrapVariance(p, 200, 3), p.name() + " PBS");
  }

  @Test
  void observedFailureRateMatchesThePrediction() {
    ParameterSet p = ParameterSets.TOY_NOISY;
    int width = 3;
    NoiseModel.Breakdown b = NoiseModel.breakdown(p);
    double fresh = p.glweNoiseStd() * p.glweNoiseStd();
    double predicted =
        NoiseModel.errorProbability(width, fresh + b.keyswitch() + b.modulusSwitch());
    assertTrue(predicted > 1e-2 && predicted < 1e-1, "predicted " + predicted);

    TestKeys.Pair keys = TestKeys.of(p);
    LweSecretKey big = keys.client().bigLweKey();
    BatchBootstrap batch =
        new BatchBootstrap(keys.evaluation().keyswitchKey(), keys.evaluation().bootstrapKey());
    assertFailureRate(p, width, big, batch, predicted, 27, p.name());
  }

  /**
   * Runs 1,500 lookups of f(m) = m + 1 at 4 bits (every wrong box, the negacyclic wrap included,
   * decodes wrongly) through {@code batch} and asserts the failure count is the binomial count of
   * {@code predicted} within 4.5 standard deviations (a false alarm about once in 150,000 runs).
   * Randomness from {@code seed}, {@code seed + 1}, {@code seed + 2}.
   */
  static void assertFailureRate(
      ParameterSet p,
      int width,
      LweSecretKey big,
      BatchBootstrap batch,
      double predicted,
      long seed,
      String label) {
    long[] table = new long[8];
    for (int i = 0; i < 8; i++) {
      table[i] = i + 1;
    }
    LutAccumulator lut = LutAccumulator.of(new LookupTable(table), false, 4, p.bigN());
    int trials = 1500;
    Random r = new Random(seed);
    Csprng mask = Csprng.of(Seed.ofLong(seed + 1), 0);
    Csprng noise = Csprng.of(Seed.ofLong(seed + 2), 0);
    int[] m = new int[trials];
    LweCiphertext[] in = new LweCiphertext[trials];
    for (int i = 0; i < trials; i++) {
      m[i] = r.nextInt(8);
      in[i] =
          LweEncryption.encrypt(big, Encoding.encode(m[i], width), p.glweNoiseStd(), mask, noise);
    }
    LweCiphertext[] out = batch.apply(in, i -> lut, null);
    int failures = 0;
    for (int i = 0; i < trials; i++) {
      if (LweEncryption.decrypt(big, out[i], 4) != table[m[i]]) {
        failures++;
      }
    }
    double mean = trials * predicted;
    double sd = Math.sqrt(trials * predicted * (1 - predicted));
    System.out.printf(
        "%s: %d failures in %d lookups, predicted %.1f ± %.1f (p = %.4f)%n",
        label, failures, trials, mean, sd, predicted);
    assertEquals(mean, failures, 4.5 * sd, "failures");
  }
}
