package dev.fhec.runtime.algorithms;

import dev.fhec.runtime.entities.FourierBootstrapKey;
import dev.fhec.runtime.fft.NegacyclicFft;
import java.util.Arrays;

/**
 * Blind rotation with the bootstrapping key in the Fourier domain (tfhe.md §2.4). Each CMux is
 * inlined: tmp = X^ã·ACC − ACC in one pass, balanced decomposition of tmp, forward FFT of each
 * digit polynomial, Fourier-domain accumulation against the GGSW rows into (k+1) buffers, and only
 * (k+1) inverse FFTs added into ACC.
 *
 * <p>One instance per thread: it owns its FFT and every buffer, so the hot loop allocates nothing.
 */
public final class BlindRotation {
  private final FourierBootstrapKey bsk;
  private final NegacyclicFft fft;
  private final Decomposer decomposer;
  private final int k;
  private final int n;
  private final int levels;
  private final int log2TwoN;
  private final long[] accumulator;
  private final long[] difference;
  private final long[] digits;
  private final double[] fourierDigit;
  private final double[] fourierSum;

  public BlindRotation(FourierBootstrapKey bsk, NegacyclicFft fft) {
    if (fft.polynomialSize() != bsk.polynomialSize()) {
      throw new IllegalArgumentException(
          "FFT of size " + fft.polynomialSize() + " for a key of N = " + bsk.polynomialSize());
    }
    this.bsk = bsk;
    this.fft = fft;
    this.decomposer = new Decomposer(bsk.decomposition());
    this.k = bsk.glweDimension();
    this.n = bsk.polynomialSize();
    this.levels = bsk.decomposition().levels();
    this.log2TwoN = Integer.numberOfTrailingZeros(2 * n);
    this.accumulator = new long[(k + 1) * n];
    this.difference = new long[(k + 1) * n];
    this.digits = new long[levels * n];
    this.fourierDigit = new double[n];
    this.fourierSum = new double[(k + 1) * n];
  }

  public FourierBootstrapKey key() {
    return bsk;
  }

  /** The accumulator GLWE ((k+1)·N longs, body last), valid after {@link #rotate}. */
  public long[] accumulator() {
    return accumulator;
  }

  /**
   * ACC = X^(−b̃ + Σ ã_i·s_i)·(0, …, 0, testPolynomial) for the small LWE at {@code lwe[off .. off
   * + n]} (after adding {@code bodyOffset} to its body).
   */
  public void rotate(long[] lwe, int off, long bodyOffset, long[] testPolynomial) {
    int lweDim = bsk.lweDimension();
    Arrays.fill(accumulator, 0, k * n, 0L);
    int b = ModulusSwitch.toTwoN(lwe[off + lweDim] + bodyOffset, log2TwoN);
    Polynomials.monomialMul(testPolynomial, 0, accumulator, k * n, n, (2 * n - b) & (2 * n - 1));
    for (int i = 0; i < lweDim; i++) {
      int a = ModulusSwitch.toTwoN(lwe[off + i], log2TwoN);
      if (a == 0) {
        continue;
      }
      for (int p = 0; p <= k; p++) {
        Polynomials.monomialMulMinusOne(accumulator, p * n, difference, p * n, n, a);
      }
      addExternalProduct(i, difference, accumulator);
    }
  }

  /**
   * acc += GGSW_i ⊡ glwe (external product with GGSW number {@code i} of the key): decomposition,
   * Fourier-domain accumulation, (k+1) inverse transforms added into {@code acc}.
   */
  public void addExternalProduct(int i, long[] glwe, long[] acc) {
    double[] key = bsk.data();
    boolean first = true;
    for (int p = 0; p <= k; p++) {
      decomposer.decomposePolynomial(glwe, p * n, n, digits, 0);
      for (int level = 0; level < levels; level++) {
        fft.forwardIntegers(digits, level * n, fourierDigit, 0);
        if (first) {
          Arrays.fill(fourierSum, 0.0);
          first = false;
        }
        for (int c = 0; c <= k; c++) {
          fft.mulAccumulate(fourierSum, c * n, fourierDigit, 0, key, bsk.offset(i, p, level, c));
        }
      }
    }
    for (int c = 0; c <= k; c++) {
      fft.backwardAddTorus(fourierSum, c * n, acc, c * n);
    }
  }
}
