package dev.fhec.compiler.eval;

/**
 * The error function in double precision (the JDK has none). Maclaurin series for |x| &lt; 2.5 and
 * the Laplace continued fraction of erfc beyond (Abramowitz &amp; Stegun 7.1.5 and 7.1.14); both
 * converge to full double precision in the ranges used.
 */
final class Erf {
  private Erf() {}

  static double erf(double x) {
    if (Double.isNaN(x)) {
      return x;
    }
    double ax = Math.abs(x);
    double r;
    if (ax < 2.5) {
      double term = ax;
      double sum = ax;
      double x2 = ax * ax;
      for (int n = 1; n < 200; n++) {
        term *= -x2 / n;
        double add = term / (2 * n + 1);
        sum += add;
        if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
          break;
        }
      }
      r = 2 / Math.sqrt(Math.PI) * sum;
    } else if (ax > 6) {
      r = 1.0;
    } else {
      // erfc(x) = exp(-x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + 2/(x + ...)))))
      double f = ax;
      for (int k = 60; k >= 1; k--) {
        f = ax + (k / 2.0) / f;
      }
      r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
    }
    return x < 0 ? -r : r;
  }
}
