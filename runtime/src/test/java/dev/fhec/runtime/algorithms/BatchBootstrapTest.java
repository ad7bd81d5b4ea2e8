package dev.fhec.runtime.algorithms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fhec.runtime.TestKeys;
import dev.fhec.runtime.circuit.LookupTable;
import dev.fhec.runtime.entities.FourierBootstrapKey;
import dev.fhec.runtime.entities.KeyswitchKey;
import dev.fhec.runtime.entities.LweCiphertext;
import dev.fhec.runtime.entities.LweSecretKey;
import dev.fhec.runtime.fft.NegacyclicFft;
import dev.fhec.runtime.params.Decomposition;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.ParameterSets;
import dev.fhec.runtime.random.Csprng;
import dev.fhec.runtime.random.Seed;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The batched paths (keyswitch, blind rotation, KS + PBS) give the same ciphertexts, bit for bit,
 * as one bootstrap after another, and the fused CMux of {@link BlindRotation} gives the same
 * accumulators as the unfused reference (rotate, subtract, decompose, zeroed Fourier sum).
 */
class BatchBootstrapTest {

  @Test
  void fusedRotationDifferenceDigitsEqualRotateThenDecompose() {
    Random r = new Random(7);
    int n = 64;
    int[][] decompositions = {{23, 1}, {15, 2}, {12, 2}, {9, 3}, {4, 4}, {16, 4}, {8, 8}, {1, 64}};
    for (int[] bl : decompositions) {
      Decomposer fused = new Decomposer(new Decomposition(bl[0], bl[1]));
      Decomposer plain = new Decomposer(new Decomposition(bl[0], bl[1]));
      long[] poly = new long[3 * n];
      for (int i = 0; i < poly.length; i++) {
        poly[i] = r.nextLong();
      }
      long[] difference = new long[n];
      long[] expected = new long[bl[1] * n];
      long[] got = new long[bl[1] * n];
      double[] gotDoubles = new double[bl[1] * n];
      for (int t = 0; t < 2 * n; t++) {
        Polynomials.monomialMulMinusOne(poly, n, difference, 0, n, t);
        plain.decomposePolynomial(difference, 0, n, expected, 0);
        fused.decomposeRotationDifference(poly, n, n, t, got, 0);
        assertArrayEquals(expected, got, "B=2^" + bl[0] + " ℓ=" + bl[1] + " t=" + t);
        fused.decomposeRotationDifference(poly, n, n, t, gotDoubles, 0);
        for (int j = 0; j < expected.length; j++) {
          assertEquals((double) expected[j], gotDoubles[j], "doubles B=2^" + bl[0] + " t=" + t);
        }
      }
    }
  }

  /**
   * The vectorized two-level path into doubles (one pass into out and an int[] for the high digit)
   * against rotate-then-decompose, at a size where C2 compiles the loops, at an offset into the
   * output, on coefficients built from digits at the carry boundaries (0, 1, B/2 − 1, B/2, B/2 + 1,
   * B − 1) and rounding bits at exactly one half, where a wrong carry would show.
   */
  @Test
  void twoLevelDigitsAsDoublesEqualReferenceAtCarryBoundaries() {
    Random r = new Random(11);
    int n = 1024;
    for (int b : new int[] {15, 12, 10, 23, 31}) {
      Decomposer fused = new Decomposer(new Decomposition(b, 2));
      Decomposer plain = new Decomposer(new Decomposition(b, 2));
      long base = 1L << b;
      long[] special = {0, 1, base / 2 - 1, base / 2, base / 2 + 1, base - 1};
      int shift = 64 - 2 * b;
      long[] poly = new long[2 * n];
      for (int i = 0; i < poly.length; i++) {
        long hi = special[r.nextInt(special.length)];
        long lo = special[r.nextInt(special.length)];
        long rest = r.nextBoolean() ? 1L << (shift - 1) : r.nextLong() >>> (64 - shift);
        poly[i] = r.nextInt(4) == 0 ? r.nextLong() : (hi << (64 - b)) | (lo << shift) | rest;
      }
      long[] difference = new long[n];
      long[] expected = new long[2 * n];
      int off = 3 * n;
      double[] got = new double[off + 2 * n];
      for (int t = 0; t < 2 * n; t++) {
        Polynomials.monomialMulMinusOne(poly, n, difference, 0, n, t);
        plain.decomposePolynomial(difference, 0, n, expected, 0);
        fused.decomposeRotationDifference(poly, n, n, t, got, off);
        for (int j = 0; j < expected.length; j++) {
          if ((double) expected[j] != got[off + j]) {
            assertEquals((double) expected[j], got[off + j], "B=2^" + b + " t=" + t + " j=" + j);
          }
        }
      }
    }
  }

  @Test
  void batchedKeyswitchEqualsOneAtATime() {
    TestKeys.Pair keys = TestKeys.of(ParameterSets.TOY_N512);
    KeyswitchKey ksk = keys.evaluation().keyswitchKey();
    Keyswitch ks = new Keyswitch(ksk);
    Random r = new Random(3);
    for (int count : new int[] {1, 2, 5, 16}) {
      long[][] ins = new long[count][ksk.inputDimension() + 1];
      long[][] outs = new long[count][ksk.outputDimension() + 1];
      for (long[] in : ins) {
        for (int i = 0; i < in.length; i++) {
          in[i] = r.nextLong();
        }
      }
      for (long[] out : outs) {
        Arrays.fill(out, 12345L); // stale contents must be overwritten
      }
      ks.applyBatch(ins, outs, count);
      for (int j = 0; j < count; j++) {
        long[] expected = new long[ksk.outputDimension() + 1];
        ks.apply(ins[j], 0, expected, 0);
        assertArrayEquals(expected, outs[j], "batch of " + count + ", ciphertext " + j);
      }
    }
  }

  @Test
  void fusedBlindRotationEqualsTheUnfusedReferenceOnToySets() {
    for (ParameterSet p :
        new ParameterSet[] {
          ParameterSets.TOY_N256, ParameterSets.TOY_K2_L2, ParameterSets.TOY_N2048
        }) {
      assertFusedEqualsReference(p, 3);
    }
  }

  /** k = 2, ℓ = 1: an odd number of Fourier terms per column (one pair, one single product). */
  @Test
  @Tag("slow")
  void fusedBlindRotationEqualsTheUnfusedReferenceWithThreeTerms() {
    assertFusedEqualsReference(ParameterSets.CONCRETE_V0_P4, 1);
  }

  @Test
  void batchesOfSeveralSizesEqualOneAtATimeOnToySets() {
    for (ParameterSet p :
        new ParameterSet[] {
          ParameterSets.TOY_N256, ParameterSets.TOY_K2_L2, ParameterSets.TOY_N512
        }) {
      assertBatchesEqualOneAtATime(p, 3, 21, new int[] {2, 3, 8, 16, 21});
    }
  }

  /** A real 1-bit set with k = 5, N = 256 and the 4-bit tfhe-rs set (k = 1, N = 2048). */
  @Test
  @Tag("slow")
  void batchesEqualOneAtATimeOnRealSets() {
    assertFusedEqualsReference(ParameterSets.CONCRETE_V0_P1, 2);
    assertBatchesEqualOneAtATime(ParameterSets.CONCRETE_V0_P1, 1, 9, new int[] {4, 9});
    assertFusedEqualsReference(ParameterSets.TFHE_RS_M2C2_GAUSSIAN_2M64, 2);
    assertBatchesEqualOneAtATime(ParameterSets.TFHE_RS_M2C2_GAUSSIAN_2M64, 4, 6, new int[] {3, 6});
  }

  @Test
  void batchSizeFromTheCacheIsBetweenOneAndSixteen() {
    for (ParameterSet p :
        new ParameterSet[] {
          ParameterSets.TOY_N256, ParameterSets.TOY_K2_L2, ParameterSets.TOY_N2048
        }) {
      int b = BatchBootstrap.batchSize(TestKeys.of(p).evaluation().bootstrapKey());
      assertEquals(true, b >= 1 && b <= 16, p.name() + ": " + b);
    }
  }

  private static LweCiphertext[] inputs(ParameterSet p, int count, int width, long seed) {
    LweSecretKey big = TestKeys.of(p).client().bigLweKey();
    Csprng mask = Csprng.of(Seed.ofLong(seed), 0);
    Csprng noise = Csprng.of(Seed.ofLong(seed), 1);
    LweCiphertext[] in = new LweCiphertext[count];
    for (int i = 0; i < count; i++) {
      in[i] =
          LweEncryption.encrypt(
              big, Encoding.encode(i % (1 << width), width), p.glweNoiseStd(), mask, noise);
    }
    return in;
  }

  private static void assertBatchesEqualOneAtATime(
      ParameterSet p, int width, int count, int[] batchSizes) {
    TestKeys.Pair keys = TestKeys.of(p);
    KeyswitchKey ksk = keys.evaluation().keyswitchKey();
    FourierBootstrapKey bsk = keys.evaluation().bootstrapKey();
    LweCiphertext[] in = inputs(p, count, width, 11);
    // Different tables per ciphertext, as a tensor instruction with per-element tables has.
    LutAccumulator[] luts = new LutAccumulator[count];
    for (int i = 0; i < count; i++) {
      long[] entries = new long[1 << width];
      for (int x = 0; x < entries.length; x++) {
        entries[x] = (x * x + i) % (1 << width);
      }
      luts[i] = LutAccumulator.of(new LookupTable(entries), false, width, p.bigN());
    }
    LweCiphertext[] expected = new BatchBootstrap(ksk, bsk, 1).apply(in, i -> luts[i], null);
    LweSecretKey big = keys.client().bigLweKey();
    for (int i = 0; i < count; i++) {
      long x = i % (1 << width);
      assertEquals((x * x + i) % (1 << width), LweEncryption.decrypt(big, expected[i], width));
    }
    for (int b : batchSizes) {
      java.util.concurrent.atomic.AtomicLong calls = new java.util.concurrent.atomic.AtomicLong();
      java.util.concurrent.atomic.AtomicLong maxDone = new java.util.concurrent.atomic.AtomicLong();
      LweCiphertext[] got =
          new BatchBootstrap(ksk, bsk, b)
              .apply(
                  in,
                  i -> luts[i],
                  d -> {
                    calls.incrementAndGet();
                    maxDone.accumulateAndGet(d, Math::max);
                  });
      assertEquals(count, calls.get(), "progress calls, B=" + b);
      assertEquals(count, maxDone.get(), "progress total, B=" + b);
      // A worker's direct batch too (the parallel split may shrink chunks).
      LweCiphertext[][] outs = new LweCiphertext[Math.min(b, count)][];
      for (int j = 0; j < outs.length; j++) {
        outs[j] = new LweCiphertext[] {new LweCiphertext(bsk.glweDimension() * p.bigN())};
      }
      new ProgrammableBootstrap(ksk, bsk, FftProvider.create(p.bigN()))
          .applyBatch(in, luts, outs, outs.length);
      for (int i = 0; i < count; i++) {
        assertArrayEquals(
            expected[i].data(), got[i].data(), p.name() + " B=" + b + " ciphertext " + i);
      }
      for (int j = 0; j < outs.length; j++) {
        assertArrayEquals(
            expected[j].data(), outs[j][0].data(), p.name() + " direct B=" + b + " ct " + j);
      }
    }
  }

  /** The pre-fusion CMux: X^a·ACC − ACC written out, decomposed, summed from zeroed buffers. */
  private static void assertFusedEqualsReference(ParameterSet p, int count) {
    TestKeys.Pair keys = TestKeys.of(p);
    KeyswitchKey ksk = keys.evaluation().keyswitchKey();
    FourierBootstrapKey bsk = keys.evaluation().bootstrapKey();
    int k = bsk.glweDimension();
    int n = bsk.polynomialSize();
    int levels = bsk.decomposition().levels();
    int log2TwoN = Integer.numberOfTrailingZeros(2 * n);
    NegacyclicFft fft = FftProvider.create(n);
    Decomposer decomposer = new Decomposer(bsk.decomposition());
    BlindRotation rotation = new BlindRotation(bsk, FftProvider.create(n));
    Keyswitch ks = new Keyswitch(ksk);
    LweCiphertext[] in = inputs(p, count, 2, 5);
    long[] test = LutAccumulator.of(new LookupTable(new long[] {1, 3, 0, 2}), false, 2, n).raw();
    for (LweCiphertext c : in) {
      long[] small = new long[bsk.lweDimension() + 1];
      ks.apply(c.data(), 0, small, 0);
      long[] acc = new long[(k + 1) * n];
      int b = ModulusSwitch.toTwoN(small[bsk.lweDimension()], log2TwoN);
      Polynomials.monomialMul(test, 0, acc, k * n, n, (2 * n - b) & (2 * n - 1));
      long[] difference = new long[(k + 1) * n];
      long[] digits = new long[levels * n];
      double[] fourierDigit = new double[n];
      double[] sum = new double[(k + 1) * n];
      for (int i = 0; i < bsk.lweDimension(); i++) {
        int a = ModulusSwitch.toTwoN(small[i], log2TwoN);
        if (a == 0) {
          continue;
        }
        for (int q = 0; q <= k; q++) {
          Polynomials.monomialMulMinusOne(acc, q * n, difference, q * n, n, a);
        }
        Arrays.fill(sum, 0.0);
        for (int q = 0; q <= k; q++) {
          decomposer.decomposePolynomial(difference, q * n, n, digits, 0);
          for (int level = 0; level < levels; level++) {
            fft.forwardIntegers(digits, level * n, fourierDigit, 0);
            for (int col = 0; col <= k; col++) {
              fft.mulAccumulate(
                  sum, col * n, fourierDigit, 0, bsk.data(), bsk.offset(i, q, level, col));
            }
          }
        }
        for (int col = 0; col <= k; col++) {
          fft.backwardAddTorus(sum, col * n, acc, col * n);
        }
      }
      rotation.rotate(small, 0, 0, test);
      assertArrayEquals(acc, rotation.accumulator(), p.name());
    }
  }
}
