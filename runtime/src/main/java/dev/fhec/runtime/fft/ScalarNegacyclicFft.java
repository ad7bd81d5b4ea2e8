package dev.fhec.runtime.fft;

/**
 * Plain-Java negacyclic FFT: the portable path, used when {@code jdk.incubator.vector} is absent or
 * {@code -Dfhec.fft=scalar} is set, and the baseline the vector path is tested against.
 *
 * <p>Fourier layout (shared with {@link VectorNegacyclicFft}, so the two are interchangeable on the
 * same data): N doubles per polynomial, the M = N/2 real parts first, then the M imaginary parts,
 * in the digit-reversed order left by the decimation-in-frequency transform. Entry k holds the
 * polynomial evaluated at one root ω of X^N + 1 with ω^{N/2} = i; the conjugate roots are implied
 * because the polynomials are real.
 *
 * <p>Each instance owns an N-double scratch buffer for {@link #backwardAddTorus}, so it is not
 * thread-safe: use one instance per thread ({@link NegacyclicFfts#create} is cheap, the twiddle
 * tables are shared).
 */
public final class ScalarNegacyclicFft implements NegacyclicFft {
  private static final double TWO_POW_M64 = 0x1p-64;
  private static final double TWO_POW_64 = 0x1p64;

  private final FftTables tables;
  private final double[] scratch;

  /** A transform for polynomial size {@code polynomialSize} (a power of two, at least 2). */
  public ScalarNegacyclicFft(int polynomialSize) {
    this.tables = FftTables.forSize(polynomialSize);
    this.scratch = new double[polynomialSize];
  }

  @Override
  public int polynomialSize() {
    return tables.n;
  }

  @Override
  public void forwardIntegers(long[] poly, int polyOffset, double[] fourier, int fourierOffset) {
    twist(poly, polyOffset, 1.0, fourier, fourierOffset);
    forwardInPlace(tables, fourier, fourierOffset);
  }

  @Override
  public void forwardIntegersInPlace(double[] fourier, int off) {
    int m = tables.m;
    double[] tr = tables.twistRe;
    double[] ti = tables.twistIm;
    for (int j = 0; j < m; j++) {
      // × 1.0 as in forwardIntegers' twist: exact, so the same bits.
      double ar = fourier[off + j];
      double ai = fourier[off + m + j];
      fourier[off + j] = ar * tr[j] - ai * ti[j];
      fourier[off + m + j] = ar * ti[j] + ai * tr[j];
    }
    forwardInPlace(tables, fourier, off);
  }

  @Override
  public void forwardTorus(long[] poly, int polyOffset, double[] fourier, int fourierOffset) {
    twist(poly, polyOffset, TWO_POW_M64, fourier, fourierOffset);
    forwardInPlace(tables, fourier, fourierOffset);
  }

  @Override
  public void mulAccumulate(
      double[] acc, int accOffset, double[] a, int aOffset, double[] b, int bOffset) {
    int m = tables.m;
    for (int k = 0; k < m; k++) {
      double ar = a[aOffset + k];
      double ai = a[aOffset + m + k];
      double br = b[bOffset + k];
      double bi = b[bOffset + m + k];
      acc[accOffset + k] += ar * br - ai * bi;
      acc[accOffset + m + k] += ar * bi + ai * br;
    }
  }

  @Override
  public void mul(double[] out, int outOffset, double[] a, int aOffset, double[] b, int bOffset) {
    int m = tables.m;
    for (int k = 0; k < m; k++) {
      double ar = a[aOffset + k];
      double ai = a[aOffset + m + k];
      double br = b[bOffset + k];
      double bi = b[bOffset + m + k];
      out[outOffset + k] = ar * br - ai * bi;
      out[outOffset + m + k] = ar * bi + ai * br;
    }
  }

  @Override
  public void backwardAddTorus(double[] fourier, int fourierOffset, long[] poly, int polyOffset) {
    System.arraycopy(fourier, fourierOffset, scratch, 0, tables.n);
    inverseInPlace(tables, scratch, 0);
    int m = tables.m;
    double[] ur = tables.untwistRe;
    double[] ui = tables.untwistIm;
    for (int j = 0; j < m; j++) {
      double zr = scratch[j];
      double zi = scratch[m + j];
      double re = zr * ur[j] - zi * ui[j];
      double im = zr * ui[j] + zi * ur[j];
      poly[polyOffset + j] += toTorus(re);
      poly[polyOffset + m + j] += toTorus(im);
    }
  }

  /** Fold a_j + i·a_{j+M}, scale, and multiply by ψ^j into the split layout. */
  private void twist(long[] poly, int polyOffset, double scale, double[] f, int off) {
    int m = tables.m;
    double[] tr = tables.twistRe;
    double[] ti = tables.twistIm;
    for (int j = 0; j < m; j++) {
      double ar = poly[polyOffset + j] * scale;
      double ai = poly[polyOffset + m + j] * scale;
      f[off + j] = ar * tr[j] - ai * ti[j];
      f[off + m + j] = ar * ti[j] + ai * tr[j];
    }
  }

  /** Fractional part of x (in torus units) as a u64 torus value: t = x − rint(x), t·2^64. */
  static long toTorus(double x) {
    double t = x - Math.rint(x);
    return (long) (t * TWO_POW_64);
  }

  /** Forward DIF transform of the M split points at {@code off}: natural in, permuted out. */
  static void forwardInPlace(FftTables t, double[] f, int off) {
    int m = t.m;
    if (t.radix2First) {
      radix2Dif(f, off, m, t.radix2);
    }
    for (int s = 0; s < t.radix4.length; s++) {
      int q = t.radix4Quarter[s];
      if (q == 1) {
        radix4DifUnit(f, off, m);
      } else {
        radix4Dif(f, off, m, q, t.radix4[s]);
      }
    }
  }

  /** Inverse DIT transform (unscaled, ×M): permuted in, natural out. */
  static void inverseInPlace(FftTables t, double[] f, int off) {
    int m = t.m;
    for (int s = t.radix4.length - 1; s >= 0; s--) {
      int q = t.radix4Quarter[s];
      if (q == 1) {
        radix4DitUnit(f, off, m);
      } else {
        radix4Dit(f, off, m, q, t.radix4[s]);
      }
    }
    if (t.radix2First) {
      radix2Dit(f, off, m, t.radix2);
    }
  }

  /** One radix-2 DIF stage of length M: (u, v) → (u + v, (u − v)·w^j). */
  static void radix2Dif(double[] f, int off, int m, double[] w) {
    int h = m / 2;
    int re = off;
    int im = off + m;
    for (int j = 0; j < h; j++) {
      double ur = f[re + j];
      double ui = f[im + j];
      double vr = f[re + h + j];
      double vi = f[im + h + j];
      double dr = ur - vr;
      double di = ui - vi;
      double wr = w[j];
      double wi = w[h + j];
      f[re + j] = ur + vr;
      f[im + j] = ui + vi;
      f[re + h + j] = dr * wr - di * wi;
      f[im + h + j] = dr * wi + di * wr;
    }
  }

  /** Inverse of {@link #radix2Dif} up to a factor 2: v' = v·conj(w^j), (u + v', u − v'). */
  static void radix2Dit(double[] f, int off, int m, double[] w) {
    int h = m / 2;
    int re = off;
    int im = off + m;
    for (int j = 0; j < h; j++) {
      double wr = w[j];
      double wi = w[h + j];
      double xr = f[re + h + j];
      double xi = f[im + h + j];
      double vr = xr * wr + xi * wi;
      double vi = xi * wr - xr * wi;
      double ur = f[re + j];
      double ui = f[im + j];
      f[re + j] = ur + vr;
      f[im + j] = ui + vi;
      f[re + h + j] = ur - vr;
      f[im + h + j] = ui - vi;
    }
  }

  /**
   * One radix-4 DIF stage (two fused radix-2 stages) of length L = 4q over all blocks. With t0 = x0
   * + x2, d0 = x0 − x2, t1 = x1 + x3, d1 = −i·(x1 − x3): y0 = t0 + t1, y1 = (t0 − t1)·w^{2j}, y2 =
   * (d0 + d1)·w^j, y3 = (d0 − d1)·w^{3j}.
   */
  static void radix4Dif(double[] f, int off, int m, int q, double[] w) {
    int len = 4 * q;
    int imOff = m;
    for (int b = off; b < off + m; b += len) {
      for (int j = 0; j < q; j++) {
        int i0 = b + j;
        int i1 = i0 + q;
        int i2 = i1 + q;
        int i3 = i2 + q;
        double x0r = f[i0];
        double x0i = f[i0 + imOff];
        double x1r = f[i1];
        double x1i = f[i1 + imOff];
        double x2r = f[i2];
        double x2i = f[i2 + imOff];
        double x3r = f[i3];
        double x3i = f[i3 + imOff];
        double t0r = x0r + x2r;
        double t0i = x0i + x2i;
        double d0r = x0r - x2r;
        double d0i = x0i - x2i;
        double t1r = x1r + x3r;
        double t1i = x1i + x3i;
        // d1 = −i·(x1 − x3)
        double d1r = x1i - x3i;
        double d1i = x3r - x1r;
        double w1r = w[j];
        double w1i = w[q + j];
        double w2r = w[2 * q + j];
        double w2i = w[3 * q + j];
        double w3r = w[4 * q + j];
        double w3i = w[5 * q + j];
        f[i0] = t0r + t1r;
        f[i0 + imOff] = t0i + t1i;
        double ar = t0r - t1r;
        double ai = t0i - t1i;
        f[i1] = ar * w2r - ai * w2i;
        f[i1 + imOff] = ar * w2i + ai * w2r;
        double br = d0r + d1r;
        double bi = d0i + d1i;
        f[i2] = br * w1r - bi * w1i;
        f[i2 + imOff] = br * w1i + bi * w1r;
        double cr = d0r - d1r;
        double ci = d0i - d1i;
        f[i3] = cr * w3r - ci * w3i;
        f[i3 + imOff] = cr * w3i + ci * w3r;
      }
    }
  }

  /**
   * Inverse of {@link #radix4Dif} up to a factor 4, with conjugate twiddles: p1 = y1·w̄^{2j}, p2 =
   * y2·w̄^j, p3 = y3·w̄^{3j}; a0 = y0 + p1, a1 = y0 − p1, g = p2 + p3, h = i·(p2 − p3); x0 = a0 +
   * g, x2 = a0 − g, x1 = a1 + h, x3 = a1 − h.
   */
  static void radix4Dit(double[] f, int off, int m, int q, double[] w) {
    int len = 4 * q;
    int imOff = m;
    for (int b = off; b < off + m; b += len) {
      for (int j = 0; j < q; j++) {
        int i0 = b + j;
        int i1 = i0 + q;
        int i2 = i1 + q;
        int i3 = i2 + q;
        double w1r = w[j];
        double w1i = w[q + j];
        double w2r = w[2 * q + j];
        double w2i = w[3 * q + j];
        double w3r = w[4 * q + j];
        double w3i = w[5 * q + j];
        double y0r = f[i0];
        double y0i = f[i0 + imOff];
        double y1r = f[i1];
        double y1i = f[i1 + imOff];
        double y2r = f[i2];
        double y2i = f[i2 + imOff];
        double y3r = f[i3];
        double y3i = f[i3 + imOff];
        double p1r = y1r * w2r + y1i * w2i;
        double p1i = y1i * w2r - y1r * w2i;
        double p2r = y2r * w1r + y2i * w1i;
        double p2i = y2i * w1r - y2r * w1i;
        double p3r = y3r * w3r + y3i * w3i;
        double p3i = y3i * w3r - y3r * w3i;
        double a0r = y0r + p1r;
        double a0i = y0i + p1i;
        double a1r = y0r - p1r;
        double a1i = y0i - p1i;
        double gr = p2r + p3r;
        double gi = p2i + p3i;
        // h = i·(p2 − p3)
        double hr = p3i - p2i;
        double hi = p2r - p3r;
        f[i0] = a0r + gr;
        f[i0 + imOff] = a0i + gi;
        f[i2] = a0r - gr;
        f[i2 + imOff] = a0i - gi;
        f[i1] = a1r + hr;
        f[i1 + imOff] = a1i + hi;
        f[i3] = a1r - hr;
        f[i3 + imOff] = a1i - hi;
      }
    }
  }

  /**
   * {@link #radix4Dif} for the last stage (L = 4, q = 1), whose twiddles are all 1: the same sums
   * without the multiplications, so the results are identical.
   */
  static void radix4DifUnit(double[] f, int off, int m) {
    for (int i0 = off; i0 < off + m; i0 += 4) {
      double x0r = f[i0];
      double x0i = f[i0 + m];
      double x1r = f[i0 + 1];
      double x1i = f[i0 + 1 + m];
      double x2r = f[i0 + 2];
      double x2i = f[i0 + 2 + m];
      double x3r = f[i0 + 3];
      double x3i = f[i0 + 3 + m];
      double t0r = x0r + x2r;
      double t0i = x0i + x2i;
      double d0r = x0r - x2r;
      double d0i = x0i - x2i;
      double t1r = x1r + x3r;
      double t1i = x1i + x3i;
      double d1r = x1i - x3i;
      double d1i = x3r - x1r;
      f[i0] = t0r + t1r;
      f[i0 + m] = t0i + t1i;
      f[i0 + 1] = t0r - t1r;
      f[i0 + 1 + m] = t0i - t1i;
      f[i0 + 2] = d0r + d1r;
      f[i0 + 2 + m] = d0i + d1i;
      f[i0 + 3] = d0r - d1r;
      f[i0 + 3 + m] = d0i - d1i;
    }
  }

  /** {@link #radix4Dit} for the first inverse stage (L = 4, q = 1): unit twiddles. */
  static void radix4DitUnit(double[] f, int off, int m) {
    for (int i0 = off; i0 < off + m; i0 += 4) {
      double y0r = f[i0];
      double y0i = f[i0 + m];
      double y1r = f[i0 + 1];
      double y1i = f[i0 + 1 + m];
      double y2r = f[i0 + 2];
      double y2i = f[i0 + 2 + m];
      double y3r = f[i0 + 3];
      double y3i = f[i0 + 3 + m];
      double a0r = y0r + y1r;
      double a0i = y0i + y1i;
      double a1r = y0r - y1r;
      double a1i = y0i - y1i;
      double gr = y2r + y3r;
      double gi = y2i + y3i;
      double hr = y3i - y2i;
      double hi = y2r - y3r;
      f[i0] = a0r + gr;
      f[i0 + m] = a0i + gi;
      f[i0 + 2] = a0r - gr;
      f[i0 + 2 + m] = a0i - gi;
      f[i0 + 1] = a1r + hr;
      f[i0 + 1 + m] = a1i + hi;
      f[i0 + 3] = a1r - hr;
      f[i0 + 3 + m] = a1i - hi;
    }
  }
}
