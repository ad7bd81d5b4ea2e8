package dev.fhec.runtime.fft;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Negacyclic FFT whose butterflies, twist and pointwise products run on the Vector API ({@code
 * jdk.incubator.vector}). Stages whose butterfly distance is at least a vector are vectorized
 * across butterflies; the last stage (distance 1, unit twiddles) runs in registers with lane
 * shuffles; the distances in between (only with vectors wider than 4 lanes) fall back to the scalar
 * kernels of {@link ScalarNegacyclicFft}. Same plan, same twiddle tables and same operation order
 * as the scalar path, with no fused multiply-add, so both produce bit-identical results. The twist
 * is fused into the first stage and the inverse twist into the last; u64 ↔ f64 conversions stay
 * plain loops, which C2 vectorizes faster than the Vector API's L2D/D2L conversions on JDK 25.
 * Fewer passes over memory with 4-lane vectors: the q = 4 stage runs with the unit stage ({@link
 * #radix4DifLastTwo}), and up to N = 4096 the radix-2 stage with the first radix-4 stage ({@link
 * #radix8DifTwisted}). FMA was measured and left out (no gain at N = 4096; bench/RESULTS.md "#11
 * FFT kernels (session 2026-12-05c)").
 *
 * <p>Load this class only when the boot layer has {@code jdk.incubator.vector}; {@link
 * NegacyclicFfts} does. The species is a {@code static final} constant because C2 intrinsifies
 * vector operations only then (tfhe.md §8.4: a species in a field costs 10×). It is 256-bit by
 * default: on the AVX-512 development VM (JDK 25, N = 2048) it took 2.8 µs forward and 3.0 µs
 * backward against 3.3 and 3.5 µs for the 512-bit preferred species, whose 8 lanes leave the
 * distance-4 stage to the scalar kernel. {@code -Dfhec.fft.species=preferred} selects {@link
 * DoubleVector#SPECIES_PREFERRED}, as does a machine whose preferred vectors are narrower than 256
 * bits.
 *
 * <p>Not thread-safe (scratch buffer): one instance per thread.
 */
public final class VectorNegacyclicFft implements NegacyclicFft {
  static final VectorSpecies<Double> SPECIES =
      "preferred".equals(System.getProperty("fhec.fft.species"))
              || DoubleVector.SPECIES_PREFERRED.vectorBitSize() < 256
          ? DoubleVector.SPECIES_PREFERRED
          : DoubleVector.SPECIES_256;
  static final int LANES = SPECIES.length();

  /** The in-register last stage works on groups of 4 lanes. */
  static final boolean UNIT_KERNEL = LANES % 4 == 0;

  /** Lane i ↔ lane i ^ 2: swaps the halves of every group of 4 lanes. */
  private static final VectorShuffle<Double> SWAP_HALVES =
      VectorShuffle.fromOp(SPECIES, i -> i ^ 2);

  /** Lane i ↔ lane i ^ 1: swaps neighbours. */
  private static final VectorShuffle<Double> SWAP_PAIRS = VectorShuffle.fromOp(SPECIES, i -> i ^ 1);

  /** Lanes 2 and 3 of every group of 4. */
  private static final VectorMask<Double> UPPER_HALF =
      VectorMask.fromLong(SPECIES, 0xCCCC_CCCC_CCCC_CCCCL);

  /** Lanes 1 and 3 of every group of 4. */
  private static final VectorMask<Double> ODD =
      VectorMask.fromLong(SPECIES, 0xAAAA_AAAA_AAAA_AAAAL);

  /** Lane 3 of every group of 4. */
  private static final VectorMask<Double> LAST =
      VectorMask.fromLong(SPECIES, 0x8888_8888_8888_8888L);

  private static final double TWO_POW_64 = 0x1p64;

  /**
   * Cache blocking: once the butterfly blocks of a stage are at most this many complex points (16
   * KiB of re + im), the transform runs every remaining stage on one block before moving to the
   * next, so that block stays in L1 instead of each stage streaming the whole polynomial through L2
   * (at N = 8192 the 64 KiB of one polynomial exceed a 48 KiB L1: measured 3.6× the time of N =
   * 4096 before blocking). Butterflies are independent within a stage, so the order changes no
   * result.
   */
  static final int BLOCK = 1024;

  /**
   * The largest transform (complex points) whose radix-2 stage is fused with the next one: up to
   * 2048 points (N = 4096, 32 KiB) the polynomial stays in L1 and the fused pass saves a load and
   * store pass; at N = 16384 its 16 data and 8 twist streams over 128 KiB made the forward
   * transform 1.3× slower (FftCpuTimeProbe-style A/B, session 2026-12-05c).
   */
  static final int RADIX8_MAX = 2048;

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
    toDoubles(poly, polyOffset, fourier, fourierOffset, tables.n);
    forwardTwisted(tables, fourier, fourierOffset, tables.twistRe, tables.twistIm);
  }

  @Override
  public void forwardIntegersInPlace(double[] fourier, int off) {
    forwardTwisted(tables, fourier, off, tables.twistRe, tables.twistIm);
  }

  @Override
  public void forwardTorus(long[] poly, int polyOffset, double[] fourier, int fourierOffset) {
    toDoubles(poly, polyOffset, fourier, fourierOffset, tables.n);
    forwardTwisted(tables, fourier, fourierOffset, tables.torusTwistRe, tables.torusTwistIm);
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
  public void mul(double[] out, int outOffset, double[] a, int aOffset, double[] b, int bOffset) {
    int m = tables.m;
    int k = 0;
    for (; k <= m - LANES; k += LANES) {
      DoubleVector ar = DoubleVector.fromArray(SPECIES, a, aOffset + k);
      DoubleVector ai = DoubleVector.fromArray(SPECIES, a, aOffset + m + k);
      DoubleVector br = DoubleVector.fromArray(SPECIES, b, bOffset + k);
      DoubleVector bi = DoubleVector.fromArray(SPECIES, b, bOffset + m + k);
      ar.mul(br).sub(ai.mul(bi)).intoArray(out, outOffset + k);
      ar.mul(bi).add(ai.mul(br)).intoArray(out, outOffset + m + k);
    }
    for (; k < m; k++) {
      double ar = a[aOffset + k];
      double ai = a[aOffset + m + k];
      double br = b[bOffset + k];
      double bi = b[bOffset + m + k];
      out[outOffset + k] = ar * br - ai * bi;
      out[outOffset + m + k] = ar * bi + ai * br;
    }
  }

  @Override
  public void mulPair(
      double[] out,
      int outOffset,
      double[] a,
      int aOffset,
      int aStride,
      double[] b,
      int bOffset,
      int bStride) {
    pair(out, outOffset, a, aOffset, aOffset + aStride, b, bOffset, bOffset + bStride, false);
  }

  @Override
  public void mulAccumulatePair(
      double[] acc,
      int accOffset,
      double[] a,
      int aOffset,
      int aStride,
      double[] b,
      int bOffset,
      int bStride) {
    pair(acc, accOffset, a, aOffset, aOffset + aStride, b, bOffset, bOffset + bStride, true);
  }

  /**
   * out = [out +] a0 ⊙ b0 + a1 ⊙ b1, left to right with the rounding of {@link #mul} and {@link
   * #mulAccumulate}: one pass over out instead of two (a blind rotation's Fourier sum has (k+1)ℓ
   * terms per output polynomial). Two loops rather than a branch on {@code accumulate} inside one,
   * which would merge vectors through a phi that C2 may box.
   */
  private void pair(
      double[] out,
      int o,
      double[] a,
      int a0,
      int a1,
      double[] b,
      int b0,
      int b1,
      boolean accumulate) {
    int m = tables.m;
    int end = m - m % LANES;
    if (accumulate) {
      for (int k = 0; k < end; k += LANES) {
        DoubleVector cr = DoubleVector.fromArray(SPECIES, out, o + k);
        DoubleVector ci = DoubleVector.fromArray(SPECIES, out, o + m + k);
        DoubleVector xr = DoubleVector.fromArray(SPECIES, a, a0 + k);
        DoubleVector xi = DoubleVector.fromArray(SPECIES, a, a0 + m + k);
        DoubleVector yr = DoubleVector.fromArray(SPECIES, b, b0 + k);
        DoubleVector yi = DoubleVector.fromArray(SPECIES, b, b0 + m + k);
        DoubleVector ur = DoubleVector.fromArray(SPECIES, a, a1 + k);
        DoubleVector ui = DoubleVector.fromArray(SPECIES, a, a1 + m + k);
        DoubleVector vr = DoubleVector.fromArray(SPECIES, b, b1 + k);
        DoubleVector vi = DoubleVector.fromArray(SPECIES, b, b1 + m + k);
        cr.add(xr.mul(yr).sub(xi.mul(yi))).add(ur.mul(vr).sub(ui.mul(vi))).intoArray(out, o + k);
        ci.add(xr.mul(yi).add(xi.mul(yr)))
            .add(ur.mul(vi).add(ui.mul(vr)))
            .intoArray(out, o + m + k);
      }
    } else {
      for (int k = 0; k < end; k += LANES) {
        DoubleVector xr = DoubleVector.fromArray(SPECIES, a, a0 + k);
        DoubleVector xi = DoubleVector.fromArray(SPECIES, a, a0 + m + k);
        DoubleVector yr = DoubleVector.fromArray(SPECIES, b, b0 + k);
        DoubleVector yi = DoubleVector.fromArray(SPECIES, b, b0 + m + k);
        DoubleVector ur = DoubleVector.fromArray(SPECIES, a, a1 + k);
        DoubleVector ui = DoubleVector.fromArray(SPECIES, a, a1 + m + k);
        DoubleVector vr = DoubleVector.fromArray(SPECIES, b, b1 + k);
        DoubleVector vi = DoubleVector.fromArray(SPECIES, b, b1 + m + k);
        xr.mul(yr).sub(xi.mul(yi)).add(ur.mul(vr).sub(ui.mul(vi))).intoArray(out, o + k);
        xr.mul(yi).add(xi.mul(yr)).add(ur.mul(vi).add(ui.mul(vr))).intoArray(out, o + m + k);
      }
    }
    for (int k = end; k < m; k++) {
      double cr = a[a0 + k] * b[b0 + k] - a[a0 + m + k] * b[b0 + m + k];
      double ci = a[a0 + k] * b[b0 + m + k] + a[a0 + m + k] * b[b0 + k];
      if (accumulate) {
        cr = out[o + k] + cr;
        ci = out[o + m + k] + ci;
      }
      out[o + k] = cr + (a[a1 + k] * b[b1 + k] - a[a1 + m + k] * b[b1 + m + k]);
      out[o + m + k] = ci + (a[a1 + k] * b[b1 + m + k] + a[a1 + m + k] * b[b1 + k]);
    }
  }

  @Override
  public void backwardAddTorus(double[] fourier, int fourierOffset, long[] poly, int polyOffset) {
    inverseUntwisted(tables, fourier, fourierOffset, scratch);
    int n = tables.n;
    double[] x = scratch;
    // A plain loop: C2 vectorizes rint and the long cast better here than the Vector API's
    // D2L conversion (measured on JDK 25, AVX-512).
    for (int j = 0; j < n; j++) {
      double v = x[j];
      poly[polyOffset + j] += (long) ((v - Math.rint(v)) * TWO_POW_64);
    }
  }

  /**
   * dst[dstOff + j] = (double) src[srcOff + j]: a plain loop, which C2 vectorizes with a faster
   * long → double conversion than the Vector API's L2D (measured on JDK 25, AVX-512).
   */
  private static void toDoubles(long[] src, int srcOff, double[] dst, int dstOff, int n) {
    for (int j = 0; j < n; j++) {
      dst[dstOff + j] = src[srcOff + j];
    }
  }

  /**
   * Multiplies the folded points by the twist (tr, ti) and runs the forward transform, the twist
   * being fused into the first stage when that stage is vectorized.
   */
  static void forwardTwisted(FftTables t, double[] f, int off, double[] tr, double[] ti) {
    int m = t.m;
    int first = 0;
    if (radix8(t)) {
      radix8DifTwisted(f, off, m, t.radix2, t.radix4[0], tr, ti);
      first = 1;
    } else if (t.radix2First && m / 2 >= LANES) {
      radix2DifTwisted(f, off, m, t.radix2, tr, ti);
    } else if (!t.radix2First && t.radix4.length > 0 && t.radix4Quarter[0] >= LANES) {
      radix4DifTwisted(f, off, m, t.radix4Quarter[0], t.radix4[0], tr, ti);
      first = 1;
    } else {
      // Too small to vectorize: twist, then the plain plan.
      for (int j = 0; j < m; j++) {
        double ar = f[off + j];
        double ai = f[off + m + j];
        f[off + j] = ar * tr[j] - ai * ti[j];
        f[off + m + j] = ar * ti[j] + ai * tr[j];
      }
      forwardInPlace(t, f, off);
      return;
    }
    forwardStages(t, f, off, first);
  }

  /** Radix-4 stages {@code first ..} of the forward transform, cache-blocked where possible. */
  private static void forwardStages(FftTables t, double[] f, int off, int first) {
    int m = t.m;
    int stages = t.radix4.length;
    int fused = fusedStage(t, first);
    int blocked = firstBlockedStage(t, first);
    for (int s = first; s < blocked; s++) {
      if (s == fused) {
        radix4DifLastTwo(f, off, m, t.radix4[s], m);
        return;
      }
      radix4(t, f, off, s, true);
    }
    if (blocked == stages) {
      return;
    }
    for (int b = 0; b < m; b += BLOCK) {
      for (int s = blocked; s < stages; s++) {
        if (s == fused) {
          radix4DifLastTwo(f, off + b, m, t.radix4[s], BLOCK);
          break;
        }
        radix4Block(t, f, off + b, s, true);
      }
    }
  }

  /**
   * Whether the radix-2 stage and the first radix-4 stage run as one radix-8 pass ({@link
   * #radix8DifTwisted}, {@link #radix8DitUntwisted}): when the plan starts with a radix-2 stage,
   * the next stage is vectorized, and the polynomial is at most {@link #RADIX8_MAX} points.
   */
  private static boolean radix8(FftTables t) {
    return t.radix2First && t.radix4.length > 0 && t.radix4Quarter[0] >= LANES && t.m <= RADIX8_MAX;
  }

  /**
   * The stage (q = 4) that {@link #radix4DifLastTwo} and {@link #radix4DitFirstTwo} fuse with the
   * unit stage after it, when vectors have 4 lanes and that stage is not already fused with the
   * twist (it comes at or after {@code from}); −1 otherwise.
   */
  private static int fusedStage(FftTables t, int from) {
    int s = t.radix4.length - 2;
    return LANES == 4 && s >= from && t.radix4Quarter[s] == 4 ? s : -1;
  }

  /**
   * The first stage at or after {@code from} whose blocks fit in {@link #BLOCK} points, if every
   * stage from there on has a vector kernel and the transform is larger than a block; otherwise the
   * number of stages (no blocking).
   */
  private static int firstBlockedStage(FftTables t, int from) {
    int stages = t.radix4.length;
    if (t.m <= BLOCK) {
      return stages;
    }
    int s = from;
    while (s < stages && 4 * t.radix4Quarter[s] > BLOCK) {
      s++;
    }
    for (int r = s; r < stages; r++) {
      int q = t.radix4Quarter[r];
      if (q < LANES && !(q == 1 && UNIT_KERNEL)) {
        return stages;
      }
    }
    return s;
  }

  /**
   * Radix-4 stage {@code s} on the {@link #BLOCK} points at {@code blockOff} (real parts; imaginary
   * parts M further), which {@link #firstBlockedStage} found to have a vector kernel.
   */
  private static void radix4Block(FftTables t, double[] f, int blockOff, int s, boolean forward) {
    int m = t.m;
    int q = t.radix4Quarter[s];
    if (q == 1) {
      if (forward) {
        radix4DifUnit(f, blockOff, m, BLOCK);
      } else {
        radix4DitUnit(f, blockOff, f, blockOff, m, BLOCK);
      }
    } else {
      radix4Span(f, blockOff, m, q, t.radix4[s], BLOCK, forward);
    }
  }

  /**
   * Inverse transform of {@code src} into {@code dst[0, N)}, multiplied by the inverse twist
   * ψ^{−j}/M: the first stage reads {@code src} (no copy), the last applies the untwist when those
   * stages are vectorized.
   */
  static void inverseUntwisted(FftTables t, double[] src, int srcOff, double[] dst) {
    int m = t.m;
    int stages = t.radix4.length;
    boolean fusedLast = t.radix2First ? m / 2 >= LANES : stages > 1 && t.radix4Quarter[0] >= LANES;
    if (!fusedLast || !UNIT_KERNEL || stages == 0 || t.radix4Quarter[stages - 1] != 1) {
      // Too small to vectorize: copy, plain plan, untwist.
      System.arraycopy(src, srcOff, dst, 0, t.n);
      inverseInPlace(t, dst, 0);
      double[] ur = t.untwistRe;
      double[] ui = t.untwistIm;
      for (int j = 0; j < m; j++) {
        double zr = dst[j];
        double zi = dst[m + j];
        dst[j] = zr * ur[j] - zi * ui[j];
        dst[m + j] = zr * ui[j] + zi * ur[j];
      }
      return;
    }
    int last = t.radix2First && !radix8(t) ? 0 : 1;
    int blocked = firstBlockedStage(t, last);
    int fused = fusedStage(t, last);
    // The stages left after the first pass: the unit stage, or it and the fused q = 4 stage.
    int next = fused >= 0 ? stages - 3 : stages - 2;
    int s = next;
    if (blocked < stages) {
      // Each block: the unit stage reading src, then the blocked stages, while it is in L1.
      for (int b = 0; b < m; b += BLOCK) {
        if (fused >= 0) {
          radix4DitFirstTwo(src, srcOff + b, dst, b, m, t.radix4[fused], BLOCK);
        } else {
          radix4DitUnit(src, srcOff + b, dst, b, m, BLOCK);
        }
        for (int r = next; r >= blocked; r--) {
          radix4Block(t, dst, b, r, false);
        }
      }
      s = blocked - 1;
    } else if (fused >= 0) {
      radix4DitFirstTwo(src, srcOff, dst, 0, m, t.radix4[fused], m);
    } else {
      radix4DitUnit(src, srcOff, dst, 0, m, m);
    }
    for (; s >= last; s--) {
      radix4(t, dst, 0, s, false);
    }
    if (radix8(t)) {
      radix8DitUntwisted(dst, 0, m, t.radix2, t.radix4[0], t.untwistRe, t.untwistIm);
    } else if (t.radix2First) {
      radix2DitUntwisted(dst, 0, m, t.radix2, t.untwistRe, t.untwistIm);
    } else {
      radix4DitUntwisted(dst, 0, m, t.radix4Quarter[0], t.radix4[0], t.untwistRe, t.untwistIm);
    }
  }

  /** Radix-4 stage {@code s}, forward (DIF) or inverse (DIT), on the best available kernel. */
  private static void radix4(FftTables t, double[] f, int off, int s, boolean forward) {
    int m = t.m;
    int q = t.radix4Quarter[s];
    if (q >= LANES && 4 * q > BLOCK) {
      // Large butterfly blocks one after the other: with the twiddle index outside and several
      // blocks inside, each step touched 8 streams per block across the whole polynomial (at N =
      // 16384, 16 streams over 128 KiB, more than the prefetchers follow: measured as slow as all
      // the cache-blocked stages together).
      for (int b = 0; b < m; b += 4 * q) {
        if (forward) {
          radix4Dif(f, off + b, m, q, t.radix4[s], 4 * q);
        } else {
          radix4Dit(f, off + b, m, q, t.radix4[s], 4 * q);
        }
      }
    } else if (q >= LANES) {
      radix4Span(f, off, m, q, t.radix4[s], m, forward);
    } else if (q == 1 && UNIT_KERNEL && m >= LANES) {
      if (forward) {
        radix4DifUnit(f, off, m, m);
      } else {
        radix4DitUnit(f, off, f, off, m, m);
      }
    } else if (forward) {
      ScalarNegacyclicFft.radix4Dif(f, off, m, q, t.radix4[s]);
    } else {
      ScalarNegacyclicFft.radix4Dit(f, off, m, q, t.radix4[s]);
    }
  }

  /**
   * {@link #radix4Dif} or {@link #radix4Dit} on {@code span} points, through the copies whose q is
   * a constant for q = 16 and 64: their block loop (stride 4q) is then a counted loop to C2, which
   * hoists its range checks (measured 5–8 % less CPU per forward + backward at N = 8192, 2–4 % at
   * 4096; session 2026-12-05c).
   */
  private static void radix4Span(
      double[] f, int off, int m, int q, double[] w, int span, boolean forward) {
    if (q == 16) {
      if (forward) {
        radix4DifQ16(f, off, m, w, span);
      } else {
        radix4DitQ16(f, off, m, w, span);
      }
    } else if (q == 64) {
      if (forward) {
        radix4DifQ64(f, off, m, w, span);
      } else {
        radix4DitQ64(f, off, m, w, span);
      }
    } else if (forward) {
      radix4Dif(f, off, m, q, w, span);
    } else {
      radix4Dit(f, off, m, q, w, span);
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
      radix4(t, f, off, s, true);
    }
  }

  /** Inverse DIT transform (unscaled, ×M): permuted in, natural out. */
  static void inverseInPlace(FftTables t, double[] f, int off) {
    int m = t.m;
    for (int s = t.radix4.length - 1; s >= 0; s--) {
      radix4(t, f, off, s, false);
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

  /**
   * Vector form of {@link ScalarNegacyclicFft#radix4Dif} on the {@code span} points at {@code off}
   * (a multiple of 4q; imaginary parts M further); needs q ≥ lanes.
   */
  static void radix4Dif(double[] f, int off, int m, int q, double[] w, int span) {
    int len = 4 * q;
    // j outside, blocks inside: each twiddle vector is loaded once per stage.
    for (int j = 0; j < q; j += LANES) {
      DoubleVector w1r = DoubleVector.fromArray(SPECIES, w, j);
      DoubleVector w1i = DoubleVector.fromArray(SPECIES, w, q + j);
      DoubleVector w2r = DoubleVector.fromArray(SPECIES, w, 2 * q + j);
      DoubleVector w2i = DoubleVector.fromArray(SPECIES, w, 3 * q + j);
      DoubleVector w3r = DoubleVector.fromArray(SPECIES, w, 4 * q + j);
      DoubleVector w3i = DoubleVector.fromArray(SPECIES, w, 5 * q + j);
      for (int b = off; b < off + span; b += len) {
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
        DoubleVector ar = t0r.sub(t1r);
        DoubleVector ai = t0i.sub(t1i);
        ar.mul(w2r).sub(ai.mul(w2i)).intoArray(f, i1);
        ar.mul(w2i).add(ai.mul(w2r)).intoArray(f, i1 + m);
        DoubleVector br = d0r.add(d1r);
        DoubleVector bi = d0i.add(d1i);
        br.mul(w1r).sub(bi.mul(w1i)).intoArray(f, i2);
        br.mul(w1i).add(bi.mul(w1r)).intoArray(f, i2 + m);
        DoubleVector cr = d0r.sub(d1r);
        DoubleVector ci = d0i.sub(d1i);
        cr.mul(w3r).sub(ci.mul(w3i)).intoArray(f, i3);
        cr.mul(w3i).add(ci.mul(w3r)).intoArray(f, i3 + m);
      }
    }
  }

  /** Vector form of {@link ScalarNegacyclicFft#radix4Dit}; same span rule as {@link #radix4Dif}. */
  static void radix4Dit(double[] f, int off, int m, int q, double[] w, int span) {
    int len = 4 * q;
    for (int j = 0; j < q; j += LANES) {
      DoubleVector w1r = DoubleVector.fromArray(SPECIES, w, j);
      DoubleVector w1i = DoubleVector.fromArray(SPECIES, w, q + j);
      DoubleVector w2r = DoubleVector.fromArray(SPECIES, w, 2 * q + j);
      DoubleVector w2i = DoubleVector.fromArray(SPECIES, w, 3 * q + j);
      DoubleVector w3r = DoubleVector.fromArray(SPECIES, w, 4 * q + j);
      DoubleVector w3i = DoubleVector.fromArray(SPECIES, w, 5 * q + j);
      for (int b = off; b < off + span; b += len) {
        int i0 = b + j;
        int i1 = i0 + q;
        int i2 = i1 + q;
        int i3 = i2 + q;
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

  /** {@link #radix4Dif} with q = 16 as a constant (see {@link #radix4Span}). */
  static void radix4DifQ16(double[] f, int off, int m, double[] w, int span) {
    final int q = 16;
    final int len = 4 * q;
    // j outside, blocks inside: each twiddle vector is loaded once per stage.
    for (int j = 0; j < q; j += LANES) {
      DoubleVector w1r = DoubleVector.fromArray(SPECIES, w, j);
      DoubleVector w1i = DoubleVector.fromArray(SPECIES, w, q + j);
      DoubleVector w2r = DoubleVector.fromArray(SPECIES, w, 2 * q + j);
      DoubleVector w2i = DoubleVector.fromArray(SPECIES, w, 3 * q + j);
      DoubleVector w3r = DoubleVector.fromArray(SPECIES, w, 4 * q + j);
      DoubleVector w3i = DoubleVector.fromArray(SPECIES, w, 5 * q + j);
      for (int b = off; b < off + span; b += len) {
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
        DoubleVector ar = t0r.sub(t1r);
        DoubleVector ai = t0i.sub(t1i);
        ar.mul(w2r).sub(ai.mul(w2i)).intoArray(f, i1);
        ar.mul(w2i).add(ai.mul(w2r)).intoArray(f, i1 + m);
        DoubleVector br = d0r.add(d1r);
        DoubleVector bi = d0i.add(d1i);
        br.mul(w1r).sub(bi.mul(w1i)).intoArray(f, i2);
        br.mul(w1i).add(bi.mul(w1r)).intoArray(f, i2 + m);
        DoubleVector cr = d0r.sub(d1r);
        DoubleVector ci = d0i.sub(d1i);
        cr.mul(w3r).sub(ci.mul(w3i)).intoArray(f, i3);
        cr.mul(w3i).add(ci.mul(w3r)).intoArray(f, i3 + m);
      }
    }
  }

  /** {@link #radix4Dif} with q = 64 as a constant (see {@link #radix4Span}). */
  static void radix4DifQ64(double[] f, int off, int m, double[] w, int span) {
    final int q = 64;
    final int len = 4 * q;
    // j outside, blocks inside: each twiddle vector is loaded once per stage.
    for (int j = 0; j < q; j += LANES) {
      DoubleVector w1r = DoubleVector.fromArray(SPECIES, w, j);
      DoubleVector w1i = DoubleVector.fromArray(SPECIES, w, q + j);
      DoubleVector w2r = DoubleVector.fromArray(SPECIES, w, 2 * q + j);
      DoubleVector w2i = DoubleVector.fromArray(SPECIES, w, 3 * q + j);
      DoubleVector w3r = DoubleVector.fromArray(SPECIES, w, 4 * q + j);
      DoubleVector w3i = DoubleVector.fromArray(SPECIES, w, 5 * q + j);
      for (int b = off; b < off + span; b += len) {
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
        DoubleVector ar = t0r.sub(t1r);
        DoubleVector ai = t0i.sub(t1i);
        ar.mul(w2r).sub(ai.mul(w2i)).intoArray(f, i1);
        ar.mul(w2i).add(ai.mul(w2r)).intoArray(f, i1 + m);
        DoubleVector br = d0r.add(d1r);
        DoubleVector bi = d0i.add(d1i);
        br.mul(w1r).sub(bi.mul(w1i)).intoArray(f, i2);
        br.mul(w1i).add(bi.mul(w1r)).intoArray(f, i2 + m);
        DoubleVector cr = d0r.sub(d1r);
        DoubleVector ci = d0i.sub(d1i);
        cr.mul(w3r).sub(ci.mul(w3i)).intoArray(f, i3);
        cr.mul(w3i).add(ci.mul(w3r)).intoArray(f, i3 + m);
      }
    }
  }

  /** {@link #radix4Dit} with q = 16 as a constant (see {@link #radix4Span}). */
  static void radix4DitQ16(double[] f, int off, int m, double[] w, int span) {
    final int q = 16;
    final int len = 4 * q;
    for (int j = 0; j < q; j += LANES) {
      DoubleVector w1r = DoubleVector.fromArray(SPECIES, w, j);
      DoubleVector w1i = DoubleVector.fromArray(SPECIES, w, q + j);
      DoubleVector w2r = DoubleVector.fromArray(SPECIES, w, 2 * q + j);
      DoubleVector w2i = DoubleVector.fromArray(SPECIES, w, 3 * q + j);
      DoubleVector w3r = DoubleVector.fromArray(SPECIES, w, 4 * q + j);
      DoubleVector w3i = DoubleVector.fromArray(SPECIES, w, 5 * q + j);
      for (int b = off; b < off + span; b += len) {
        int i0 = b + j;
        int i1 = i0 + q;
        int i2 = i1 + q;
        int i3 = i2 + q;
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

  /** {@link #radix4Dit} with q = 64 as a constant (see {@link #radix4Span}). */
  static void radix4DitQ64(double[] f, int off, int m, double[] w, int span) {
    final int q = 64;
    final int len = 4 * q;
    for (int j = 0; j < q; j += LANES) {
      DoubleVector w1r = DoubleVector.fromArray(SPECIES, w, j);
      DoubleVector w1i = DoubleVector.fromArray(SPECIES, w, q + j);
      DoubleVector w2r = DoubleVector.fromArray(SPECIES, w, 2 * q + j);
      DoubleVector w2i = DoubleVector.fromArray(SPECIES, w, 3 * q + j);
      DoubleVector w3r = DoubleVector.fromArray(SPECIES, w, 4 * q + j);
      DoubleVector w3i = DoubleVector.fromArray(SPECIES, w, 5 * q + j);
      for (int b = off; b < off + span; b += len) {
        int i0 = b + j;
        int i1 = i0 + q;
        int i2 = i1 + q;
        int i3 = i2 + q;
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

  /**
   * In-register form of {@link ScalarNegacyclicFft#radix4DifUnit}: each group of 4 lanes holds one
   * 4-point block; lane shuffles and blends replace the strided accesses, with the same additions
   * in the same order. On the {@code span} points at {@code off} (imaginary parts M further).
   */
  static void radix4DifUnit(double[] f, int off, int m, int span) {
    for (int i = off; i < off + span; i += LANES) {
      DoubleVector xr = DoubleVector.fromArray(SPECIES, f, i);
      DoubleVector xi = DoubleVector.fromArray(SPECIES, f, i + m);
      // (x0, x1, x2, x3) → (t0, t1, d0, e) = (x0 + x2, x1 + x3, x0 − x2, x1 − x3)
      DoubleVector sr = xr.rearrange(SWAP_HALVES);
      DoubleVector si = xi.rearrange(SWAP_HALVES);
      DoubleVector ar = xr.add(sr).blend(sr.sub(xr), UPPER_HALF);
      DoubleVector ai = xi.add(si).blend(si.sub(xi), UPPER_HALF);
      // d1 = −i·e: (er, ei) → (ei, −er)
      DoubleVector br = ar.blend(ai, LAST);
      DoubleVector bi = ai.blend(ar.neg(), LAST);
      // (t0, t1, d0, d1) → (t0 + t1, t0 − t1, d0 + d1, d0 − d1)
      DoubleVector pr = br.rearrange(SWAP_PAIRS);
      DoubleVector pi = bi.rearrange(SWAP_PAIRS);
      br.add(pr).blend(pr.sub(br), ODD).intoArray(f, i);
      bi.add(pi).blend(pi.sub(bi), ODD).intoArray(f, i + m);
    }
  }

  /**
   * In-register form of {@link ScalarNegacyclicFft#radix4DitUnit}, reading {@code src} and writing
   * {@code f} (which may be the same array and offset), {@code span} points from each offset.
   */
  static void radix4DitUnit(double[] src, int srcOff, double[] f, int off, int m, int span) {
    for (int k = 0; k < span; k += LANES) {
      int i = off + k;
      DoubleVector yr = DoubleVector.fromArray(SPECIES, src, srcOff + k);
      DoubleVector yi = DoubleVector.fromArray(SPECIES, src, srcOff + m + k);
      // (y0, y1, y2, y3) → (a0, a1, g, y2 − y3) = (y0 + y1, y0 − y1, y2 + y3, y2 − y3)
      DoubleVector sr = yr.rearrange(SWAP_PAIRS);
      DoubleVector si = yi.rearrange(SWAP_PAIRS);
      DoubleVector ar = yr.add(sr).blend(sr.sub(yr), ODD);
      DoubleVector ai = yi.add(si).blend(si.sub(yi), ODD);
      // h = i·(y2 − y3): (r, i) → (−i, r)
      DoubleVector br = ar.blend(ai.neg(), LAST);
      DoubleVector bi = ai.blend(ar, LAST);
      // (a0, a1, g, h) → (a0 + g, a1 + h, a0 − g, a1 − h)
      DoubleVector pr = br.rearrange(SWAP_HALVES);
      DoubleVector pi = bi.rearrange(SWAP_HALVES);
      br.add(pr).blend(pr.sub(br), UPPER_HALF).intoArray(f, i);
      bi.add(pi).blend(pi.sub(bi), UPPER_HALF).intoArray(f, i + m);
    }
  }

  /**
   * The last two forward stages in one pass, for 4-lane vectors: on each 16-point block, the
   * radix-4 stage with q = 4 (its quarters are one vector each, its twiddles the same four for
   * every block) and then the unit stage on each quarter, in registers. Per element the operations
   * and their order are those of {@link #radix4Dif} then {@link #radix4DifUnit}, so the bits are
   * the same, with one load and store pass over the polynomial fewer.
   */
  static void radix4DifLastTwo(double[] f, int off, int m, double[] w, int span) {
    DoubleVector w1r = DoubleVector.fromArray(SPECIES, w, 0);
    DoubleVector w1i = DoubleVector.fromArray(SPECIES, w, 4);
    DoubleVector w2r = DoubleVector.fromArray(SPECIES, w, 8);
    DoubleVector w2i = DoubleVector.fromArray(SPECIES, w, 12);
    DoubleVector w3r = DoubleVector.fromArray(SPECIES, w, 16);
    DoubleVector w3i = DoubleVector.fromArray(SPECIES, w, 20);
    for (int i0 = off; i0 < off + span; i0 += 16) {
      int i1 = i0 + 4;
      int i2 = i0 + 8;
      int i3 = i0 + 12;
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
      DoubleVector y0r = t0r.add(t1r);
      DoubleVector y0i = t0i.add(t1i);
      DoubleVector ar = t0r.sub(t1r);
      DoubleVector ai = t0i.sub(t1i);
      DoubleVector y1r = ar.mul(w2r).sub(ai.mul(w2i));
      DoubleVector y1i = ar.mul(w2i).add(ai.mul(w2r));
      DoubleVector br = d0r.add(d1r);
      DoubleVector bi = d0i.add(d1i);
      DoubleVector y2r = br.mul(w1r).sub(bi.mul(w1i));
      DoubleVector y2i = br.mul(w1i).add(bi.mul(w1r));
      DoubleVector cr = d0r.sub(d1r);
      DoubleVector ci = d0i.sub(d1i);
      DoubleVector y3r = cr.mul(w3r).sub(ci.mul(w3i));
      DoubleVector y3i = cr.mul(w3i).add(ci.mul(w3r));
      // unit stage on the u0 quarter
      DoubleVector u0sr = y0r.rearrange(SWAP_HALVES);
      DoubleVector u0si = y0i.rearrange(SWAP_HALVES);
      DoubleVector u0ar = y0r.add(u0sr).blend(u0sr.sub(y0r), UPPER_HALF);
      DoubleVector u0ai = y0i.add(u0si).blend(u0si.sub(y0i), UPPER_HALF);
      DoubleVector u0br = u0ar.blend(u0ai, LAST);
      DoubleVector u0bi = u0ai.blend(u0ar.neg(), LAST);
      DoubleVector u0pr = u0br.rearrange(SWAP_PAIRS);
      DoubleVector u0pi = u0bi.rearrange(SWAP_PAIRS);
      u0br.add(u0pr).blend(u0pr.sub(u0br), ODD).intoArray(f, i0);
      u0bi.add(u0pi).blend(u0pi.sub(u0bi), ODD).intoArray(f, i0 + m);
      // unit stage on the u1 quarter
      DoubleVector u1sr = y1r.rearrange(SWAP_HALVES);
      DoubleVector u1si = y1i.rearrange(SWAP_HALVES);
      DoubleVector u1ar = y1r.add(u1sr).blend(u1sr.sub(y1r), UPPER_HALF);
      DoubleVector u1ai = y1i.add(u1si).blend(u1si.sub(y1i), UPPER_HALF);
      DoubleVector u1br = u1ar.blend(u1ai, LAST);
      DoubleVector u1bi = u1ai.blend(u1ar.neg(), LAST);
      DoubleVector u1pr = u1br.rearrange(SWAP_PAIRS);
      DoubleVector u1pi = u1bi.rearrange(SWAP_PAIRS);
      u1br.add(u1pr).blend(u1pr.sub(u1br), ODD).intoArray(f, i1);
      u1bi.add(u1pi).blend(u1pi.sub(u1bi), ODD).intoArray(f, i1 + m);
      // unit stage on the u2 quarter
      DoubleVector u2sr = y2r.rearrange(SWAP_HALVES);
      DoubleVector u2si = y2i.rearrange(SWAP_HALVES);
      DoubleVector u2ar = y2r.add(u2sr).blend(u2sr.sub(y2r), UPPER_HALF);
      DoubleVector u2ai = y2i.add(u2si).blend(u2si.sub(y2i), UPPER_HALF);
      DoubleVector u2br = u2ar.blend(u2ai, LAST);
      DoubleVector u2bi = u2ai.blend(u2ar.neg(), LAST);
      DoubleVector u2pr = u2br.rearrange(SWAP_PAIRS);
      DoubleVector u2pi = u2bi.rearrange(SWAP_PAIRS);
      u2br.add(u2pr).blend(u2pr.sub(u2br), ODD).intoArray(f, i2);
      u2bi.add(u2pi).blend(u2pi.sub(u2bi), ODD).intoArray(f, i2 + m);
      // unit stage on the u3 quarter
      DoubleVector u3sr = y3r.rearrange(SWAP_HALVES);
      DoubleVector u3si = y3i.rearrange(SWAP_HALVES);
      DoubleVector u3ar = y3r.add(u3sr).blend(u3sr.sub(y3r), UPPER_HALF);
      DoubleVector u3ai = y3i.add(u3si).blend(u3si.sub(y3i), UPPER_HALF);
      DoubleVector u3br = u3ar.blend(u3ai, LAST);
      DoubleVector u3bi = u3ai.blend(u3ar.neg(), LAST);
      DoubleVector u3pr = u3br.rearrange(SWAP_PAIRS);
      DoubleVector u3pi = u3bi.rearrange(SWAP_PAIRS);
      u3br.add(u3pr).blend(u3pr.sub(u3br), ODD).intoArray(f, i3);
      u3bi.add(u3pi).blend(u3pi.sub(u3bi), ODD).intoArray(f, i3 + m);
    }
  }

  /**
   * The first two inverse stages in one pass, for 4-lane vectors: on each 16-point block of {@code
   * src}, the unit stage on each quarter in registers, then the radix-4 stage with q = 4 across the
   * quarters, written to {@code f} (which may be {@code src} at the same offset). Per element the
   * operations of {@link #radix4DitUnit} then {@link #radix4Dit}, in their order.
   */
  static void radix4DitFirstTwo(
      double[] src, int srcOff, double[] f, int off, int m, double[] w, int span) {
    DoubleVector w1r = DoubleVector.fromArray(SPECIES, w, 0);
    DoubleVector w1i = DoubleVector.fromArray(SPECIES, w, 4);
    DoubleVector w2r = DoubleVector.fromArray(SPECIES, w, 8);
    DoubleVector w2i = DoubleVector.fromArray(SPECIES, w, 12);
    DoubleVector w3r = DoubleVector.fromArray(SPECIES, w, 16);
    DoubleVector w3i = DoubleVector.fromArray(SPECIES, w, 20);
    for (int k = 0; k < span; k += 16) {
      int i0 = off + k;
      int i1 = i0 + 4;
      int i2 = i0 + 8;
      int i3 = i0 + 12;
      int s0 = srcOff + k;
      DoubleVector u0yr = DoubleVector.fromArray(SPECIES, src, s0);
      DoubleVector u0yi = DoubleVector.fromArray(SPECIES, src, s0 + m);
      DoubleVector u0sr = u0yr.rearrange(SWAP_PAIRS);
      DoubleVector u0si = u0yi.rearrange(SWAP_PAIRS);
      DoubleVector u0ar = u0yr.add(u0sr).blend(u0sr.sub(u0yr), ODD);
      DoubleVector u0ai = u0yi.add(u0si).blend(u0si.sub(u0yi), ODD);
      DoubleVector u0br = u0ar.blend(u0ai.neg(), LAST);
      DoubleVector u0bi = u0ai.blend(u0ar, LAST);
      DoubleVector u0pr = u0br.rearrange(SWAP_HALVES);
      DoubleVector u0pi = u0bi.rearrange(SWAP_HALVES);
      DoubleVector y0r = u0br.add(u0pr).blend(u0pr.sub(u0br), UPPER_HALF);
      DoubleVector y0i = u0bi.add(u0pi).blend(u0pi.sub(u0bi), UPPER_HALF);
      DoubleVector u1yr = DoubleVector.fromArray(SPECIES, src, s0 + 4);
      DoubleVector u1yi = DoubleVector.fromArray(SPECIES, src, s0 + 4 + m);
      DoubleVector u1sr = u1yr.rearrange(SWAP_PAIRS);
      DoubleVector u1si = u1yi.rearrange(SWAP_PAIRS);
      DoubleVector u1ar = u1yr.add(u1sr).blend(u1sr.sub(u1yr), ODD);
      DoubleVector u1ai = u1yi.add(u1si).blend(u1si.sub(u1yi), ODD);
      DoubleVector u1br = u1ar.blend(u1ai.neg(), LAST);
      DoubleVector u1bi = u1ai.blend(u1ar, LAST);
      DoubleVector u1pr = u1br.rearrange(SWAP_HALVES);
      DoubleVector u1pi = u1bi.rearrange(SWAP_HALVES);
      DoubleVector y1r = u1br.add(u1pr).blend(u1pr.sub(u1br), UPPER_HALF);
      DoubleVector y1i = u1bi.add(u1pi).blend(u1pi.sub(u1bi), UPPER_HALF);
      DoubleVector u2yr = DoubleVector.fromArray(SPECIES, src, s0 + 8);
      DoubleVector u2yi = DoubleVector.fromArray(SPECIES, src, s0 + 8 + m);
      DoubleVector u2sr = u2yr.rearrange(SWAP_PAIRS);
      DoubleVector u2si = u2yi.rearrange(SWAP_PAIRS);
      DoubleVector u2ar = u2yr.add(u2sr).blend(u2sr.sub(u2yr), ODD);
      DoubleVector u2ai = u2yi.add(u2si).blend(u2si.sub(u2yi), ODD);
      DoubleVector u2br = u2ar.blend(u2ai.neg(), LAST);
      DoubleVector u2bi = u2ai.blend(u2ar, LAST);
      DoubleVector u2pr = u2br.rearrange(SWAP_HALVES);
      DoubleVector u2pi = u2bi.rearrange(SWAP_HALVES);
      DoubleVector y2r = u2br.add(u2pr).blend(u2pr.sub(u2br), UPPER_HALF);
      DoubleVector y2i = u2bi.add(u2pi).blend(u2pi.sub(u2bi), UPPER_HALF);
      DoubleVector u3yr = DoubleVector.fromArray(SPECIES, src, s0 + 12);
      DoubleVector u3yi = DoubleVector.fromArray(SPECIES, src, s0 + 12 + m);
      DoubleVector u3sr = u3yr.rearrange(SWAP_PAIRS);
      DoubleVector u3si = u3yi.rearrange(SWAP_PAIRS);
      DoubleVector u3ar = u3yr.add(u3sr).blend(u3sr.sub(u3yr), ODD);
      DoubleVector u3ai = u3yi.add(u3si).blend(u3si.sub(u3yi), ODD);
      DoubleVector u3br = u3ar.blend(u3ai.neg(), LAST);
      DoubleVector u3bi = u3ai.blend(u3ar, LAST);
      DoubleVector u3pr = u3br.rearrange(SWAP_HALVES);
      DoubleVector u3pi = u3bi.rearrange(SWAP_HALVES);
      DoubleVector y3r = u3br.add(u3pr).blend(u3pr.sub(u3br), UPPER_HALF);
      DoubleVector y3i = u3bi.add(u3pi).blend(u3pi.sub(u3bi), UPPER_HALF);
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

  /**
   * The radix-2 stage with the twist and the first radix-4 stage (q = M/8) in one pass: for each
   * twiddle index j, the 8 points j + t·q and M/2 + j + t·q (t &lt; 4) are twisted, combined by the
   * radix-2 butterflies, then by the radix-4 butterflies of each half, in registers. Per element
   * the operations and their order are those of {@link #radix2DifTwisted} then {@link #radix4Dif},
   * so the bits are the same, with one load and store pass over the polynomial fewer.
   */
  static void radix8DifTwisted(
      double[] f, int off, int m, double[] w2, double[] w4, double[] tr, double[] ti) {
    int h = m / 2;
    int q = h / 4;
    for (int j = 0; j < q; j += LANES) {
      int k0 = off + j;
      DoubleVector a0r = DoubleVector.fromArray(SPECIES, f, k0);
      DoubleVector a0i = DoubleVector.fromArray(SPECIES, f, k0 + m);
      DoubleVector b0r = DoubleVector.fromArray(SPECIES, f, k0 + h);
      DoubleVector b0i = DoubleVector.fromArray(SPECIES, f, k0 + h + m);
      DoubleVector s0r = DoubleVector.fromArray(SPECIES, tr, j);
      DoubleVector s0i = DoubleVector.fromArray(SPECIES, ti, j);
      DoubleVector u0r = a0r.mul(s0r).sub(a0i.mul(s0i));
      DoubleVector u0i = a0r.mul(s0i).add(a0i.mul(s0r));
      s0r = DoubleVector.fromArray(SPECIES, tr, h + j);
      s0i = DoubleVector.fromArray(SPECIES, ti, h + j);
      DoubleVector v0r = b0r.mul(s0r).sub(b0i.mul(s0i));
      DoubleVector v0i = b0r.mul(s0i).add(b0i.mul(s0r));
      DoubleVector e0r = DoubleVector.fromArray(SPECIES, w2, j);
      DoubleVector e0i = DoubleVector.fromArray(SPECIES, w2, h + j);
      DoubleVector x0r = u0r.add(v0r);
      DoubleVector x0i = u0i.add(v0i);
      DoubleVector g0r = u0r.sub(v0r);
      DoubleVector g0i = u0i.sub(v0i);
      DoubleVector z0r = g0r.mul(e0r).sub(g0i.mul(e0i));
      DoubleVector z0i = g0r.mul(e0i).add(g0i.mul(e0r));
      int k1 = off + q + j;
      DoubleVector a1r = DoubleVector.fromArray(SPECIES, f, k1);
      DoubleVector a1i = DoubleVector.fromArray(SPECIES, f, k1 + m);
      DoubleVector b1r = DoubleVector.fromArray(SPECIES, f, k1 + h);
      DoubleVector b1i = DoubleVector.fromArray(SPECIES, f, k1 + h + m);
      DoubleVector s1r = DoubleVector.fromArray(SPECIES, tr, q + j);
      DoubleVector s1i = DoubleVector.fromArray(SPECIES, ti, q + j);
      DoubleVector u1r = a1r.mul(s1r).sub(a1i.mul(s1i));
      DoubleVector u1i = a1r.mul(s1i).add(a1i.mul(s1r));
      s1r = DoubleVector.fromArray(SPECIES, tr, h + q + j);
      s1i = DoubleVector.fromArray(SPECIES, ti, h + q + j);
      DoubleVector v1r = b1r.mul(s1r).sub(b1i.mul(s1i));
      DoubleVector v1i = b1r.mul(s1i).add(b1i.mul(s1r));
      DoubleVector e1r = DoubleVector.fromArray(SPECIES, w2, q + j);
      DoubleVector e1i = DoubleVector.fromArray(SPECIES, w2, h + q + j);
      DoubleVector x1r = u1r.add(v1r);
      DoubleVector x1i = u1i.add(v1i);
      DoubleVector g1r = u1r.sub(v1r);
      DoubleVector g1i = u1i.sub(v1i);
      DoubleVector z1r = g1r.mul(e1r).sub(g1i.mul(e1i));
      DoubleVector z1i = g1r.mul(e1i).add(g1i.mul(e1r));
      int k2 = off + 2 * q + j;
      DoubleVector a2r = DoubleVector.fromArray(SPECIES, f, k2);
      DoubleVector a2i = DoubleVector.fromArray(SPECIES, f, k2 + m);
      DoubleVector b2r = DoubleVector.fromArray(SPECIES, f, k2 + h);
      DoubleVector b2i = DoubleVector.fromArray(SPECIES, f, k2 + h + m);
      DoubleVector s2r = DoubleVector.fromArray(SPECIES, tr, 2 * q + j);
      DoubleVector s2i = DoubleVector.fromArray(SPECIES, ti, 2 * q + j);
      DoubleVector u2r = a2r.mul(s2r).sub(a2i.mul(s2i));
      DoubleVector u2i = a2r.mul(s2i).add(a2i.mul(s2r));
      s2r = DoubleVector.fromArray(SPECIES, tr, h + 2 * q + j);
      s2i = DoubleVector.fromArray(SPECIES, ti, h + 2 * q + j);
      DoubleVector v2r = b2r.mul(s2r).sub(b2i.mul(s2i));
      DoubleVector v2i = b2r.mul(s2i).add(b2i.mul(s2r));
      DoubleVector e2r = DoubleVector.fromArray(SPECIES, w2, 2 * q + j);
      DoubleVector e2i = DoubleVector.fromArray(SPECIES, w2, h + 2 * q + j);
      DoubleVector x2r = u2r.add(v2r);
      DoubleVector x2i = u2i.add(v2i);
      DoubleVector g2r = u2r.sub(v2r);
      DoubleVector g2i = u2i.sub(v2i);
      DoubleVector z2r = g2r.mul(e2r).sub(g2i.mul(e2i));
      DoubleVector z2i = g2r.mul(e2i).add(g2i.mul(e2r));
      int k3 = off + 3 * q + j;
      DoubleVector a3r = DoubleVector.fromArray(SPECIES, f, k3);
      DoubleVector a3i = DoubleVector.fromArray(SPECIES, f, k3 + m);
      DoubleVector b3r = DoubleVector.fromArray(SPECIES, f, k3 + h);
      DoubleVector b3i = DoubleVector.fromArray(SPECIES, f, k3 + h + m);
      DoubleVector s3r = DoubleVector.fromArray(SPECIES, tr, 3 * q + j);
      DoubleVector s3i = DoubleVector.fromArray(SPECIES, ti, 3 * q + j);
      DoubleVector u3r = a3r.mul(s3r).sub(a3i.mul(s3i));
      DoubleVector u3i = a3r.mul(s3i).add(a3i.mul(s3r));
      s3r = DoubleVector.fromArray(SPECIES, tr, h + 3 * q + j);
      s3i = DoubleVector.fromArray(SPECIES, ti, h + 3 * q + j);
      DoubleVector v3r = b3r.mul(s3r).sub(b3i.mul(s3i));
      DoubleVector v3i = b3r.mul(s3i).add(b3i.mul(s3r));
      DoubleVector e3r = DoubleVector.fromArray(SPECIES, w2, 3 * q + j);
      DoubleVector e3i = DoubleVector.fromArray(SPECIES, w2, h + 3 * q + j);
      DoubleVector x3r = u3r.add(v3r);
      DoubleVector x3i = u3i.add(v3i);
      DoubleVector g3r = u3r.sub(v3r);
      DoubleVector g3i = u3i.sub(v3i);
      DoubleVector z3r = g3r.mul(e3r).sub(g3i.mul(e3i));
      DoubleVector z3i = g3r.mul(e3i).add(g3i.mul(e3r));
      DoubleVector w1r = DoubleVector.fromArray(SPECIES, w4, j);
      DoubleVector w1i = DoubleVector.fromArray(SPECIES, w4, q + j);
      DoubleVector w2r = DoubleVector.fromArray(SPECIES, w4, 2 * q + j);
      DoubleVector w2i = DoubleVector.fromArray(SPECIES, w4, 3 * q + j);
      DoubleVector w3r = DoubleVector.fromArray(SPECIES, w4, 4 * q + j);
      DoubleVector w3i = DoubleVector.fromArray(SPECIES, w4, 5 * q + j);
      // radix-4 on the lower half
      DoubleVector t0Lr = x0r.add(x2r);
      DoubleVector t0Li = x0i.add(x2i);
      DoubleVector d0Lr = x0r.sub(x2r);
      DoubleVector d0Li = x0i.sub(x2i);
      DoubleVector t1Lr = x1r.add(x3r);
      DoubleVector t1Li = x1i.add(x3i);
      DoubleVector d1Lr = x1i.sub(x3i);
      DoubleVector d1Li = x3r.sub(x1r);
      t0Lr.add(t1Lr).intoArray(f, k0);
      t0Li.add(t1Li).intoArray(f, k0 + m);
      DoubleVector pLr = t0Lr.sub(t1Lr);
      DoubleVector pLi = t0Li.sub(t1Li);
      pLr.mul(w2r).sub(pLi.mul(w2i)).intoArray(f, k1);
      pLr.mul(w2i).add(pLi.mul(w2r)).intoArray(f, k1 + m);
      DoubleVector qLr = d0Lr.add(d1Lr);
      DoubleVector qLi = d0Li.add(d1Li);
      qLr.mul(w1r).sub(qLi.mul(w1i)).intoArray(f, k2);
      qLr.mul(w1i).add(qLi.mul(w1r)).intoArray(f, k2 + m);
      DoubleVector cLr = d0Lr.sub(d1Lr);
      DoubleVector cLi = d0Li.sub(d1Li);
      cLr.mul(w3r).sub(cLi.mul(w3i)).intoArray(f, k3);
      cLr.mul(w3i).add(cLi.mul(w3r)).intoArray(f, k3 + m);
      // radix-4 on the upper half
      DoubleVector t0Hr = z0r.add(z2r);
      DoubleVector t0Hi = z0i.add(z2i);
      DoubleVector d0Hr = z0r.sub(z2r);
      DoubleVector d0Hi = z0i.sub(z2i);
      DoubleVector t1Hr = z1r.add(z3r);
      DoubleVector t1Hi = z1i.add(z3i);
      DoubleVector d1Hr = z1i.sub(z3i);
      DoubleVector d1Hi = z3r.sub(z1r);
      t0Hr.add(t1Hr).intoArray(f, k0 + h);
      t0Hi.add(t1Hi).intoArray(f, k0 + h + m);
      DoubleVector pHr = t0Hr.sub(t1Hr);
      DoubleVector pHi = t0Hi.sub(t1Hi);
      pHr.mul(w2r).sub(pHi.mul(w2i)).intoArray(f, k1 + h);
      pHr.mul(w2i).add(pHi.mul(w2r)).intoArray(f, k1 + h + m);
      DoubleVector qHr = d0Hr.add(d1Hr);
      DoubleVector qHi = d0Hi.add(d1Hi);
      qHr.mul(w1r).sub(qHi.mul(w1i)).intoArray(f, k2 + h);
      qHr.mul(w1i).add(qHi.mul(w1r)).intoArray(f, k2 + h + m);
      DoubleVector cHr = d0Hr.sub(d1Hr);
      DoubleVector cHi = d0Hi.sub(d1Hi);
      cHr.mul(w3r).sub(cHi.mul(w3i)).intoArray(f, k3 + h);
      cHr.mul(w3i).add(cHi.mul(w3r)).intoArray(f, k3 + h + m);
    }
  }

  /**
   * Inverse of {@link #radix8DifTwisted}: the first radix-4 stage (q = M/8) on both halves, then
   * the radix-2 stage with the inverse twist, in registers; per element the operations of {@link
   * #radix4Dit} then {@link #radix2DitUntwisted}, in their order.
   */
  static void radix8DitUntwisted(
      double[] f, int off, int m, double[] w2, double[] w4, double[] ur, double[] ui) {
    int h = m / 2;
    int q = h / 4;
    for (int j = 0; j < q; j += LANES) {
      int k0 = off + j;
      int k1 = k0 + q;
      int k2 = k1 + q;
      int k3 = k2 + q;
      DoubleVector w1r = DoubleVector.fromArray(SPECIES, w4, j);
      DoubleVector w1i = DoubleVector.fromArray(SPECIES, w4, q + j);
      DoubleVector w2r = DoubleVector.fromArray(SPECIES, w4, 2 * q + j);
      DoubleVector w2i = DoubleVector.fromArray(SPECIES, w4, 3 * q + j);
      DoubleVector w3r = DoubleVector.fromArray(SPECIES, w4, 4 * q + j);
      DoubleVector w3i = DoubleVector.fromArray(SPECIES, w4, 5 * q + j);
      // radix-4 on the lower half
      DoubleVector y0Lr = DoubleVector.fromArray(SPECIES, f, k0);
      DoubleVector y0Li = DoubleVector.fromArray(SPECIES, f, k0 + m);
      DoubleVector y1Lr = DoubleVector.fromArray(SPECIES, f, k1);
      DoubleVector y1Li = DoubleVector.fromArray(SPECIES, f, k1 + m);
      DoubleVector y2Lr = DoubleVector.fromArray(SPECIES, f, k2);
      DoubleVector y2Li = DoubleVector.fromArray(SPECIES, f, k2 + m);
      DoubleVector y3Lr = DoubleVector.fromArray(SPECIES, f, k3);
      DoubleVector y3Li = DoubleVector.fromArray(SPECIES, f, k3 + m);
      DoubleVector p1Lr = y1Lr.mul(w2r).add(y1Li.mul(w2i));
      DoubleVector p1Li = y1Li.mul(w2r).sub(y1Lr.mul(w2i));
      DoubleVector p2Lr = y2Lr.mul(w1r).add(y2Li.mul(w1i));
      DoubleVector p2Li = y2Li.mul(w1r).sub(y2Lr.mul(w1i));
      DoubleVector p3Lr = y3Lr.mul(w3r).add(y3Li.mul(w3i));
      DoubleVector p3Li = y3Li.mul(w3r).sub(y3Lr.mul(w3i));
      DoubleVector a0Lr = y0Lr.add(p1Lr);
      DoubleVector a0Li = y0Li.add(p1Li);
      DoubleVector a1Lr = y0Lr.sub(p1Lr);
      DoubleVector a1Li = y0Li.sub(p1Li);
      DoubleVector gLr = p2Lr.add(p3Lr);
      DoubleVector gLi = p2Li.add(p3Li);
      DoubleVector hLr = p3Li.sub(p2Li);
      DoubleVector hLi = p2Lr.sub(p3Lr);
      DoubleVector x0Lr = a0Lr.add(gLr);
      DoubleVector x0Li = a0Li.add(gLi);
      DoubleVector x2Lr = a0Lr.sub(gLr);
      DoubleVector x2Li = a0Li.sub(gLi);
      DoubleVector x1Lr = a1Lr.add(hLr);
      DoubleVector x1Li = a1Li.add(hLi);
      DoubleVector x3Lr = a1Lr.sub(hLr);
      DoubleVector x3Li = a1Li.sub(hLi);
      // radix-4 on the upper half
      DoubleVector y0Hr = DoubleVector.fromArray(SPECIES, f, k0 + h);
      DoubleVector y0Hi = DoubleVector.fromArray(SPECIES, f, k0 + h + m);
      DoubleVector y1Hr = DoubleVector.fromArray(SPECIES, f, k1 + h);
      DoubleVector y1Hi = DoubleVector.fromArray(SPECIES, f, k1 + h + m);
      DoubleVector y2Hr = DoubleVector.fromArray(SPECIES, f, k2 + h);
      DoubleVector y2Hi = DoubleVector.fromArray(SPECIES, f, k2 + h + m);
      DoubleVector y3Hr = DoubleVector.fromArray(SPECIES, f, k3 + h);
      DoubleVector y3Hi = DoubleVector.fromArray(SPECIES, f, k3 + h + m);
      DoubleVector p1Hr = y1Hr.mul(w2r).add(y1Hi.mul(w2i));
      DoubleVector p1Hi = y1Hi.mul(w2r).sub(y1Hr.mul(w2i));
      DoubleVector p2Hr = y2Hr.mul(w1r).add(y2Hi.mul(w1i));
      DoubleVector p2Hi = y2Hi.mul(w1r).sub(y2Hr.mul(w1i));
      DoubleVector p3Hr = y3Hr.mul(w3r).add(y3Hi.mul(w3i));
      DoubleVector p3Hi = y3Hi.mul(w3r).sub(y3Hr.mul(w3i));
      DoubleVector a0Hr = y0Hr.add(p1Hr);
      DoubleVector a0Hi = y0Hi.add(p1Hi);
      DoubleVector a1Hr = y0Hr.sub(p1Hr);
      DoubleVector a1Hi = y0Hi.sub(p1Hi);
      DoubleVector gHr = p2Hr.add(p3Hr);
      DoubleVector gHi = p2Hi.add(p3Hi);
      DoubleVector hHr = p3Hi.sub(p2Hi);
      DoubleVector hHi = p2Hr.sub(p3Hr);
      DoubleVector x0Hr = a0Hr.add(gHr);
      DoubleVector x0Hi = a0Hi.add(gHi);
      DoubleVector x2Hr = a0Hr.sub(gHr);
      DoubleVector x2Hi = a0Hi.sub(gHi);
      DoubleVector x1Hr = a1Hr.add(hHr);
      DoubleVector x1Hi = a1Hi.add(hHi);
      DoubleVector x3Hr = a1Hr.sub(hHr);
      DoubleVector x3Hi = a1Hi.sub(hHi);
      // radix-2 with the inverse twist on the pair (k0, k0 + h)
      DoubleVector e0r = DoubleVector.fromArray(SPECIES, w2, j);
      DoubleVector e0i = DoubleVector.fromArray(SPECIES, w2, h + j);
      DoubleVector v0r = x0Hr.mul(e0r).add(x0Hi.mul(e0i));
      DoubleVector v0i = x0Hi.mul(e0r).sub(x0Hr.mul(e0i));
      DoubleVector z0r = x0Lr.add(v0r);
      DoubleVector z0i = x0Li.add(v0i);
      DoubleVector s0r = DoubleVector.fromArray(SPECIES, ur, j);
      DoubleVector s0i = DoubleVector.fromArray(SPECIES, ui, j);
      z0r.mul(s0r).sub(z0i.mul(s0i)).intoArray(f, k0);
      z0r.mul(s0i).add(z0i.mul(s0r)).intoArray(f, k0 + m);
      z0r = x0Lr.sub(v0r);
      z0i = x0Li.sub(v0i);
      s0r = DoubleVector.fromArray(SPECIES, ur, h + j);
      s0i = DoubleVector.fromArray(SPECIES, ui, h + j);
      z0r.mul(s0r).sub(z0i.mul(s0i)).intoArray(f, k0 + h);
      z0r.mul(s0i).add(z0i.mul(s0r)).intoArray(f, k0 + h + m);
      // radix-2 with the inverse twist on the pair (k1, k1 + h)
      DoubleVector e1r = DoubleVector.fromArray(SPECIES, w2, q + j);
      DoubleVector e1i = DoubleVector.fromArray(SPECIES, w2, h + q + j);
      DoubleVector v1r = x1Hr.mul(e1r).add(x1Hi.mul(e1i));
      DoubleVector v1i = x1Hi.mul(e1r).sub(x1Hr.mul(e1i));
      DoubleVector z1r = x1Lr.add(v1r);
      DoubleVector z1i = x1Li.add(v1i);
      DoubleVector s1r = DoubleVector.fromArray(SPECIES, ur, q + j);
      DoubleVector s1i = DoubleVector.fromArray(SPECIES, ui, q + j);
      z1r.mul(s1r).sub(z1i.mul(s1i)).intoArray(f, k1);
      z1r.mul(s1i).add(z1i.mul(s1r)).intoArray(f, k1 + m);
      z1r = x1Lr.sub(v1r);
      z1i = x1Li.sub(v1i);
      s1r = DoubleVector.fromArray(SPECIES, ur, h + q + j);
      s1i = DoubleVector.fromArray(SPECIES, ui, h + q + j);
      z1r.mul(s1r).sub(z1i.mul(s1i)).intoArray(f, k1 + h);
      z1r.mul(s1i).add(z1i.mul(s1r)).intoArray(f, k1 + h + m);
      // radix-2 with the inverse twist on the pair (k2, k2 + h)
      DoubleVector e2r = DoubleVector.fromArray(SPECIES, w2, 2 * q + j);
      DoubleVector e2i = DoubleVector.fromArray(SPECIES, w2, h + 2 * q + j);
      DoubleVector v2r = x2Hr.mul(e2r).add(x2Hi.mul(e2i));
      DoubleVector v2i = x2Hi.mul(e2r).sub(x2Hr.mul(e2i));
      DoubleVector z2r = x2Lr.add(v2r);
      DoubleVector z2i = x2Li.add(v2i);
      DoubleVector s2r = DoubleVector.fromArray(SPECIES, ur, 2 * q + j);
      DoubleVector s2i = DoubleVector.fromArray(SPECIES, ui, 2 * q + j);
      z2r.mul(s2r).sub(z2i.mul(s2i)).intoArray(f, k2);
      z2r.mul(s2i).add(z2i.mul(s2r)).intoArray(f, k2 + m);
      z2r = x2Lr.sub(v2r);
      z2i = x2Li.sub(v2i);
      s2r = DoubleVector.fromArray(SPECIES, ur, h + 2 * q + j);
      s2i = DoubleVector.fromArray(SPECIES, ui, h + 2 * q + j);
      z2r.mul(s2r).sub(z2i.mul(s2i)).intoArray(f, k2 + h);
      z2r.mul(s2i).add(z2i.mul(s2r)).intoArray(f, k2 + h + m);
      // radix-2 with the inverse twist on the pair (k3, k3 + h)
      DoubleVector e3r = DoubleVector.fromArray(SPECIES, w2, 3 * q + j);
      DoubleVector e3i = DoubleVector.fromArray(SPECIES, w2, h + 3 * q + j);
      DoubleVector v3r = x3Hr.mul(e3r).add(x3Hi.mul(e3i));
      DoubleVector v3i = x3Hi.mul(e3r).sub(x3Hr.mul(e3i));
      DoubleVector z3r = x3Lr.add(v3r);
      DoubleVector z3i = x3Li.add(v3i);
      DoubleVector s3r = DoubleVector.fromArray(SPECIES, ur, 3 * q + j);
      DoubleVector s3i = DoubleVector.fromArray(SPECIES, ui, 3 * q + j);
      z3r.mul(s3r).sub(z3i.mul(s3i)).intoArray(f, k3);
      z3r.mul(s3i).add(z3i.mul(s3r)).intoArray(f, k3 + m);
      z3r = x3Lr.sub(v3r);
      z3i = x3Li.sub(v3i);
      s3r = DoubleVector.fromArray(SPECIES, ur, h + 3 * q + j);
      s3i = DoubleVector.fromArray(SPECIES, ui, h + 3 * q + j);
      z3r.mul(s3r).sub(z3i.mul(s3i)).intoArray(f, k3 + h);
      z3r.mul(s3i).add(z3i.mul(s3r)).intoArray(f, k3 + h + m);
    }
  }

  /** {@link #radix2Dif} whose inputs are first multiplied by the twist (tr, ti). */
  static void radix2DifTwisted(double[] f, int off, int m, double[] w, double[] tr, double[] ti) {
    int h = m / 2;
    int re = off;
    int im = off + m;
    for (int j = 0; j < h; j += LANES) {
      DoubleVector ar = DoubleVector.fromArray(SPECIES, f, re + j);
      DoubleVector ai = DoubleVector.fromArray(SPECIES, f, im + j);
      DoubleVector br = DoubleVector.fromArray(SPECIES, f, re + h + j);
      DoubleVector bi = DoubleVector.fromArray(SPECIES, f, im + h + j);
      DoubleVector t0r = DoubleVector.fromArray(SPECIES, tr, j);
      DoubleVector t0i = DoubleVector.fromArray(SPECIES, ti, j);
      DoubleVector t1r = DoubleVector.fromArray(SPECIES, tr, h + j);
      DoubleVector t1i = DoubleVector.fromArray(SPECIES, ti, h + j);
      DoubleVector ur = ar.mul(t0r).sub(ai.mul(t0i));
      DoubleVector ui = ar.mul(t0i).add(ai.mul(t0r));
      DoubleVector vr = br.mul(t1r).sub(bi.mul(t1i));
      DoubleVector vi = br.mul(t1i).add(bi.mul(t1r));
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

  /** {@link #radix2Dit} whose outputs are multiplied by the inverse twist (ur, ui). */
  static void radix2DitUntwisted(double[] f, int off, int m, double[] w, double[] ur, double[] ui) {
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
      DoubleVector sr = DoubleVector.fromArray(SPECIES, f, re + j);
      DoubleVector si = DoubleVector.fromArray(SPECIES, f, im + j);
      // Untwist written out, as in radix4DitUntwisted: a helper taking vectors was not inlined
      // here on JDK 25, and every vector passed to it was boxed (JFR on the full seed head: 236 GB
      // of DoubleVectors allocated by this loop in one run, 10.7 % of the CPU samples).
      DoubleVector zr = sr.add(vr);
      DoubleVector zi = si.add(vi);
      DoubleVector tr = DoubleVector.fromArray(SPECIES, ur, j);
      DoubleVector ti = DoubleVector.fromArray(SPECIES, ui, j);
      zr.mul(tr).sub(zi.mul(ti)).intoArray(f, re + j);
      zr.mul(ti).add(zi.mul(tr)).intoArray(f, im + j);
      zr = sr.sub(vr);
      zi = si.sub(vi);
      tr = DoubleVector.fromArray(SPECIES, ur, h + j);
      ti = DoubleVector.fromArray(SPECIES, ui, h + j);
      zr.mul(tr).sub(zi.mul(ti)).intoArray(f, re + h + j);
      zr.mul(ti).add(zi.mul(tr)).intoArray(f, im + h + j);
    }
  }

  /** {@link #radix4Dif} whose inputs are first multiplied by the twist (tr, ti). */
  static void radix4DifTwisted(
      double[] f, int off, int m, int q, double[] w, double[] tr, double[] ti) {
    // The first stage has a single block (L = M).
    for (int j = 0; j < q; j += LANES) {
      int i0 = off + j;
      int i1 = i0 + q;
      int i2 = i1 + q;
      int i3 = i2 + q;
      DoubleVector a0r = DoubleVector.fromArray(SPECIES, f, i0);
      DoubleVector a0i = DoubleVector.fromArray(SPECIES, f, i0 + m);
      DoubleVector s0r = DoubleVector.fromArray(SPECIES, tr, j);
      DoubleVector s0i = DoubleVector.fromArray(SPECIES, ti, j);
      DoubleVector x0r = a0r.mul(s0r).sub(a0i.mul(s0i));
      DoubleVector x0i = a0r.mul(s0i).add(a0i.mul(s0r));
      DoubleVector a1r = DoubleVector.fromArray(SPECIES, f, i1);
      DoubleVector a1i = DoubleVector.fromArray(SPECIES, f, i1 + m);
      DoubleVector s1r = DoubleVector.fromArray(SPECIES, tr, q + j);
      DoubleVector s1i = DoubleVector.fromArray(SPECIES, ti, q + j);
      DoubleVector x1r = a1r.mul(s1r).sub(a1i.mul(s1i));
      DoubleVector x1i = a1r.mul(s1i).add(a1i.mul(s1r));
      DoubleVector a2r = DoubleVector.fromArray(SPECIES, f, i2);
      DoubleVector a2i = DoubleVector.fromArray(SPECIES, f, i2 + m);
      DoubleVector s2r = DoubleVector.fromArray(SPECIES, tr, 2 * q + j);
      DoubleVector s2i = DoubleVector.fromArray(SPECIES, ti, 2 * q + j);
      DoubleVector x2r = a2r.mul(s2r).sub(a2i.mul(s2i));
      DoubleVector x2i = a2r.mul(s2i).add(a2i.mul(s2r));
      DoubleVector a3r = DoubleVector.fromArray(SPECIES, f, i3);
      DoubleVector a3i = DoubleVector.fromArray(SPECIES, f, i3 + m);
      DoubleVector s3r = DoubleVector.fromArray(SPECIES, tr, 3 * q + j);
      DoubleVector s3i = DoubleVector.fromArray(SPECIES, ti, 3 * q + j);
      DoubleVector x3r = a3r.mul(s3r).sub(a3i.mul(s3i));
      DoubleVector x3i = a3r.mul(s3i).add(a3i.mul(s3r));
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

  /** {@link #radix4Dit} (single block, L = M) whose outputs are multiplied by (ur, ui). */
  static void radix4DitUntwisted(
      double[] f, int off, int m, int q, double[] w, double[] ur, double[] ui) {
    for (int j = 0; j < q; j += LANES) {
      int i0 = off + j;
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
      // Untwist written out: a helper taking vectors is not always inlined in a method this
      // large, and a vector passed to a non-inlined call is boxed (measured 2× slower).
      DoubleVector zr = a0r.add(gr);
      DoubleVector zi = a0i.add(gi);
      DoubleVector tr = DoubleVector.fromArray(SPECIES, ur, j);
      DoubleVector ti = DoubleVector.fromArray(SPECIES, ui, j);
      zr.mul(tr).sub(zi.mul(ti)).intoArray(f, i0);
      zr.mul(ti).add(zi.mul(tr)).intoArray(f, i0 + m);
      zr = a0r.sub(gr);
      zi = a0i.sub(gi);
      tr = DoubleVector.fromArray(SPECIES, ur, 2 * q + j);
      ti = DoubleVector.fromArray(SPECIES, ui, 2 * q + j);
      zr.mul(tr).sub(zi.mul(ti)).intoArray(f, i2);
      zr.mul(ti).add(zi.mul(tr)).intoArray(f, i2 + m);
      zr = a1r.add(hr);
      zi = a1i.add(hi);
      tr = DoubleVector.fromArray(SPECIES, ur, q + j);
      ti = DoubleVector.fromArray(SPECIES, ui, q + j);
      zr.mul(tr).sub(zi.mul(ti)).intoArray(f, i1);
      zr.mul(ti).add(zi.mul(tr)).intoArray(f, i1 + m);
      zr = a1r.sub(hr);
      zi = a1i.sub(hi);
      tr = DoubleVector.fromArray(SPECIES, ur, 3 * q + j);
      ti = DoubleVector.fromArray(SPECIES, ui, 3 * q + j);
      zr.mul(tr).sub(zi.mul(ti)).intoArray(f, i3);
      zr.mul(ti).add(zi.mul(tr)).intoArray(f, i3 + m);
    }
  }
}
