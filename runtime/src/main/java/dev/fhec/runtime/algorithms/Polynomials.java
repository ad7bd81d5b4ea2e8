package dev.fhec.runtime.algorithms;

/**
 * Coefficient-domain operations in Z_q[X]/(X^N + 1), q = 2^64, on slices of long arrays. Exact
 * (wrapping long arithmetic); the FFT is used only where a product feeds a bootstrap.
 */
public final class Polynomials {
  private Polynomials() {}

  /**
   * out = X^t · in (negacyclic rotation), t ∈ [0, 2N). {@code out} and {@code in} must not overlap.
   */
  public static void monomialMul(long[] in, int inOff, long[] out, int outOff, int n, int t) {
    boolean negate = t >= n;
    int s = negate ? t - n : t;
    // out[j] = ±in[j − s] for j ≥ s, ∓in[j − s + N] for j < s.
    if (!negate) {
      for (int j = 0; j < s; j++) {
        out[outOff + j] = -in[inOff + j - s + n];
      }
      System.arraycopy(in, inOff, out, outOff + s, n - s);
    } else {
      for (int j = 0; j < s; j++) {
        out[outOff + j] = in[inOff + j - s + n];
      }
      for (int j = s; j < n; j++) {
        out[outOff + j] = -in[inOff + j - s];
      }
    }
  }

  /** out = X^t · in − in, t ∈ [0, 2N), in one pass (the CMux difference). */
  public static void monomialMulMinusOne(
      long[] in, int inOff, long[] out, int outOff, int n, int t) {
    boolean negate = t >= n;
    int s = negate ? t - n : t;
    if (!negate) {
      for (int j = 0; j < s; j++) {
        out[outOff + j] = -in[inOff + j - s + n] - in[inOff + j];
      }
      for (int j = s; j < n; j++) {
        out[outOff + j] = in[inOff + j - s] - in[inOff + j];
      }
    } else {
      for (int j = 0; j < s; j++) {
        out[outOff + j] = in[inOff + j - s + n] - in[inOff + j];
      }
      for (int j = s; j < n; j++) {
        out[outOff + j] = -in[inOff + j - s] - in[inOff + j];
      }
    }
  }

  /** out += a · s where s has 0/1 coefficients (exact: one rotated add per set bit of s). */
  public static void mulAddBinary(
      long[] a, int aOff, long[] s, int sOff, long[] out, int outOff, int n) {
    for (int j = 0; j < n; j++) {
      if (s[sOff + j] == 0) {
        continue;
      }
      // X^j·a: coefficient i + j gets a[i] (i + j < N), coefficient i + j − N gets −a[i].
      int split = n - j;
      for (int i = 0; i < split; i++) {
        out[outOff + i + j] += a[aOff + i];
      }
      for (int i = split; i < n; i++) {
        out[outOff + i + j - n] -= a[aOff + i];
      }
    }
  }

  /** out += a · b with arbitrary coefficients, O(N²) exact schoolbook product (tests, checks). */
  public static void mulAddNaive(
      long[] a, int aOff, long[] b, int bOff, long[] out, int outOff, int n) {
    for (int i = 0; i < n; i++) {
      long ai = a[aOff + i];
      if (ai == 0) {
        continue;
      }
      for (int j = 0; j < n; j++) {
        int d = i + j;
        if (d < n) {
          out[outOff + d] += ai * b[bOff + j];
        } else {
          out[outOff + d - n] -= ai * b[bOff + j];
        }
      }
    }
  }
}
