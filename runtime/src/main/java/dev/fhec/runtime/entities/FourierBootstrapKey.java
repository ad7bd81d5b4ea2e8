package dev.fhec.runtime.entities;

import dev.fhec.runtime.params.Decomposition;

/**
 * The bootstrapping key: n GGSW encryptions of the small-key bits under the GLWE key, stored in the
 * Fourier domain of the {@link dev.fhec.runtime.fft.NegacyclicFft} that made it (so the blind
 * rotation never transforms it again). Public (an evaluation key).
 *
 * <p>Layout: GGSW i, row (p, level) with p ∈ [0, k] the decomposed polynomial and level ∈ [0, ℓ)
 * (level 0 is the most significant, factor 2^(64 − b)), column c ∈ [0, k]: N doubles at {@link
 * #offset}.
 */
public final class FourierBootstrapKey {
  private final int lweDimension;
  private final int k;
  private final int polynomialSize;
  private final Decomposition decomposition;
  private final double[] data;

  public FourierBootstrapKey(
      int lweDimension, int k, int polynomialSize, Decomposition decomposition, double[] data) {
    long expected =
        (long) lweDimension * (k + 1) * (k + 1) * decomposition.levels() * polynomialSize;
    if (data.length != expected) {
      throw new IllegalArgumentException(
          "bootstrapping key needs " + expected + " doubles, got " + data.length);
    }
    this.lweDimension = lweDimension;
    this.k = k;
    this.polynomialSize = polynomialSize;
    this.decomposition = decomposition;
    this.data = data;
  }

  /** Number of doubles for these dimensions, or an exception when it exceeds one Java array. */
  public static int length(int lweDimension, int k, int polynomialSize, Decomposition d) {
    long len = (long) lweDimension * (k + 1) * (k + 1) * d.levels() * polynomialSize;
    if (len > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "bootstrapping key of " + len + " doubles exceeds one Java array");
    }
    return (int) len;
  }

  public int lweDimension() {
    return lweDimension;
  }

  public int glweDimension() {
    return k;
  }

  public int polynomialSize() {
    return polynomialSize;
  }

  public Decomposition decomposition() {
    return decomposition;
  }

  /** Doubles of one GGSW. */
  public int ggswLength() {
    return (k + 1) * (k + 1) * decomposition.levels() * polynomialSize;
  }

  /** Offset of the N doubles of GGSW i, row (p, level), column c. */
  public int offset(int i, int p, int level, int c) {
    return (((i * (k + 1) + p) * decomposition.levels() + level) * (k + 1) + c) * polynomialSize;
  }

  /** The Fourier data (not copied; read-only by convention). */
  public double[] data() {
    return data;
  }
}
