package dev.fhec.compiler.optimizer;

/**
 * A set of table lookups that look the same to the noise model: {@code count} lookups on {@code
 * precision}-bit inputs, each fed by a leveled dot product of squared 2-norm ν² (Concrete's MANP).
 *
 * <p>Why: the optimizer's constraint depends on a lookup only through (p, ν²), so a circuit with
 * millions of lookups reduces to a handful of groups.
 */
public record LookupGroup(int precision, double norm2Squared, long count) {
  /** The widest lookup input the optimizer accepts (Concrete's MAXIMUM_TLU_BIT_WIDTH). */
  public static final int MAX_PRECISION = 16;

  public LookupGroup {
    if (precision < 1 || precision > MAX_PRECISION) {
      throw new IllegalArgumentException(
          "lookup precision must be 1.." + MAX_PRECISION + " bits, got " + precision);
    }
    if (!(norm2Squared >= 1) || Double.isInfinite(norm2Squared)) {
      throw new IllegalArgumentException(
          "squared 2-norm ν² must be finite and >= 1 (a lookup output or input has ν² = 1), got "
              + norm2Squared);
    }
    if (count < 1) {
      throw new IllegalArgumentException("lookup count must be positive, got " + count);
    }
  }

  /** A group given its 2-norm ν rather than ν². */
  public static LookupGroup ofNorm2(int precision, double norm2, long count) {
    return new LookupGroup(precision, norm2 * norm2, count);
  }

  /** ν = √(ν²). */
  public double norm2() {
    return Math.sqrt(norm2Squared);
  }
}
