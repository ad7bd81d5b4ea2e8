package dev.fhec.runtime.fft;

/**
 * Test oracle: the schoolbook negacyclic product in Z_{2^64}[X]/(X^N + 1), exact because Java
 * {@code long} arithmetic wraps modulo 2^64. O(N²), independent of any FFT code.
 */
final class NaiveNegacyclic {
  private NaiveNegacyclic() {}

  /** Coefficient k of a·b mod (X^N + 1, 2^64). */
  static long coefficient(long[] a, long[] b, int k) {
    int n = a.length;
    long sum = 0;
    for (int j = 0; j <= k; j++) {
      sum += a[j] * b[k - j];
    }
    for (int j = k + 1; j < n; j++) {
      sum -= a[j] * b[n + k - j]; // X^N = −1
    }
    return sum;
  }

  /** acc += a·b mod (X^N + 1, 2^64). */
  static void multiplyAdd(long[] acc, long[] a, long[] b) {
    for (int k = 0; k < a.length; k++) {
      acc[k] += coefficient(a, b, k);
    }
  }
}
