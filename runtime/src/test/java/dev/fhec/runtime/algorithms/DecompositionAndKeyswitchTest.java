package dev.fhec.runtime.algorithms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.runtime.TestKeys;
import dev.fhec.runtime.entities.KeyswitchKey;
import dev.fhec.runtime.entities.LweCiphertext;
import dev.fhec.runtime.params.Decomposition;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.ParameterSets;
import dev.fhec.runtime.random.Csprng;
import dev.fhec.runtime.random.Seed;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DecompositionAndKeyswitchTest {
  @Test
  void digitsRecomposeWithinTheTruncationBoundAndStayBalanced() {
    Random r = new Random(1);
    int[][] shapes = {{1, 1}, {1, 20}, {3, 5}, {4, 4}, {10, 2}, {23, 1}, {15, 2}, {8, 8}, {2, 11}};
    for (int[] s : shapes) {
      Decomposer d = new Decomposer(new Decomposition(s[0], s[1]));
      long half = 1L << (s[0] - 1);
      int bits = s[0] * s[1];
      long[] digits = new long[s[1]];
      double sum = 0;
      int samples = 20_000;
      for (int t = 0; t < samples; t++) {
        long v = r.nextLong();
        d.decompose(v, digits, 0, 1);
        for (int level = 0; level < s[1]; level++) {
          long digit = digits[level];
          assertTrue(-half <= digit && digit <= half, "digit " + digit + " for base 2^" + s[0]);
          // The top digit ties at ±B/2 ≡ ∓B/2 (mod q) with no next digit to break the tie, so
          // only the lower levels are zero-mean.
          if (level > 0) {
            sum += digit;
          }
        }
        long err = v - d.recompose(digits, 0, 1);
        // |a − closest representable| ≤ 2^(64 − bℓ)/2 (mod 2^64, as a signed difference).
        if (bits < 64) {
          assertTrue(
              Math.abs((double) err) <= Math.scalb(1.0, 63 - bits),
              "error " + err + " for 2^" + s[0] + "x" + s[1]);
        } else {
          assertEquals(0, err);
        }
      }
      // Balanced digits are zero-mean: the mean is within 5 standard errors of 0.
      if (s[1] > 1) {
        double count = samples * (double) (s[1] - 1);
        double mean = sum / count;
        assertEquals(
            0.0, mean, 5 * half / Math.sqrt(count), "mean digit of 2^" + s[0] + "x" + s[1]);
      }
    }
  }

  @Test
  void polynomialDecompositionAgreesWithTheScalarOneModuloTheGadget() {
    Random r = new Random(2);
    int n = 64;
    int[][] shapes = {{1, 1}, {3, 5}, {23, 1}, {15, 2}, {8, 8}, {16, 4}, {4, 1}};
    for (int[] s : shapes) {
      Decomposer d = new Decomposer(new Decomposition(s[0], s[1]));
      long[] poly = new long[n];
      for (int i = 0; i < n; i++) {
        // Include values next to the rounding and wrap-around boundaries.
        poly[i] = i < 4 ? new long[] {-1L, Long.MIN_VALUE, Long.MAX_VALUE, 0}[i] : r.nextLong();
      }
      long[] digits = new long[s[1] * n];
      d.decomposePolynomial(poly, 0, n, digits, 0);
      long[] one = new long[s[1]];
      for (int i = 0; i < n; i++) {
        d.decompose(poly[i], one, 0, 1);
        // Same value modulo 2^64 (the top tie may be written as +B/2 or −B/2).
        assertEquals(d.recompose(one, 0, 1), d.recompose(digits, i, n), "2^" + s[0] + "x" + s[1]);
      }
    }
  }

  @Test
  void keyswitchOutputDecryptsUnderTheSmallKey() {
    for (ParameterSet p : new ParameterSet[] {ParameterSets.TOY_N256, ParameterSets.TOY_K2_L2}) {
      TestKeys.Pair keys = TestKeys.of(p);
      Keyswitch ks = new Keyswitch(keys.evaluation().keyswitchKey());
      Csprng mask = Csprng.of(Seed.ofLong(9), 0);
      Csprng noise = Csprng.of(Seed.ofLong(10), 0);
      int w = 5;
      for (long m = 0; m < 32; m++) {
        LweCiphertext in =
            LweEncryption.encrypt(
                keys.client().bigLweKey(), Encoding.encode(m, w), p.glweNoiseStd(), mask, noise);
        LweCiphertext out = new LweCiphertext(p.n());
        ks.apply(in.data(), 0, out.data(), 0);
        assertEquals(m, LweEncryption.decrypt(keys.client().lweKey(), out, w), p.name());
      }
    }
  }

  /**
   * The keyswitch (vector kernel when the JVM has the Vector API, as under Surefire) and its
   * batched form give exactly the bits of the formula out = (0, b) − Σ_i Σ_j d_ij·KSK[i][j]
   * evaluated by plain loops, on arbitrary u64 inputs.
   */
  @Test
  void keyswitchIsBitIdenticalToThePlainFormula() {
    for (ParameterSet p : new ParameterSet[] {ParameterSets.TOY_N256, ParameterSets.TOY_K2_L2}) {
      KeyswitchKey key = TestKeys.of(p).evaluation().keyswitchKey();
      int nIn = key.inputDimension();
      int n = key.outputDimension();
      int levels = key.decomposition().levels();
      Decomposer decomposer = new Decomposer(key.decomposition());
      Keyswitch ks = new Keyswitch(key);
      Random r = new Random(17);
      int count = 5;
      long[][] ins = new long[count][nIn + 1];
      long[][] batchOuts = new long[count][n + 1];
      for (long[] in : ins) {
        for (int i = 0; i <= nIn; i++) {
          in[i] = r.nextLong();
        }
      }
      ks.applyBatch(ins, batchOuts, count);
      for (int c = 0; c < count; c++) {
        long[] expected = new long[n + 1];
        expected[n] = ins[c][nIn];
        long[] digits = new long[levels];
        for (int i = 0; i < nIn; i++) {
          decomposer.decompose(ins[c][i], digits, 0, 1);
          for (int level = 0; level < levels; level++) {
            for (int j = 0; j <= n; j++) {
              expected[j] -= digits[level] * key.data()[key.offset(i, level) + j];
            }
          }
        }
        long[] out = new long[n + 3];
        ks.apply(ins[c], 0, out, 2);
        assertArrayEquals(expected, java.util.Arrays.copyOfRange(out, 2, n + 3), p.name());
        assertArrayEquals(expected, batchOuts[c], p.name() + " batch");
      }
    }
  }
}
