package dev.fhec.runtime.algorithms;

import dev.fhec.runtime.entities.GlweSecretKey;
import dev.fhec.runtime.random.Csprng;

/**
 * GLWE encryption in the coefficient domain: B = Σ A_p·S_p + M + E. The key products are computed
 * exactly (the key is binary), so key generation adds no FFT error.
 */
public final class GlweEncryption {
  private GlweEncryption() {}

  /**
   * Encrypts zero into {@code out[off .. off + (k+1)N)} (masks then body); the caller adds the
   * message to whichever polynomial it wants.
   */
  public static void encryptZero(
      GlweSecretKey key, double noiseStd, Csprng maskRng, Csprng noiseRng, long[] out, int off) {
    encryptZero(GlweKeyProduct.of(key), noiseStd, maskRng, noiseRng, out, off);
  }

  /** As above with a per-thread {@link GlweKeyProduct} (reused across many encryptions). */
  public static void encryptZero(
      GlweKeyProduct product,
      double noiseStd,
      Csprng maskRng,
      Csprng noiseRng,
      long[] out,
      int off) {
    GlweSecretKey key = product.key();
    int k = key.glweDimension();
    int n = key.polynomialSize();
    maskRng.fillUniform(out, off, off + k * n);
    int body = off + k * n;
    for (int j = 0; j < n; j++) {
      out[body + j] = noiseRng.nextTorusGaussian(noiseStd);
    }
    for (int p = 0; p < k; p++) {
      product.mulAdd(out, off + p * n, p, out, body);
    }
  }

  /** Phase polynomial B − Σ A_p·S_p into {@code phase[0..N)}. */
  public static void phase(GlweSecretKey key, long[] ct, int off, long[] phase) {
    int k = key.glweDimension();
    int n = key.polynomialSize();
    long[] prod = new long[n];
    GlweKeyProduct product = GlweKeyProduct.of(key);
    for (int p = 0; p < k; p++) {
      product.mulAdd(ct, off + p * n, p, prod, 0);
    }
    for (int j = 0; j < n; j++) {
      phase[j] = ct[off + k * n + j] - prod[j];
    }
  }

  /**
   * A GGSW encryption of the bit {@code m} in coefficient form: (k+1)·ℓ GLWE rows; row (p, level)
   * has the phase of Enc(0) + m·g·e_p with g = 2^(64 − b(level+1)), i.e. for a mask polynomial p <
   * k the plaintext −m·g·S_p, for the body the constant m·g. Putting the message in the body keeps
   * every mask a pure keystream, so the masks can be regenerated from their seed. Layout as {@link
   * dev.fhec.runtime.entities.FourierBootstrapKey}, one GGSW.
   */
  public static void encryptGgsw(
      GlweSecretKey key,
      long m,
      Decomposer decomposer,
      double noiseStd,
      Csprng maskRng,
      Csprng noiseRng,
      long[] out,
      int off) {
    encryptGgsw(GlweKeyProduct.of(key), m, decomposer, noiseStd, maskRng, noiseRng, out, off);
  }

  /** As above with a per-thread {@link GlweKeyProduct}. */
  public static void encryptGgsw(
      GlweKeyProduct product,
      long m,
      Decomposer decomposer,
      double noiseStd,
      Csprng maskRng,
      Csprng noiseRng,
      long[] out,
      int off) {
    GlweSecretKey key = product.key();
    int k = key.glweDimension();
    int n = key.polynomialSize();
    int rowLength = (k + 1) * n;
    for (int p = 0; p <= k; p++) {
      for (int level = 0; level < decomposer.levels(); level++) {
        int row = off + (p * decomposer.levels() + level) * rowLength;
        encryptZero(product, noiseStd, maskRng, noiseRng, out, row);
        long g = m * decomposer.factor(level);
        if (p == k) {
          out[row + k * n] += g;
        } else {
          for (int j = 0; j < n; j++) {
            out[row + k * n + j] -= g * key.bit(p, j);
          }
        }
      }
    }
  }
}
