package dev.fhec.runtime.fft;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Negacyclic FFT whose butterflies, twist, pointwise products and torus conversions run on the
 * Vector API ({@code jdk.incubator.vector}); stages whose butterfly distance is shorter than a
 * vector fall back to the scalar kernels of {@link ScalarNegacyclicFft}. Same plan, same twiddle
 * tables and same operation order as the scalar path, with no fused multiply-add, so both produce
 * bit-identical results (the only difference is rounding x to an integer with the 1.5·2^52 trick,
 * which equals {@link Math#rint} for |x| &lt; 2^51, far above any sum of digit × torus products).
 *
 * <p>Load this class only when the boot layer has {@code jdk.incubator.vector}; {@link
 * NegacyclicFfts} does. The species is a {@code static final} constant because C2 intrinsifies
 * vector operations only then (tfhe.md §8.4: a species in a field costs 10×). It is 256-bit by
 * default, measured faster than the 512-bit preferred species on AVX-512 for N ≤ 8192 because fewer
 * stages fall to the scalar tail; {@code -Dfhec.fft.species=preferred} selects {@link
 * DoubleVector#SPECIES_PREFERRED} instead.
 *
 * <p>Not thread-safe (scratch buffer): one instance per thread.
 */
public final class VectorNegacyclicFft implements NegacyclicFft {
  static final VectorSpecies<Double> SPECIES =
      "preferred".equals(System.getProperty("fhec.fft.species"))
          ? DoubleVector.SPECIES_PREFERRED
          : DoubleVector.SPECIES_256;
  static final VectorSpecies<Long> LONGS = VectorSpecies.of(long.class, SPECIES.vectorShape());
  static final int LANES = SPECIES.length();

  private static final double TWO_POW_M64 = 0x1p-64;
  private static final double TWO_POW_64 = 0x1p64;

  /** Adding and subtracting 1.5·2^52 rounds |x| &lt; 2^51 to the nearest integer, ties to even. */
  private static final double ROUNDER = 0x1.8p52;

  private final FftTables tables;
  private final double[] scratch;

  /** A transform for polynomial size {@code polynomialSize} (a power of two, at least 2). */
  public VectorNegacyclicFft(int polynomialSize) {
    this.tables = FftTables.forSize(polynomialSize);
    this.scratch = new double[polynomialSize];
  }

  /** Implementation name with the species in use, e.g. {@code vector-256}. */
  public static String description() {
    return "vector-" + SPECIES.vectorBitSize();
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
  public void forwardTorus(long[] poly, int polyOffset, double[] fourier, int fourierOffset) {
    twist(poly, polyOffset, TWO_POW_M64, fourier, fourierOffset);
    forwardInPlace(tables, fourier, fourierOffset);
  }

  @Override
  public void mulAccumulate(
      double[] acc, int accOffset, double[] a, int aOffset, double[] b, int bOffset) {
    int m = tables.m;
    int k = 0;
    for (; k <= m - LANES; k += LANES) {
      DoubleVector ar = DoubleVector.fromArray(SPECIES, a, aOffset + k);
      DoubleVector ai = DoubleVector.fromArray(SPECIES, a, aOffset + m + k);
      DoubleVector br = DoubleVector.fromArray(SPECIES, b, bOffset + k);
      DoubleVector bi = DoubleVector.fromArray(SPECIES, b, bOffset + m + k);
      DoubleVector cr = DoubleVector.fromArray(SPECIES, acc, accOffset + k);
      DoubleVector ci = DoubleVector.fromArray(SPECIES, acc, accOffset + m + k);
      cr.add(ar.mul(br).sub(ai.mul(bi))).intoArray(acc, accOffset + k);
      ci.add(ar.mul(bi).add(ai.mul(br))).intoArray(acc, accOffset + m + k);
    }
    for (; k < m; k++) {
      double ar = a[aOffset + k];
      double ai = a[aOffset + m + k];
      double br = b[bOffset + k];
      double bi = b[bOffset + m + k];
      acc[accOffset + k] += ar * br - ai * bi;
      acc[accOffset + m + k] += ar * bi + ai * br;
    }
  }

  @Override
  public void backwardAddTorus(double[] fourier, int fourierOffset, long[] poly, int polyOffset) {
    System.arraycopy(fourier, fourierOffset, scratch, 0, tables.n);
    inverseInPlace(tables, scratch, 0);
    int m = tables.m;
    double[] ur = tables.untwistRe;
    double[] ui = tables.untwistIm;
    int j = 0;
    for (; j <= m - LANES; j += LANES) {
      DoubleVector zr = DoubleVector.fromArray(SPECIES, scratch, j);
      DoubleVector zi = DoubleVector.fromArray(SPECIES, scratch, m + j);
      DoubleVector tr = DoubleVector.fromArray(SPECIES, ur, j);
      DoubleVector ti = DoubleVector.fromArray(SPECIES, ui, j);
      DoubleVector re = zr.mul(tr).sub(zi.mul(ti));
      DoubleVector im = zr.mul(ti).add(zi.mul(tr));
      addTorus(re, poly, polyOffset + j);
      addTorus(im, poly, polyOffset + m + j);
    }
    for (; j < m; j++) {
      double zr = scratch[j];
      double zi = scratch[m + j];
      double re = zr * ur[j] - zi * ui[j];
      double im = zr * ui[j] + zi * ur[j];
      poly[polyOffset + j] += ScalarNegacyclicFft.toTorus(re);
      poly[polyOffset + m + j] += ScalarNegacyclicFft.toTorus(im);
    }
  }

  /** poly[at..] += (long) ((x − round(x))·2^64), lanewise. */
  private static void addTorus(DoubleVector x, long[] poly, int at) {
    DoubleVector rounded = x.add(ROUNDER).sub(ROUNDER);
    DoubleVector frac = x.sub(rounded).mul(TWO_POW_64);
    LongVector t = (LongVector) frac.convertShape(VectorOperators.D2L, LONGS, 0);
    LongVector.fromArray(LONGS, poly, at).add(t).intoArray(poly, at);
  }

  /** Fold a_j + i·a_{j+M}, scale, and multiply by ψ^j into the split layout. */
  private void twist(long[] poly, int polyOffset, double scale, double[] f, int off) {
    int m = tables.m;
    double[] tr = tables.twistRe;
    double[] ti = tables.twistIm;
    int j = 0;
    for (; j <= m - LANES; j += LANES) {
      DoubleVector ar =
          ((DoubleVector)
                  LongVector.fromArray(LONGS, poly, polyOffset + j)
                      .convertShape(VectorOperators.L2D, SPECIES, 0))
              .mul(scale);
      DoubleVector ai =
          ((DoubleVector)
                  LongVector.fromArray(LONGS, poly, polyOffset + m + j)
                      .convertShape(VectorOperators.L2D, SPECIES, 0))
              .mul(scale);
      DoubleVector wr = DoubleVector.fromArray(SPECIES, tr, j);
      DoubleVector wi = DoubleVector.fromArray(SPECIES, ti, j);
      ar.mul(wr).sub(ai.mul(wi)).intoArray(f, off + j);
      ar.mul(wi).add(ai.mul(wr)).intoArray(f, off + m + j);
    }
    for (; j < m; j++) {
      double ar = poly[polyOffset + j] * scale;
      double ai = poly[polyOffset + m + j] * scale;
      f[off + j] = ar * tr[j] - ai * ti[j];
      f[off + m + j] = ar * ti[j] + ai * tr[j];
    }
  }

  /** Forward DIF transform of the M split points at {@code off}: natural in, permuted out. */
  static void forwardInPlace(FftTables t, double[] f, int off) {
    int m = t.m;
    if (t.radix2First) {
      if (m / 2 >= LANES) {
        radix2Dif(f, off, m, t.radix2);
      } else {
        ScalarNegacyclicFft.radix2Dif(f, off, m, t.radix2);
      }
    }
    for (int s = 0; s < t.radix4.length; s++) {
      int q = t.radix4Quarter[s];
      if (q >= LANES) {
        radix4Dif(f, off, m, q, t.radix4[s]);
      } else {
        ScalarNegacyclicFft.radix4Dif(f, off, m, q, t.radix4[s]);
      }
    }
  }

  /** Inverse DIT transform (unscaled, ×M): permuted in, natural out. */
  static void inverseInPlace(FftTables t, double[] f, int off) {
    int m = t.m;
    for (int s = t.radix4.length - 1; s >= 0; s--) {
      int q = t.radix4Quarter[s];
      if (q >= LANES) {
        radix4Dit(f, off, m, q, t.radix4[s]);
      } else {
        ScalarNegacyclicFft.radix4Dit(f, off, m, q, t.radix4[s]);
      }
    }
    if (t.radix2First) {
      if (m / 2 >= LANES) {
        radix2Dit(f, off, m, t.radix2);
      } else {
        ScalarNegacyclicFft.radix2Dit(f, off, m, t.radix2);
      }
    }
  }

  /** Vector form of {@link ScalarNegacyclicFft#radix2Dif}; needs M/2 ≥ lanes. */
  static void radix2Dif(double[] f, int off, int m, double[] w) {
    int h = m / 2;
    int re = off;
    int im = off + m;
    for (int j = 0; j < h; j += LANES) {
      DoubleVector ur = DoubleVector.fromArray(SPECIES, f, re + j);
      DoubleVector ui = DoubleVector.fromArray(SPECIES, f, im + j);
      DoubleVector vr = DoubleVector.fromArray(SPECIES, f, re + h + j);
      DoubleVector vi = DoubleVector.fromArray(SPECIES, f, im + h + j);
      DoubleVector wr = DoubleVector.fromArray(SPECIES, w, j);
      DoubleVector wi = DoubleVector.fromArray(SPECIES, w, h + j);
      DoubleVector dr = ur.sub(vr);
      DoubleVector di = ui.sub(vi);
      ur.add(vr).intoArray(f, re + j);
      ui.add(vi).intoArray(f, im + j);
      dr.mul(wr).sub(di.mul(wi)).intoArray(f, re + h + j);
      dr.mul(wi).add(di.mul(wr)).intoArray(f, im + h + j);
    }
  }

  /** Vector form of {@link ScalarNegacyclicFft#radix2Dit}; needs M/2 ≥ lanes. */
  static void radix2Dit(double[] f, int off, int m, double[] w) {
    int h = m / 2;
    int re = off;
    int im = off + m;
    for (int j = 0; j < h; j += LANES) {
      DoubleVector wr = DoubleVector.fromArray(SPECIES, w, j);
      DoubleVector wi = DoubleVector.fromArray(SPECIES, w, h + j);
      DoubleVector xr = DoubleVector.fromArray(SPECIES, f, re + h + j);
      DoubleVector xi = DoubleVector.fromArray(SPECIES, f, im + h + j);
      DoubleVector vr = xr.mul(wr).add(xi.mul(wi));
      DoubleVector vi = xi.mul(wr).sub(xr.mul(wi));
      DoubleVector ur = DoubleVector.fromArray(SPECIES, f, re + j);
      DoubleVector ui = DoubleVector.fromArray(SPECIES, f, im + j);
      ur.add(vr).intoArray(f, re + j);
      ui.add(vi).intoArray(f, im + j);
      ur.sub(vr).intoArray(f, re + h + j);
      ui.sub(vi).intoArray(f, im + h + j);
    }
  }

  /** Vector form of {@link ScalarNegacyclicFft#radix4Dif}; needs q ≥ lanes. */
  static void radix4Dif(double[] f, int off, int m, int q, double[] w) {
    int len = 4 * q;
    for (int b = off; b < off + m; b += len) {
      for (int j = 0; j < q; j += LANES) {
        int i0 = b + j;
        int i1 = i0 + q;
        int i2 = i1 + q;
        int i3 = i2 + q;
        DoubleVector x0r = DoubleVector.fromArray(SPECIES, f, i0);
        DoubleVector x0i = DoubleVector.fromArray(SPECIES, f, i0 + m);
        DoubleVector x1r = DoubleVector.fromArray(SPECIES, f, i1);
        DoubleVector x1i = DoubleVector.fromArray(SPECIES, f, i1 + m);
        DoubleVector x2r = DoubleVector.fromArray(SPECIES, f, i2);
        DoubleVector x2i = DoubleVector.fromArray(SPECIES, f, i2 + m);
        DoubleVector x3r = DoubleVector.fromArray(SPECIES, f, i3);
        DoubleVector x3i = DoubleVector.fromArray(SPECIES, f, i3 + m);
        DoubleVector t0r = x0r.add(x2r);
        DoubleVector t0i = x0i.add(x2i);
        DoubleVector d0r = x0r.sub(x2r);
        DoubleVector d0i = x0i.sub(x2i);
        DoubleVector t1r = x1r.add(x3r);
        DoubleVector t1i = x1i.add(x3i);
        DoubleVector d1r = x1i.sub(x3i);
        DoubleVector d1i = x3r.sub(x1r);
        t0r.add(t1r).intoArray(f, i0);
        t0i.add(t1i).intoArray(f, i0 + m);
        DoubleVector w2r = DoubleVector.fromArray(SPECIES, w, 2 * q + j);
        DoubleVector w2i = DoubleVector.fromArray(SPECIES, w, 3 * q + j);
        DoubleVector ar = t0r.sub(t1r);
        DoubleVector ai = t0i.sub(t1i);
        ar.mul(w2r).sub(ai.mul(w2i)).intoArray(f, i1);
        ar.mul(w2i).add(ai.mul(w2r)).intoArray(f, i1 + m);
        DoubleVector w1r = DoubleVector.fromArray(SPECIES, w, j);
        DoubleVector w1i = DoubleVector.fromArray(SPECIES, w, q + j);
        DoubleVector br = d0r.add(d1r);
        DoubleVector bi = d0i.add(d1i);
        br.mul(w1r).sub(bi.mul(w1i)).intoArray(f, i2);
        br.mul(w1i).add(bi.mul(w1r)).intoArray(f, i2 + m);
        DoubleVector w3r = DoubleVector.fromArray(SPECIES, w, 4 * q + j);
        DoubleVector w3i = DoubleVector.fromArray(SPECIES, w, 5 * q + j);
        DoubleVector cr = d0r.sub(d1r);
        DoubleVector ci = d0i.sub(d1i);
        cr.mul(w3r).sub(ci.mul(w3i)).intoArray(f, i3);
        cr.mul(w3i).add(ci.mul(w3r)).intoArray(f, i3 + m);
      }
    }
  }

  /** Vector form of {@link ScalarNegacyclicFft#radix4Dit}; needs q ≥ lanes. */
  static void radix4Dit(double[] f, int off, int m, int q, double[] w) {
    int len = 4 * q;
    for (int b = off; b < off + m; b += len) {
      for (int j = 0; j < q; j += LANES) {
        int i0 = b + j;
        int i1 = i0 + q;
        int i2 = i1 + q;
        int i3 = i2 + q;
        DoubleVector w1r = DoubleVector.fromArray(SPECIES, w, j);
        DoubleVector w1i = DoubleVector.fromArray(SPECIES, w, q + j);
        DoubleVector w2r = DoubleVector.fromArray(SPECIES, w, 2 * q + j);
        DoubleVector w2i = DoubleVector.fromArray(SPECIES, w, 3 * q + j);
        DoubleVector w3r = DoubleVector.fromArray(SPECIES, w, 4 * q + j);
        DoubleVector w3i = DoubleVector.fromArray(SPECIES, w, 5 * q + j);
        DoubleVector y0r = DoubleVector.fromArray(SPECIES, f, i0);
        DoubleVector y0i = DoubleVector.fromArray(SPECIES, f, i0 + m);
        DoubleVector y1r = DoubleVector.fromArray(SPECIES, f, i1);
        DoubleVector y1i = DoubleVector.fromArray(SPECIES, f, i1 + m);
        DoubleVector y2r = DoubleVector.fromArray(SPECIES, f, i2);
        DoubleVector y2i = DoubleVector.fromArray(SPECIES, f, i2 + m);
        DoubleVector y3r = DoubleVector.fromArray(SPECIES, f, i3);
        DoubleVector y3i = DoubleVector.fromArray(SPECIES, f, i3 + m);
        DoubleVector p1r = y1r.mul(w2r).add(y1i.mul(w2i));
        DoubleVector p1i = y1i.mul(w2r).sub(y1r.mul(w2i));
        DoubleVector p2r = y2r.mul(w1r).add(y2i.mul(w1i));
        DoubleVector p2i = y2i.mul(w1r).sub(y2r.mul(w1i));
        DoubleVector p3r = y3r.mul(w3r).add(y3i.mul(w3i));
        DoubleVector p3i = y3i.mul(w3r).sub(y3r.mul(w3i));
        DoubleVector a0r = y0r.add(p1r);
        DoubleVector a0i = y0i.add(p1i);
        DoubleVector a1r = y0r.sub(p1r);
        DoubleVector a1i = y0i.sub(p1i);
        DoubleVector gr = p2r.add(p3r);
        DoubleVector gi = p2i.add(p3i);
        DoubleVector hr = p3i.sub(p2i);
        DoubleVector hi = p2r.sub(p3r);
        a0r.add(gr).intoArray(f, i0);
        a0i.add(gi).intoArray(f, i0 + m);
        a0r.sub(gr).intoArray(f, i2);
        a0i.sub(gi).intoArray(f, i2 + m);
        a1r.add(hr).intoArray(f, i1);
        a1i.add(hi).intoArray(f, i1 + m);
        a1r.sub(hr).intoArray(f, i3);
        a1i.sub(hi).intoArray(f, i3 + m);
      }
    }
  }
}
