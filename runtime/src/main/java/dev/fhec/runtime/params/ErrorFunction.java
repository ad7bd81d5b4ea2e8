package dev.fhec.runtime.params;

/**
 * The complementary error function and its inverse, in double precision, to at least 1e-13 relative
 * accuracy over the whole range. Failure probabilities of TFHE parameters are tail values
 * erfc(z/√2) with z up to ~14, so {@link Math}-style 1 − erf(x) would lose every digit; this class
 * computes the tail directly.
 *
 * <p>Method (textbook identities, Abramowitz &amp; Stegun, Handbook of Mathematical Functions,
 * 7.1.6 and 7.1.14; DLMF 7.6.2 and 7.9.2):
 *
 * <ul>
 *   <li>|x| &lt; 2: the positive-term series erf(x) = (2/√π)·e^{−x²}·Σ 2ⁿx^{2n+1}/(1·3···(2n+1))
 *       (A&amp;S 7.1.6), erfc = 1 − erf; no cancellation in the sum, and erfc(2) ≈ 0.005 keeps the
 *       subtraction within 1e-13 relative;
 *   <li>x ≥ 2: the continued fraction erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x +
 *       …)))) (A&amp;S 7.1.14), evaluated by the modified Lentz algorithm;
 *   <li>e^{−x²} is evaluated as e^{−h²}·e^{−(x−h)(x+h)} with h = x truncated to 26 bits, so the
 *       rounding of x² does not cost relative accuracy for large x;
 *   <li>the inverse is Newton's method on ln erfc, which is concave, so the iteration converges
 *       from any start.
 * </ul>
 */
public final class ErrorFunction {
  private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
  private static final double ONE_OVER_SQRT_PI = 0.5641895835477563;
  private static final double SERIES_LIMIT = 2.0;

  private ErrorFunction() {}

  /** erfc(x) = 1 − erf(x) = (2/√π)∫ₓ^∞ e^{−t²} dt. */
  public static double erfc(double x) {
    if (Double.isNaN(x)) {
      return Double.NaN;
    }
    if (x < 0) {
      return 2.0 - erfc(-x);
    }
    if (x < SERIES_LIMIT) {
      return 1.0 - erfSeries(x);
    }
    if (x > 27.5) {
      return 0.0; // below the smallest subnormal double
    }
    return expMinusSquare(x) * ONE_OVER_SQRT_PI / lentzFraction(x);
  }

  /** erf(x) = 1 − erfc(x), accurate near zero too. */
  public static double erf(double x) {
    if (Double.isNaN(x)) {
      return Double.NaN;
    }
    if (Math.abs(x) < SERIES_LIMIT) {
      return x < 0 ? -erfSeries(-x) : erfSeries(x);
    }
    return x < 0 ? erfc(-x) - 1.0 : 1.0 - erfc(x);
  }

  /**
   * The x with erfc(x) = y, for y in (0, 2).
   *
   * @throws IllegalArgumentException if y is outside (0, 2)
   */
  public static double erfcInv(double y) {
    if (!(y > 0 && y < 2)) {
      throw new IllegalArgumentException("erfcInv needs an argument in (0, 2), got " + y);
    }
    if (y == 1.0) {
      return 0.0;
    }
    if (y > 1.0) {
      return -erfcInv(2.0 - y);
    }
    double target = Math.log(y);
    // Start: linearization near 0, tail asymptotics erfc(x) ≈ e^{−x²}/(x√π) further out.
    double x;
    if (y > 0.3) {
      x = (1.0 - y) / TWO_OVER_SQRT_PI;
    } else {
      double u = -target;
      x = Math.sqrt(Math.max(u - 0.5 * Math.log(Math.PI * u), 0.5));
    }
    for (int i = 0; i < 100; i++) {
      double e = erfc(x);
      double h = Math.log(e) - target;
      // d/dx ln erfc(x) = −(2/√π) e^{−x²} / erfc(x)
      double slope = -TWO_OVER_SQRT_PI * expMinusSquare(x) / e;
      double step = h / slope;
      x -= step;
      if (Math.abs(step) <= 1e-16 * Math.max(1.0, Math.abs(x))) {
        break;
      }
    }
    return x;
  }

  private static double erfSeries(double x) {
    double x2 = 2 * x * x;
    double term = x;
    double sum = x;
    for (int n = 1; n < 500; n++) {
      term *= x2 / (2 * n + 1);
      sum += term;
      if (term < 1e-17 * sum) {
        break;
      }
    }
    return TWO_OVER_SQRT_PI * expMinusSquare(x) * sum;
  }

  /** f = x + a1/(x + a2/(x + …)) with a_j = j/2, by the modified Lentz algorithm. */
  private static double lentzFraction(double x) {
    final double tiny = 1e-300;
    double f = x;
    double c = f;
    double d = 0.0;
    for (int j = 1; j < 10_000; j++) {
      double a = 0.5 * j;
      d = x + a * d;
      if (d == 0) {
        d = tiny;
      }
      c = x + a / c;
      if (c == 0) {
        c = tiny;
      }
      d = 1.0 / d;
      double delta = c * d;
      f *= delta;
      if (Math.abs(delta - 1.0) < 1e-16) {
        break;
      }
    }
    return f;
  }

  /** e^{−x²} without the relative error that rounding x² would cause for large x. */
  private static double expMinusSquare(double x) {
    double hi = Double.longBitsToDouble(Double.doubleToRawLongBits(x) & 0xffffffff_f8000000L);
    double lo = x - hi;
    return Math.exp(-hi * hi) * Math.exp(-lo * (x + hi));
  }
}
