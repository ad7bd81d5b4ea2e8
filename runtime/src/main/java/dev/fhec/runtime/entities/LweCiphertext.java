package dev.fhec.runtime.entities;

import java.util.Arrays;

/**
 * An LWE ciphertext (a_0..a_{d−1}, b) over the torus Z/2^64, phase b − Σ a_i·s_i. The array is
 * exposed for speed (algorithms write into preallocated ciphertexts); code that shares a ciphertext
 * between tensors (gather by reference) must treat it as immutable, which the executor does: it
 * only ever writes into ciphertexts it has just allocated.
 */
public final class LweCiphertext {
  private final long[] data;

  /** A zero ciphertext (trivial encryption of 0) of mask dimension {@code dimension}. */
  public LweCiphertext(int dimension) {
    this.data = new long[dimension + 1];
  }

  /** Wraps {@code data} (mask then body) without copying. */
  public static LweCiphertext wrap(long[] data) {
    return new LweCiphertext(data, true);
  }

  private LweCiphertext(long[] data, boolean unused) {
    if (data.length < 2) {
      throw new IllegalArgumentException("an LWE ciphertext has a mask and a body");
    }
    this.data = data;
  }

  /** Mask length d. */
  public int dimension() {
    return data.length - 1;
  }

  public long body() {
    return data[data.length - 1];
  }

  public void setBody(long body) {
    data[data.length - 1] = body;
  }

  /** Mask then body; mutable. */
  public long[] data() {
    return data;
  }

  public LweCiphertext copy() {
    return new LweCiphertext(data.clone(), true);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LweCiphertext c && Arrays.equals(data, c.data);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "LweCiphertext[d=" + dimension() + "]";
  }
}
