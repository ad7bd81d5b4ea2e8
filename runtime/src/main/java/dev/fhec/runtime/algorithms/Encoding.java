package dev.fhec.runtime.algorithms;

/**
 * The plaintext encoding of {@link dev.fhec.runtime.circuit.ValueInfo}: a message m of width w sits
 * at m·Δ on the torus with Δ = 2^(63−w), one padding bit above it. Signed messages are multiplied
 * in two's complement, so negative values land in the padding half of the torus.
 */
public final class Encoding {
  private Encoding() {}

  /** Δ = 2^(63 − width). */
  public static long delta(int width) {
    checkWidth(width);
    return 1L << (63 - width);
  }

  /** The torus plaintext of message {@code m} at {@code width} bits (wraps mod 2^64). */
  public static long encode(long m, int width) {
    checkWidth(width);
    return m << (63 - width);
  }

  /**
   * The message nearest to {@code phase}: its residue modulo 2^(w+1) (message bits plus the padding
   * bit, all the torus keeps) in [−2^w, 2^w). For a value in range (unsigned [0, 2^w) or signed
   * [−2^(w−1), 2^(w−1)), which the compiler guarantees) this is the value itself; out-of-range
   * values come back as the cleartext simulator ({@code ClearSimulator.wrap}) reports them.
   */
  public static long decode(long phase, int width) {
    checkWidth(width);
    int shift = 63 - width;
    return (phase + (1L << (shift - 1))) >> shift;
  }

  /** {@code value} reduced mod 2^width into the unsigned or two's complement range. */
  public static long reduce(long value, int width, boolean signed) {
    if (width >= 64) {
      return value;
    }
    return signed ? (value << (64 - width)) >> (64 - width) : value & ((1L << width) - 1);
  }

  private static void checkWidth(int width) {
    if (width < 1 || width > 62) {
      throw new IllegalArgumentException("message width must be in 1..62, got " + width);
    }
  }
}
