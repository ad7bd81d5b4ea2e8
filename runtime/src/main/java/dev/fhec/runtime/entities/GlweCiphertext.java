package dev.fhec.runtime.entities;

/**
 * A GLWE ciphertext: k mask polynomials and one body polynomial of size N, stored one after the
 * other ((k+1)·N longs, body last). Phase B − Σ A_p·S_p in Z_q[X]/(X^N + 1). Mutable working
 * storage (the blind-rotation accumulator is one).
 */
public final class GlweCiphertext {
  private final int k;
  private final int polynomialSize;
  private final long[] data;

  public GlweCiphertext(int k, int polynomialSize) {
    this.k = k;
    this.polynomialSize = polynomialSize;
    this.data = new long[(k + 1) * polynomialSize];
  }

  public int glweDimension() {
    return k;
  }

  public int polynomialSize() {
    return polynomialSize;
  }

  /** Offset of polynomial p (p = k is the body). */
  public int offset(int p) {
    return p * polynomialSize;
  }

  public long[] data() {
    return data;
  }
}
