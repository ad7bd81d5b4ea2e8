package dev.fhec.runtime.algorithms;

/** Modulus switch from q = 2^64 to 2N (tfhe.md §2.3, plain rounding): ã = round(a·2N/q) mod 2N. */
public final class ModulusSwitch {
  private ModulusSwitch() {}

  /** round(value · 2N / 2^64) mod 2N, with {@code log2TwoN} = log2(2N). */
  public static int toTwoN(long value, int log2TwoN) {
    int shift = 64 - log2TwoN;
    long r = (value >>> shift) + ((value >>> (shift - 1)) & 1);
    return (int) (r & ((1L << log2TwoN) - 1));
  }
}
