package dev.fhec.runtime.entities;

import java.util.Arrays;

/**
 * A binary GLWE secret key: k polynomials of size N with 0/1 coefficients. Flattened, it is the
 * "big" LWE key of dimension k·N under which ciphertexts live between bootstraps (sample extraction
 * produces ciphertexts under it).
 */
public final class GlweSecretKey {
  private final int k;
  private final int polynomialSize;
  private final long[] bits;

  public GlweSecretKey(int k, int polynomialSize, long[] bits) {
    if (bits.length != k * polynomialSize) {
      throw new IllegalArgumentException(
          "GLWE key needs k·N = " + k * polynomialSize + " bits, got " + bits.length);
    }
    this.k = k;
    this.polynomialSize = polynomialSize;
    this.bits = new LweSecretKey(bits).bits();
  }

  public int glweDimension() {
    return k;
  }

  public int polynomialSize() {
    return polynomialSize;
  }

  /** Coefficient j of key polynomial p. */
  public long bit(int p, int j) {
    return bits[p * polynomialSize + j];
  }

  /** The flattened key of dimension k·N: entry p·N + j is coefficient j of polynomial p. */
  public LweSecretKey asLweKey() {
    return new LweSecretKey(bits);
  }

  /** Coefficients (a copy), polynomial after polynomial. */
  public long[] bits() {
    return bits.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GlweSecretKey g
        && g.k == k
        && g.polynomialSize == polynomialSize
        && Arrays.equals(bits, g.bits);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bits) * 31 + k;
  }

  @Override
  public String toString() {
    return "GlweSecretKey[k=" + k + ", N=" + polynomialSize + "]";
  }
}
