package dev.fhec.runtime.algorithms;

import dev.fhec.runtime.entities.FourierBootstrapKey;
import dev.fhec.runtime.fft.NegacyclicFft;
import java.util.Arrays;

/**
 * Blind rotation with the bootstrapping key in the Fourier domain (tfhe.md §2.4). Each CMux is
 * inlined: balanced decomposition of X^ã·ACC − ACC computed on the fly and written as doubles
 * straight into the transform buffer, forward FFT of each digit polynomial, Fourier-domain
 * accumulation against the GGSW rows into (k+1) buffers (the first product stores, the rest add),
 * and only (k+1) inverse FFTs added into ACC.
 *
 * <p>Batched ({@link #rotateBatch}, tfhe.md §7.5): B accumulators advance together through one pass
 * over the key: GGSW i is read from memory once and serves all B CMuxes while it is in cache, so a
 * key larger than the cache is streamed once per B bootstraps instead of once per bootstrap. Each
 * accumulator goes through exactly the operations of {@link #rotate}, in the same order, so the
 * results are bit-identical.
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
  private final long[] digits;
  private final double[] fourierDigits;
  private final double[] fourierSum;
  private long[][] batch = new long[0][];

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
    this.digits = new long[levels * n];
    this.fourierDigits = new double[(k + 1) * levels * n];
    this.fourierSum = new double[(k + 1) * n];
  }

  public FourierBootstrapKey key() {
    return bsk;
  }

  /** The accumulator GLWE ((k+1)·N longs, body last), valid after {@link #rotate}. */
  public long[] accumulator() {
    return accumulator;
  }

  /** Accumulator {@code j} of the last {@link #rotateBatch}. */
  public long[] batchAccumulator(int j) {
    return batch[j];
  }

  /**
   * ACC = X^(−b̃ + Σ ã_i·s_i)·(0, …, 0, testPolynomial) for the small LWE at {@code lwe[off .. off
   * + n]} (after adding {@code bodyOffset} to its body).
   */
  public void rotate(long[] lwe, int off, long bodyOffset, long[] testPolynomial) {
    initialize(accumulator, lwe[off + bsk.lweDimension()] + bodyOffset, testPolynomial);
    for (int i = 0; i < bsk.lweDimension(); i++) {
      int a = ModulusSwitch.toTwoN(lwe[off + i], log2TwoN);
      if (a != 0) {
        cmux(i, accumulator, a);
      }
    }
  }

  /**
   * {@link #rotate} of {@code count} small LWEs at once, GGSW by GGSW: accumulator j (read with
   * {@link #batchAccumulator}) gets the rotation of {@code lwes[j]} (offset 0, body offset {@code
   * bodyOffsets[j]}) of {@code testPolynomials[j]}, bit-identical to {@link #rotate}.
   */
  public void rotateBatch(long[][] lwes, long[] bodyOffsets, long[][] testPolynomials, int count) {
    if (batch.length < count) {
      long[][] grown = Arrays.copyOf(batch, count);
      for (int j = batch.length; j < count; j++) {
        grown[j] = new long[(k + 1) * n];
      }
      batch = grown;
    }
    int lweDim = bsk.lweDimension();
    for (int j = 0; j < count; j++) {
      initialize(batch[j], lwes[j][lweDim] + bodyOffsets[j], testPolynomials[j]);
    }
    for (int i = 0; i < lweDim; i++) {
      for (int j = 0; j < count; j++) {
        int a = ModulusSwitch.toTwoN(lwes[j][i], log2TwoN);
        if (a != 0) {
          cmux(i, batch[j], a);
        }
      }
    }
  }

  private void initialize(long[] acc, long body, long[] testPolynomial) {
    Arrays.fill(acc, 0, k * n, 0L);
    int b = ModulusSwitch.toTwoN(body, log2TwoN);
    Polynomials.monomialMul(testPolynomial, 0, acc, k * n, n, (2 * n - b) & (2 * n - 1));
  }

  /** acc += GGSW_i ⊡ (X^a·acc − acc): one CMux step of the blind rotation. */
  private void cmux(int i, long[] acc, int a) {
    for (int p = 0; p <= k; p++) {
      // Digits straight into the transform's buffer as doubles, transformed in place.
      decomposer.decomposeRotationDifference(acc, p * n, n, a, fourierDigits, p * levels * n);
      for (int level = 0; level < levels; level++) {
        fft.forwardIntegersInPlace(fourierDigits, (p * levels + level) * n);
      }
    }
    accumulate(i);
    for (int c = 0; c <= k; c++) {
      fft.backwardAddTorus(fourierSum, c * n, acc, c * n);
    }
  }

  /**
   * fourierSum column c = Σ_t digit_t ⊙ GGSW_i[t][c] over the (k+1)·ℓ rows t = (p, level), in row
   * order (the first term stored, not added to zeros), two rows per pass over the column. Row t's
   * transformed digits are at fourierDigits[t·N]; its key polynomial for column c is (k+1)·N
   * doubles after row t − 1's.
   */
  private void accumulate(int i) {
    double[] key = bsk.data();
    int terms = (k + 1) * levels;
    int stride = (k + 1) * n;
    for (int c = 0; c <= k; c++) {
      int col = bsk.offset(i, 0, 0, c);
      int out = c * n;
      int t;
      if (terms >= 2) {
        fft.mulPair(fourierSum, out, fourierDigits, 0, n, key, col, stride);
        t = 2;
      } else {
        fft.mul(fourierSum, out, fourierDigits, 0, key, col);
        t = 1;
      }
      for (; t + 1 < terms; t += 2) {
        fft.mulAccumulatePair(
            fourierSum, out, fourierDigits, t * n, n, key, col + t * stride, stride);
      }
      if (t < terms) {
        fft.mulAccumulate(fourierSum, out, fourierDigits, t * n, key, col + t * stride);
      }
    }
  }

  /**
   * acc += GGSW_i ⊡ glwe (external product with GGSW number {@code i} of the key): decomposition,
   * Fourier-domain accumulation, (k+1) inverse transforms added into {@code acc}.
   */
  public void addExternalProduct(int i, long[] glwe, long[] acc) {
    for (int p = 0; p <= k; p++) {
      decomposer.decomposePolynomial(glwe, p * n, n, digits, 0);
      for (int level = 0; level < levels; level++) {
        fft.forwardIntegers(digits, level * n, fourierDigits, (p * levels + level) * n);
      }
    }
    accumulate(i);
    for (int c = 0; c <= k; c++) {
      fft.backwardAddTorus(fourierSum, c * n, acc, c * n);
    }
  }
}
