package dev.fhec.runtime.fft;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Immutable twiddle and twist tables for one polynomial size N, shared by every transform of that
 * size (scalar and vector) through {@link #forSize}. Computing them costs O(N) calls to {@link
 * Math#cos}/{@link Math#sin}, so they are built once per N and cached; they are never written after
 * construction, which makes sharing across threads safe.
 *
 * <p>Plan for the M = N/2 point complex FFT with M = 2^m: when m is odd, one radix-2 stage of
 * length M comes first (forward order); then radix-4 stages of lengths L = M (or M/2), L/4, ..., 4.
 * The forward transform is decimation-in-frequency (natural in, digit-reversed out) with kernel
 * e^{−2πi·jk/M}; the inverse is decimation-in-time running the same stages backwards with conjugate
 * twiddles, so the two compose to M·identity and no permutation is ever applied.
 *
 * <p>Every twiddle is computed directly from its exact rational angle (octant reduction, then
 * {@code Math.cos}/{@code Math.sin} of an argument at most π/4), never by recurrence, so each is
 * within about one ulp of the true value — the accuracy the f64 noise budget relies on (tfhe.md
 * §1.4).
 */
final class FftTables {
  private static final ConcurrentHashMap<Integer, FftTables> CACHE = new ConcurrentHashMap<>();

  /** N, the polynomial size. */
  final int n;

  /** M = N/2, the number of complex points. */
  final int m;

  /** Twist ψ^j = e^{iπj/N}, j &lt; M (Klemsa, ePrint 2021/480): real parts. */
  final double[] twistRe;

  /** Twist imaginary parts. */
  final double[] twistIm;

  /** Twist scaled by 2^−64 (exact), to read u64 torus coefficients: real parts. */
  final double[] torusTwistRe;

  /** Scaled twist imaginary parts. */
  final double[] torusTwistIm;

  /** Inverse twist ψ^{−j}/M (exact scaling by a power of two): real parts. */
  final double[] untwistRe;

  /** Inverse twist imaginary parts. */
  final double[] untwistIm;

  /** Whether the plan starts with one radix-2 stage of length M (log2 M odd). */
  final boolean radix2First;

  /**
   * Radix-2 stage twiddles w^j = e^{−2πi·j/M}, j &lt; M/2, as [re (M/2) | im (M/2)]; empty when
   * {@link #radix2First} is false.
   */
  final double[] radix2;

  /**
   * Radix-4 stages in forward order (lengths decreasing). Stage s has length L = 4q and holds, for
   * j &lt; q and w = e^{−2πi/L}: [w^j re | w^j im | w^{2j} re | w^{2j} im | w^{3j} re | w^{3j} im],
   * each block q long.
   */
  final double[][] radix4;

  /** Quarter length q = L/4 of each radix-4 stage, parallel to {@link #radix4}. */
  final int[] radix4Quarter;

  private FftTables(int n) {
    this.n = n;
    this.m = n / 2;
    twistRe = new double[m];
    twistIm = new double[m];
    untwistRe = new double[m];
    untwistIm = new double[m];
    torusTwistRe = new double[m];
    torusTwistIm = new double[m];
    double invM = 1.0 / m;
    double[] cs = new double[2];
    for (int j = 0; j < m; j++) {
      cisTurns(j, 2L * n, cs); // e^{2πi·j/(2N)} = e^{iπj/N}
      twistRe[j] = cs[0];
      twistIm[j] = cs[1];
      untwistRe[j] = cs[0] * invM;
      untwistIm[j] = -cs[1] * invM;
      torusTwistRe[j] = cs[0] * 0x1p-64;
      torusTwistIm[j] = cs[1] * 0x1p-64;
    }
    int log2m = Integer.numberOfTrailingZeros(m);
    radix2First = (log2m & 1) == 1;
    int len = m;
    if (radix2First) {
      int h = m / 2;
      radix2 = new double[2 * h];
      for (int j = 0; j < h; j++) {
        cisTurns(-j, m, cs);
        radix2[j] = cs[0];
        radix2[h + j] = cs[1];
      }
      len = h;
    } else {
      radix2 = new double[0];
    }
    int stages = log2m / 2;
    radix4 = new double[stages][];
    radix4Quarter = new int[stages];
    for (int s = 0; s < stages; s++) {
      int q = len / 4;
      double[] t = new double[6 * q];
      for (int j = 0; j < q; j++) {
        for (int p = 1; p <= 3; p++) {
          cisTurns(-(long) p * j, len, cs);
          t[(2 * p - 2) * q + j] = cs[0];
          t[(2 * p - 1) * q + j] = cs[1];
        }
      }
      radix4[s] = t;
      radix4Quarter[s] = q;
      len = q;
    }
  }

  /** The shared tables for polynomial size {@code n} (a power of two, at least 2). */
  static FftTables forSize(int n) {
    if (n < 2 || Integer.bitCount(n) != 1) {
      throw new IllegalArgumentException(
          "negacyclic FFT needs a polynomial size that is a power of two >= 2, got " + n);
    }
    return CACHE.computeIfAbsent(n, FftTables::new);
  }

  /**
   * Writes cos and sin of 2π·p/q into {@code out} for a power of two q, reducing the exact angle to
   * [0, π/4] by symmetries before calling the library functions.
   */
  static void cisTurns(long p, long q, double[] out) {
    long r = Math.floorMod(p, q);
    // Now angle = 2π·r/q in [0, 2π).
    boolean negate = false;
    if (r >= q / 2 && q >= 2) {
      r -= q / 2; // e^{i(θ+π)} = −e^{iθ}
      negate = true;
    }
    boolean rotate = false;
    if (q >= 4 && r >= q / 4) {
      r -= q / 4; // e^{i(θ+π/2)} = i·e^{iθ}
      rotate = true;
    }
    double c;
    double s;
    if (q >= 8 && r > q / 8) {
      // θ in (π/4, π/2): cos θ = sin(π/2 − θ), sin θ = cos(π/2 − θ).
      double a = 2 * Math.PI * ((double) (q / 4 - r) / q);
      c = Math.sin(a);
      s = Math.cos(a);
    } else {
      double a = 2 * Math.PI * ((double) r / q);
      c = Math.cos(a);
      s = Math.sin(a);
    }
    if (rotate) {
      double t = c;
      c = -s;
      s = t;
    }
    if (negate) {
      c = -c;
      s = -s;
    }
    out[0] = c;
    out[1] = s;
  }
}
