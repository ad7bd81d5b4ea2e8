package dev.fhec.runtime.entities;

import java.util.Arrays;

/**
 * A binary LWE secret key s ∈ {0,1}^n. Stored as longs so that inner products with masks wrap mod
 * 2^64 without conversions. Secret: only the client key holds one.
 */
public final class LweSecretKey {
  private final long[] bits;

  public LweSecretKey(long[] bits) {
    for (int i = 0; i < bits.length; i++) {
      if (bits[i] != 0 && bits[i] != 1) {
        throw new IllegalArgumentException("binary key has value " + bits[i] + " at " + i);
      }
    }
    this.bits = bits.clone();
  }

  public int dimension() {
    return bits.length;
  }

  public long bit(int i) {
    return bits[i];
  }

  /** The key bits (a copy). */
  public long[] bits() {
    return bits.clone();
  }

  /** Σ a_i·s_i mod 2^64 over the first {@code dimension()} entries of {@code mask}. */
  public long dot(long[] mask, int offset) {
    long sum = 0;
    for (int i = 0; i < bits.length; i++) {
      sum += mask[offset + i] & -bits[i];
    }
    return sum;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LweSecretKey k && Arrays.equals(bits, k.bits);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bits);
  }

  @Override
  public String toString() {
    return "LweSecretKey[n=" + bits.length + "]";
  }
}
