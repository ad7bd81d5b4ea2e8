package dev.fhec.runtime.algorithms;

import dev.fhec.runtime.params.Decomposition;

/**
 * Signed balanced gadget decomposition (tfhe.md §2.2; Bergerat et al., SoK on the discretized
 * torus, ePrint 2021/1161): round a torus value to its top b·ℓ bits, then write it as Σ_j d_j·2^(64
 * − b(j+1)) with digits d_j ∈ [−B/2, B/2], carrying when a digit exceeds B/2 or equals B/2 and the
 * next digit is at least B/2, which makes the digits zero-mean. Level 0 is the most significant.
 */
public final class Decomposer {
  private final int baseLog;
  private final int levels;
  private final long mask;
  private final int shift;

  public Decomposer(Decomposition d) {
    this.baseLog = d.baseLog();
    this.levels = d.levels();
    this.mask = (1L << baseLog) - 1;
    this.shift = 64 - baseLog * levels;
  }

  public int levels() {
    return levels;
  }

  public int baseLog() {
    return baseLog;
  }

  /** The value rounded to the closest multiple of 2^(64 − bℓ), as an integer of bℓ bits. */
  public long closestRepresentable(long value) {
    if (shift == 0) {
      return value;
    }
    return (value >>> shift) + ((value >>> (shift - 1)) & 1);
  }

  /** The gadget factor of level j: 2^(64 − b(j+1)). */
  public long factor(int level) {
    int s = 64 - baseLog * (level + 1);
    return 1L << s;
  }

  /** Digits of {@code value} into {@code out[outOff + j·stride]} for level j. */
  public void decompose(long value, long[] out, int outOff, int stride) {
    long state = closestRepresentable(value);
    for (int level = levels - 1; level >= 0; level--) {
      long digit = state & mask;
      state >>>= baseLog;
      long carry = (((digit - 1) | state) & digit) >>> (baseLog - 1);
      state += carry;
      out[outOff + level * stride] = digit - (carry << baseLog);
    }
  }

  /**
   * Digit polynomials of the N coefficients at {@code in[inOff..]}: level j's polynomial at {@code
   * out[outOff + j·N]}. Level by level over whole polynomials (loops the JIT can vectorize); uses a
   * scratch buffer of this instance, so an instance must not decompose polynomials on two threads
   * at once.
   */
  public void decomposePolynomial(long[] in, int inOff, int n, long[] out, int outOff) {
    int b = baseLog;
    int bm1 = b - 1;
    int s = shift;
    if (s == 0) {
      decomposeFullWidth(in, inOff, n, out, outOff);
      return;
    }
    // Rounding by a wrapping add: the carry out of bit 63 is the top carry, which the
    // decomposition drops anyway (digits are defined modulo 2^(bℓ)).
    long half = 1L << (s - 1);
    if (levels == 1) {
      // One level: state < B, no next digit; carry when the digit exceeds B/2.
      for (int i = 0; i < n; i++) {
        long st = (in[inOff + i] + half) >>> s;
        long carry = ((st - 1) & st) >>> bm1;
        out[outOff + i] = st - (carry << b);
      }
      return;
    }
    if (levels == 2) {
      // Two levels in one pass: level 1 (least significant) first, its carry into level 0.
      long m = mask;
      int o1 = outOff + n;
      for (int i = 0; i < n; i++) {
        long st = (in[inOff + i] + half) >>> s;
        long low = st & m;
        long high = st >>> b;
        long carry = (((low - 1) | high) & low) >>> bm1;
        out[o1 + i] = low - (carry << b);
        high += carry;
        long top = high & m;
        long carryTop = ((top - 1) & top) >>> bm1;
        out[outOff + i] = top - (carryTop << b);
      }
      return;
    }
    long[] state = scratch(n);
    for (int i = 0; i < n; i++) {
      state[i] = (in[inOff + i] + half) >>> s;
    }
    digitsFromState(state, n, out, outOff);
  }

  /**
   * Digit polynomials of X^t·P − P for the polynomial P at {@code in[inOff..inOff+N)}, t ∈ [0, 2N),
   * computed coefficient by coefficient on the fly (the CMux difference of a blind rotation,
   * without writing it out and reading it back). Equal to {@link Polynomials#monomialMulMinusOne}
   * followed by {@link #decomposePolynomial}. Same scratch caveat as {@link #decomposePolynomial}.
   */
  public void decomposeRotationDifference(
      long[] in, int inOff, int n, int t, long[] out, int outOff) {
    boolean negate = t >= n;
    int s = negate ? t - n : t;
    // Coefficient j of X^t·P: ±P[j − s + N] for j < s, ±P[j − s] for j ≥ s, the sign flipping
    // between the two ranges and with negate; (x ^ m) − m negates x when m = −1.
    long lowSign = negate ? 0L : -1L;
    decomposeDifferenceRange(in, inOff, 0, s, n - s, lowSign, n, out, outOff);
    decomposeDifferenceRange(in, inOff, s, n, -s, ~lowSign, n, out, outOff);
  }

  /**
   * {@link #decomposeRotationDifference} with the digits written as doubles (exact, |d| ≤ B/2),
   * level j's polynomial at {@code out[outOff + j·N]}: the input of {@link
   * dev.fhec.runtime.fft.NegacyclicFft#forwardIntegersInPlace}. Besides skipping the conversion
   * pass, a double[] output cannot alias the long[] input, which lets C2 vectorize the loop (the
   * long[] form measured 9.3 µs at N = 8192 against 4.6 µs for a plain decomposition).
   */
  public void decomposeRotationDifference(
      long[] in, int inOff, int n, int t, double[] out, int outOff) {
    if (shift == 0 || levels > 2) {
      long[] digits = digitScratch(levels * n);
      decomposeRotationDifference(in, inOff, n, t, digits, 0);
      for (int i = 0; i < levels * n; i++) {
        out[outOff + i] = digits[i];
      }
      return;
    }
    boolean negate = t >= n;
    int s = negate ? t - n : t;
    long lowSign = negate ? 0L : -1L;
    differenceRangeToDoubles(in, inOff, 0, s, n - s, lowSign, n, out, outOff);
    differenceRangeToDoubles(in, inOff, s, n, -s, ~lowSign, n, out, outOff);
  }

  /** {@link #decomposeDifferenceRange} for one or two levels (shift > 0), digits as doubles. */
  private void differenceRangeToDoubles(
      long[] in, int inOff, int from, int to, int delta, long m, int n, double[] out, int outOff) {
    int b = baseLog;
    int bm1 = b - 1;
    int s = shift;
    int src = inOff + delta;
    long half = 1L << (s - 1);
    if (levels == 1) {
      for (int j = from; j < to; j++) {
        long v = ((in[src + j] ^ m) - m) - in[inOff + j];
        long st = (v + half) >>> s;
        long carry = ((st - 1) & st) >>> bm1;
        out[outOff + j] = st - (carry << b);
      }
      return;
    }
    // Two levels in two passes, one store each: C2 does not vectorize a loop storing to two
    // offsets of one array (it cannot rule out their overlap), and the scalar form with its long →
    // double conversions measured 23 µs at N = 8192 (ℓ = 2) against about 3 µs per vector pass.
    long mk = mask;
    int o1 = outOff + n;
    for (int j = from; j < to; j++) {
      long v = ((in[src + j] ^ m) - m) - in[inOff + j];
      long st = (v + half) >>> s;
      long low = st & mk;
      long carry = (((low - 1) | (st >>> b)) & low) >>> bm1;
      out[o1 + j] = low - (carry << b);
    }
    for (int j = from; j < to; j++) {
      long v = ((in[src + j] ^ m) - m) - in[inOff + j];
      long st = (v + half) >>> s;
      long low = st & mk;
      long high = st >>> b;
      long carry = (((low - 1) | high) & low) >>> bm1;
      long top = (high + carry) & mk;
      long carryTop = ((top - 1) & top) >>> bm1;
      out[outOff + j] = top - (carryTop << b);
    }
  }

  private long[] digitScratch;

  private long[] digitScratch(int size) {
    if (digitScratch == null || digitScratch.length < size) {
      digitScratch = new long[size];
    }
    return digitScratch;
  }

  /** Coefficients j ∈ [from, to) of the digits of ((P[j + delta] ^ m) − m) − P[j]. */
  private void decomposeDifferenceRange(
      long[] in, int inOff, int from, int to, int delta, long m, int n, long[] out, int outOff) {
    int b = baseLog;
    int bm1 = b - 1;
    int s = shift;
    int src = inOff + delta;
    if (s != 0 && levels == 1) {
      long half = 1L << (s - 1);
      for (int j = from; j < to; j++) {
        long v = ((in[src + j] ^ m) - m) - in[inOff + j];
        long st = (v + half) >>> s;
        long carry = ((st - 1) & st) >>> bm1;
        out[outOff + j] = st - (carry << b);
      }
      return;
    }
    if (s != 0 && levels == 2) {
      long half = 1L << (s - 1);
      long mk = mask;
      int o1 = outOff + n;
      for (int j = from; j < to; j++) {
        long v = ((in[src + j] ^ m) - m) - in[inOff + j];
        long st = (v + half) >>> s;
        long low = st & mk;
        long high = st >>> b;
        long carry = (((low - 1) | high) & low) >>> bm1;
        out[o1 + j] = low - (carry << b);
        high += carry;
        long top = high & mk;
        long carryTop = ((top - 1) & top) >>> bm1;
        out[outOff + j] = top - (carryTop << b);
      }
      return;
    }
    long[] state = scratch(n);
    if (s == 0) {
      for (int j = from; j < to; j++) {
        state[j] = ((in[src + j] ^ m) - m) - in[inOff + j];
      }
    } else {
      long half = 1L << (s - 1);
      for (int j = from; j < to; j++) {
        state[j] = ((((in[src + j] ^ m) - m) - in[inOff + j]) + half) >>> s;
      }
    }
    digitsFromStateRange(state, from, to, n, out, outOff);
  }

  private void digitsFromStateRange(long[] state, int from, int to, int n, long[] out, int outOff) {
    int b = baseLog;
    long m = mask;
    int bm1 = b - 1;
    for (int level = levels - 1; level >= 0; level--) {
      int o = outOff + level * n;
      for (int i = from; i < to; i++) {
        long st = state[i];
        long digit = st & m;
        st >>>= b;
        long carry = (((digit - 1) | st) & digit) >>> bm1;
        state[i] = st + carry;
        out[o + i] = digit - (carry << b);
      }
    }
  }

  private void decomposeFullWidth(long[] in, int inOff, int n, long[] out, int outOff) {
    long[] state = scratch(n);
    System.arraycopy(in, inOff, state, 0, n);
    digitsFromState(state, n, out, outOff);
  }

  private void digitsFromState(long[] state, int n, long[] out, int outOff) {
    int b = baseLog;
    long m = mask;
    int bm1 = b - 1;
    for (int level = levels - 1; level >= 0; level--) {
      int o = outOff + level * n;
      for (int i = 0; i < n; i++) {
        long st = state[i];
        long digit = st & m;
        st >>>= b;
        long carry = (((digit - 1) | st) & digit) >>> bm1;
        state[i] = st + carry;
        out[o + i] = digit - (carry << b);
      }
    }
  }

  private long[] scratch;

  private long[] scratch(int n) {
    if (scratch == null || scratch.length < n) {
      scratch = new long[n];
    }
    return scratch;
  }

  /** Σ_j digit_j·factor_j (mod 2^64): the inverse of {@link #decompose} up to the rounding. */
  public long recompose(long[] digits, int off, int stride) {
    long v = 0;
    for (int level = 0; level < levels; level++) {
      v += digits[off + level * stride] * factor(level);
    }
    return v;
  }
}
