package dev.fhec.runtime.fft;

/**
 * Products in Z_q[X]/(X^N + 1), q = 2^64, through an f64 FFT of size N/2 (folding with the twist,
 * Klemsa ePrint 2021/480). The Fourier layout of a polynomial is private to the implementation: N
 * doubles per polynomial, produced by {@code forward*} and consumed by {@link #mulAccumulate} and
 * {@link #backwardAddTorus}. The permuted (unordered) Fourier order is never undone.
 *
 * <p>Layout used by both shipped implementations ({@link ScalarNegacyclicFft}, {@link
 * VectorNegacyclicFft}), which may therefore share Fourier-domain data such as a bootstrapping key:
 * split real/imaginary halves, {@code fourier[off + k]} = Re and {@code fourier[off + N/2 + k]} =
 * Im of the evaluation at one root ω of X^N + 1 with ω^{N/2} = i, k in the digit-reversed order of
 * a radix-4 decimation-in-frequency FFT (see {@code FftTables}). Callers should treat the order as
 * opaque; only pointwise operations are meaningful.
 *
 * <p>Implementations are not thread-safe if they keep scratch buffers; make one per thread.
 */
public interface NegacyclicFft {
  /** N, the polynomial size. */
  int polynomialSize();

  /** Fourier representation of a polynomial with small signed integer coefficients (|c| < 2^50). */
  void forwardIntegers(long[] poly, int polyOffset, double[] fourier, int fourierOffset);

  /**
   * {@link #forwardIntegers} of a polynomial whose integer coefficients are already stored as
   * doubles (exactly: |c| < 2^50) at {@code fourier[off .. off + N)}, transformed in place; equal
   * to {@code forwardIntegers} of the same coefficients as longs. Saves the producer a long buffer
   * and this transform a conversion pass.
   */
  default void forwardIntegersInPlace(double[] fourier, int off) {
    int n = polynomialSize();
    long[] poly = new long[n];
    for (int j = 0; j < n; j++) {
      poly[j] = (long) fourier[off + j];
    }
    forwardIntegers(poly, 0, fourier, off);
  }

  /**
   * Fourier representation of a torus polynomial: each coefficient is a u64 torus value, read as a
   * signed long and scaled by 2^−64.
   */
  void forwardTorus(long[] poly, int polyOffset, double[] fourier, int fourierOffset);

  /** acc += a ⊙ b (pointwise complex product in the Fourier domain). */
  void mulAccumulate(double[] acc, int accOffset, double[] a, int aOffset, double[] b, int bOffset);

  /**
   * out = a ⊙ b: the first term of a sum, which saves zeroing {@code out} and reading it back.
   * Equal to {@link #mulAccumulate} into zeros up to the sign of exact zeros, which no later add,
   * subtract or multiply turns into a different nonzero value.
   */
  default void mul(double[] out, int outOffset, double[] a, int aOffset, double[] b, int bOffset) {
    java.util.Arrays.fill(out, outOffset, outOffset + polynomialSize(), 0.0);
    mulAccumulate(out, outOffset, a, aOffset, b, bOffset);
  }

  /**
   * out = a0 ⊙ b0 + a1 ⊙ b1 with a1 = a[aOffset + aStride ..] and b1 = b[bOffset + bStride ..]: the
   * first two terms of a sum in one pass; the same bits as {@link #mul} then {@link
   * #mulAccumulate}.
   */
  default void mulPair(
      double[] out,
      int outOffset,
      double[] a,
      int aOffset,
      int aStride,
      double[] b,
      int bOffset,
      int bStride) {
    mul(out, outOffset, a, aOffset, b, bOffset);
    mulAccumulate(out, outOffset, a, aOffset + aStride, b, bOffset + bStride);
  }

  /**
   * acc = (acc + a0 ⊙ b0) + a1 ⊙ b1 (operands as in {@link #mulPair}): two terms of a sum in one
   * pass; the same bits as two {@link #mulAccumulate} calls.
   */
  default void mulAccumulatePair(
      double[] acc,
      int accOffset,
      double[] a,
      int aOffset,
      int aStride,
      double[] b,
      int bOffset,
      int bStride) {
    mulAccumulate(acc, accOffset, a, aOffset, b, bOffset);
    mulAccumulate(acc, accOffset, a, aOffset + aStride, b, bOffset + bStride);
  }

  /**
   * Inverse transform of {@code fourier} (a sum of integer × torus products), reduced to the torus
   * (fractional part × 2^64, rounded), added coefficient-wise with wrap-around into {@code poly}.
   */
  void backwardAddTorus(double[] fourier, int fourierOffset, long[] poly, int polyOffset);
}
