package dev.fhec.runtime.algorithms;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.runtime.TestKeys;
import dev.fhec.runtime.entities.FourierBootstrapKey;
import dev.fhec.runtime.entities.GlweSecretKey;
import dev.fhec.runtime.fft.NegacyclicFft;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.ParameterSets;
import dev.fhec.runtime.random.Csprng;
import dev.fhec.runtime.random.Seed;
import org.junit.jupiter.api.Test;

/**
 * The Fourier-domain external product against a naive one: the same decomposition, but every
 * polynomial product done exactly in Z/2^64 by schoolbook multiplication.
 */
class ExternalProductTest {
  @Test
  void fourierExternalProductMatchesTheExactProduct() {
    for (ParameterSet p : new ParameterSet[] {ParameterSets.TOY_N256, ParameterSets.TOY_K2_L2}) {
      GlweSecretKey key = TestKeys.of(p).client().glweKey();
      int k = p.k();
      int n = p.bigN();
      Decomposer dec = new Decomposer(p.pbs());
      int levels = p.pbs().levels();
      for (long bit = 0; bit <= 1; bit++) {
        long[] ggsw = new long[(k + 1) * (k + 1) * levels * n];
        GlweEncryption.encryptGgsw(
            key,
            bit,
            dec,
            p.glweNoiseStd(),
            Csprng.of(Seed.ofLong(1), bit),
            Csprng.of(Seed.ofLong(2), bit),
            ggsw,
            0);
        NegacyclicFft fft = FftProvider.create(n);
        double[] fourier = new double[ggsw.length];
        for (int j = 0; j < ggsw.length / n; j++) {
          fft.forwardTorus(ggsw, j * n, fourier, j * n);
        }
        FourierBootstrapKey bsk = new FourierBootstrapKey(1, k, n, p.pbs(), fourier);
        long[] glwe = new long[(k + 1) * n];
        Csprng.of(Seed.ofLong(3), bit).fillUniform(glwe, 0, glwe.length);

        long[] fast = new long[(k + 1) * n];
        new BlindRotation(bsk, FftProvider.create(n)).addExternalProduct(0, glwe, fast);

        long[] exact = new long[(k + 1) * n];
        long[] digits = new long[levels * n];
        for (int q = 0; q <= k; q++) {
          dec.decomposePolynomial(glwe, q * n, n, digits, 0);
          for (int level = 0; level < levels; level++) {
            for (int c = 0; c <= k; c++) {
              int row = ((q * levels + level) * (k + 1) + c) * n;
              Polynomials.mulAddNaive(digits, level * n, ggsw, row, exact, c * n, n);
            }
          }
        }
        long maxErr = 0;
        for (int i = 0; i < exact.length; i++) {
          maxErr = Math.max(maxErr, Math.abs(fast[i] - exact[i]));
        }
        // f64 rounding only: far below 2^−30 of the torus at these sizes.
        assertTrue(
            maxErr < (1L << 34),
            p.name() + " bit " + bit + ": max error 2^" + Math.log(maxErr) / Math.log(2));

        // And the product decrypts to bit·phase(glwe) up to the noise.
        long[] inPhase = new long[n];
        long[] outPhase = new long[n];
        GlweEncryption.phase(key, glwe, 0, inPhase);
        GlweEncryption.phase(key, exact, 0, outPhase);
        for (int i = 0; i < n; i++) {
          double diff = (outPhase[i] - bit * inPhase[i]) * 0x1.0p-64;
          assertTrue(Math.abs(diff) < 0x1.0p-10, p.name() + " coefficient " + i + ": " + diff);
        }
      }
    }
  }
}
