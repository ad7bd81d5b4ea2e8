package dev.fhec.compiler.optimizer;

import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * No 128-bit secure parameter set in the search space meets the error target. The message names the
 * lookup group that cannot be served and what would make it work: fewer bits (or rounding the
 * lookup input to that many bits), a smaller ν, or a larger error target.
 */
public final class NoParametersException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient LookupGroup group;
  private final double largestNorm2;
  private final int largestPrecision;

  NoParametersException(
      String message, LookupGroup group, double largestNorm2, int largestPrecision) {
    super(message);
    this.group = group;
    this.largestNorm2 = largestNorm2;
    this.largestPrecision = largestPrecision;
  }

  /**
   * The same failure, its message naming where in the user's program the failing lookups are
   * ({@code where}: e.g. "%12 (tlu at model.fhe:9:5), %14 (…)").
   */
  public NoParametersException at(String where) {
    NoParametersException e =
        new NoParametersException(
            getMessage() + "; the lookups: " + where, group, largestNorm2, largestPrecision);
    e.setStackTrace(getStackTrace());
    return e;
  }

  /** The group that fails even alone, or null when only their combination fails (global target). */
  public LookupGroup group() {
    return group;
  }

  /** The largest ν that works at the failing group's precision, if any. */
  public OptionalDouble largestNorm2() {
    return largestNorm2 > 0 ? OptionalDouble.of(largestNorm2) : OptionalDouble.empty();
  }

  /** The largest precision that works at the failing group's ν, if any. */
  public OptionalInt largestPrecision() {
    return largestPrecision > 0 ? OptionalInt.of(largestPrecision) : OptionalInt.empty();
  }

  /** A one-line hint for command-line users. */
  public String hint() {
    StringBuilder h = new StringBuilder("hint: ");
    if (largestPrecision > 0 && group != null) {
      h.append("round lookup inputs to ")
          .append(largestPrecision)
          .append(" bits (or use fewer bits), ");
    } else {
      h.append("use fewer bits, ");
    }
    h.append("reduce nu (smaller weights, shorter sums) or raise the error target");
    return h.toString();
  }
}
