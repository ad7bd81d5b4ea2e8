package dev.fhec.runtime.algorithms;

import dev.fhec.runtime.entities.LweCiphertext;

/**
 * Leveled operations on LWE ciphertexts: exact linear maps on (mask, body) mod 2^64. Noise
 * variances add (addition) and scale by c² (multiplication by a clear integer c).
 */
public final class LweOps {
  private LweOps() {}

  public static LweCiphertext add(LweCiphertext a, LweCiphertext b) {
    check(a, b);
    long[] x = a.data();
    long[] y = b.data();
    LweCiphertext out = new LweCiphertext(a.dimension());
    long[] z = out.data();
    for (int i = 0; i < z.length; i++) {
      z[i] = x[i] + y[i];
    }
    return out;
  }

  public static LweCiphertext sub(LweCiphertext a, LweCiphertext b) {
    check(a, b);
    long[] x = a.data();
    long[] y = b.data();
    LweCiphertext out = new LweCiphertext(a.dimension());
    long[] z = out.data();
    for (int i = 0; i < z.length; i++) {
      z[i] = x[i] - y[i];
    }
    return out;
  }

  public static LweCiphertext negate(LweCiphertext a) {
    long[] x = a.data();
    LweCiphertext out = new LweCiphertext(a.dimension());
    long[] z = out.data();
    for (int i = 0; i < z.length; i++) {
      z[i] = -x[i];
    }
    return out;
  }

  /** a + plaintext (a torus value added to the body). */
  public static LweCiphertext addPlaintext(LweCiphertext a, long plaintext) {
    LweCiphertext out = a.copy();
    out.setBody(out.body() + plaintext);
    return out;
  }

  /** c·a for a clear integer c. */
  public static LweCiphertext mulScalar(LweCiphertext a, long c) {
    long[] x = a.data();
    LweCiphertext out = new LweCiphertext(a.dimension());
    long[] z = out.data();
    for (int i = 0; i < z.length; i++) {
      z[i] = x[i] * c;
    }
    return out;
  }

  /** acc += c·a (in place on {@code acc}). */
  public static void mulAddAssign(LweCiphertext acc, LweCiphertext a, long c) {
    check(acc, a);
    if (c == 0) {
      return;
    }
    long[] x = a.data();
    long[] z = acc.data();
    for (int i = 0; i < z.length; i++) {
      z[i] += x[i] * c;
    }
  }

  /** acc += a (in place on {@code acc}). */
  public static void addAssign(LweCiphertext acc, LweCiphertext a) {
    check(acc, a);
    long[] x = a.data();
    long[] z = acc.data();
    for (int i = 0; i < z.length; i++) {
      z[i] += x[i];
    }
  }

  /** Σ w_i·c_i for clear weights w. */
  public static LweCiphertext dot(LweCiphertext[] cts, long[] weights) {
    if (cts.length != weights.length || cts.length == 0) {
      throw new IllegalArgumentException(
          "dot product of " + cts.length + " ciphertexts with " + weights.length + " weights");
    }
    LweCiphertext out = new LweCiphertext(cts[0].dimension());
    for (int i = 0; i < cts.length; i++) {
      mulAddAssign(out, cts[i], weights[i]);
    }
    return out;
  }

  private static void check(LweCiphertext a, LweCiphertext b) {
    if (a.dimension() != b.dimension()) {
      throw new IllegalArgumentException(
          "LWE dimensions differ: " + a.dimension() + " vs " + b.dimension());
    }
  }
}
