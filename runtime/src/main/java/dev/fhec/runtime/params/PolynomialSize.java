package dev.fhec.runtime.params;

/** Degree N of the ring Z[X]/(X^N + 1); a power of two. */
public record PolynomialSize(int value) {
  public PolynomialSize {
    if (value < 2 || Integer.bitCount(value) != 1) {
      throw new IllegalArgumentException(
          "polynomial size must be a power of two >= 2, got " + value);
    }
  }

  public int log2() {
    return Integer.numberOfTrailingZeros(value);
  }
}
