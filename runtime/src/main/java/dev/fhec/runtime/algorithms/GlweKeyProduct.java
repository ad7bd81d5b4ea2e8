package dev.fhec.runtime.algorithms;

import dev.fhec.runtime.entities.GlweSecretKey;
import dev.fhec.runtime.fft.NegacyclicFft;

/**
 * Exact products A·S_p of torus polynomials with the binary GLWE key polynomials, for encryption.
 *
 * <p>Small N: schoolbook (one rotated add per key bit, O(N²)). Large N: the f64 FFT made exact by
 * splitting A into four 16-bit limbs L_j: each L_j·2^(16j) is a torus value with at most 16
 * significant bits, its product with S_p has at most log2(N)+16 ≤ 31 significant bits above
 * 2^(16j−64), well inside a double's 53, so the inverse FFT rounds every limb product exactly; the
 * four are added modulo 2^64. Key generation at N = 16384 then takes seconds instead of many
 * minutes, with no FFT noise in the keys.
 *
 * <p>One instance per thread (FFT scratch).
 */
public final class GlweKeyProduct {
  /** Below this N the schoolbook product is cheaper than eight transforms. */
  static final int FFT_THRESHOLD = 1024;

  private static final int LIMB_BITS = 16;
  private static final int LIMBS = 64 / LIMB_BITS;

  private final GlweSecretKey key;
  private final int n;
  private final long[] keyBits;
  private final NegacyclicFft fft;
  private final double[] fourierKey;
  private final long[] limb;
  private final long[] product;
  private final double[] fourierLimb;
  private final double[] fourierProduct;

  private GlweKeyProduct(GlweSecretKey key, boolean useFft) {
    this.key = key;
    this.n = key.polynomialSize();
    this.keyBits = key.bits();
    if (useFft) {
      fft = FftProvider.create(n);
      fourierKey = new double[keyBits.length];
      for (int p = 0; p < key.glweDimension(); p++) {
        fft.forwardIntegers(keyBits, p * n, fourierKey, p * n);
      }
      limb = new long[n];
      product = new long[n];
      fourierLimb = new double[n];
      fourierProduct = new double[n];
    } else {
      fft = null;
      fourierKey = null;
      limb = null;
      product = null;
      fourierLimb = null;
      fourierProduct = null;
    }
  }

  /** The fastest exact method for this key's N. */
  public static GlweKeyProduct of(GlweSecretKey key) {
    return new GlweKeyProduct(key, key.polynomialSize() > FFT_THRESHOLD);
  }

  /** Always schoolbook (reference for tests). */
  static GlweKeyProduct schoolbook(GlweSecretKey key) {
    return new GlweKeyProduct(key, false);
  }

  /** Always FFT limbs (for tests at small N). */
  static GlweKeyProduct limbs(GlweSecretKey key) {
    return new GlweKeyProduct(key, true);
  }

  public GlweSecretKey key() {
    return key;
  }

  /** out += A · S_p for the polynomial A at {@code a[aOff..aOff+N)}. */
  public void mulAdd(long[] a, int aOff, int p, long[] out, int outOff) {
    if (fft == null) {
      Polynomials.mulAddBinary(a, aOff, keyBits, p * n, out, outOff, n);
      return;
    }
    long mask = (1L << LIMB_BITS) - 1;
    long half = 1L << (LIMB_BITS - 1);
    for (int j = 0; j < LIMBS; j++) {
      int shift = j * LIMB_BITS;
      for (int i = 0; i < n; i++) {
        limb[i] = ((a[aOff + i] >>> shift) & mask) << LIMB_BITS;
      }
      fft.forwardTorus(limb, 0, fourierLimb, 0);
      java.util.Arrays.fill(fourierProduct, 0.0);
      fft.mulAccumulate(fourierProduct, 0, fourierLimb, 0, fourierKey, p * n);
      java.util.Arrays.fill(product, 0L);
      fft.backwardAddTorus(fourierProduct, 0, product, 0);
      for (int i = 0; i < n; i++) {
        long r = (product[i] + half) >> LIMB_BITS; // R_j, rounded to the 2^16 grid
        out[outOff + i] += r << shift;
      }
    }
  }
}
