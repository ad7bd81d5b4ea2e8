package dev.fhec.runtime.params;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import org.junit.jupiter.api.Test;

class ErrorFunctionTest {
  private static final MathContext MC = new MathContext(200, RoundingMode.HALF_EVEN);

  /** π by Machin's formula, π = 16·atan(1/5) − 4·atan(1/239), to 200 digits. */
  private static BigDecimal pi() {
    return atanInverse(5)
        .multiply(BigDecimal.valueOf(16))
        .subtract(atanInverse(239).multiply(BigDecimal.valueOf(4)), MC);
  }

  private static BigDecimal atanInverse(int m) {
    BigDecimal x = BigDecimal.ONE.divide(BigDecimal.valueOf(m), MC);
    BigDecimal x2 = x.multiply(x, MC);
    BigDecimal power = x;
    BigDecimal sum = BigDecimal.ZERO;
    BigDecimal eps = new BigDecimal("1e-210");
    for (int n = 0; power.compareTo(eps) > 0; n++) {
      BigDecimal term = power.divide(BigDecimal.valueOf(2L * n + 1), MC);
      sum = (n % 2 == 0) ? sum.add(term, MC) : sum.subtract(term, MC);
      power = power.multiply(x2, MC);
    }
    return sum;
  }

  /** erfc(x) = 1 − (2/√π)Σ(−1)ⁿx^{2n+1}/(n!(2n+1)), in 200-digit arithmetic: an exact oracle. */
  private static double erfcOracle(double xd) {
    BigDecimal x = new BigDecimal(xd);
    BigDecimal x2 = x.multiply(x, MC);
    BigDecimal power = x; // x^{2n+1}/n!
    BigDecimal sum = BigDecimal.ZERO;
    for (int n = 0; n < 2000; n++) {
      BigDecimal term = power.divide(BigDecimal.valueOf(2L * n + 1), MC);
      sum = (n % 2 == 0) ? sum.add(term, MC) : sum.subtract(term, MC);
      power = power.multiply(x2, MC).divide(BigDecimal.valueOf(n + 1), MC);
      if (n > 2 * xd * xd + 10 && term.abs().compareTo(new BigDecimal("1e-150")) < 0) {
        break;
      }
    }
    BigDecimal twoOverSqrtPi = BigDecimal.valueOf(2).divide(pi().sqrt(MC), MC);
    return BigDecimal.ONE.subtract(twoOverSqrtPi.multiply(sum, MC), MC).doubleValue();
  }

  @Test
  void erfcMatchesAHighPrecisionSeriesTo1e13() {
    double[] xs = {
      -3.0,
      -1.0,
      -0.25,
      0.0,
      1e-8,
      0.1,
      0.5,
      0.9,
      1.0,
      1.5,
      1.99,
      2.0,
      2.01,
      2.5,
      2 * Math.sqrt(2),
      3.0,
      4.0,
      5.0,
      6.5,
      8.0,
      9.3,
      10.0,
      12.0
    };
    for (double x : xs) {
      double expected = erfcOracle(x);
      double got = ErrorFunction.erfc(x);
      assertEquals(expected, got, 1e-13 * expected, "erfc(" + x + ")");
    }
  }

  @Test
  void erfIsOddAndComplementsErfc() {
    for (double x = -4; x <= 4; x += 0.37) {
      assertEquals(-ErrorFunction.erf(x), ErrorFunction.erf(-x), 1e-16);
      assertEquals(1.0, ErrorFunction.erf(x) + ErrorFunction.erfc(x), 2e-16);
    }
  }

  @Test
  void erfcInvInvertsErfcOverTheTails() {
    for (double x = -5; x <= 26; x += 0.173) {
      double y = ErrorFunction.erfc(x);
      if (y <= 0 || y >= 2) {
        continue;
      }
      double back = ErrorFunction.erfcInv(y);
      assertEquals(y, ErrorFunction.erfc(back), 1e-12 * y, "erfc(erfcInv(" + y + "))");
      if (x > 0.1 || (x < -0.1 && x > -1.0)) {
        // for x < −1, erfc(x) is within 0.16 of 2 and the inverse is ill-conditioned
        assertEquals(x, back, 1e-12 * Math.abs(x), "erfcInv(erfc(" + x + "))");
      }
    }
    assertEquals(0.0, ErrorFunction.erfcInv(1.0));
  }

  @Test
  void kappaFourIsTheReferenceTableTarget() {
    // reference/compiler.md §8.2: κ = 4 ↔ p_error = 6.334e−5.
    double p = erfcOracle(4 / Math.sqrt(2));
    assertEquals(6.334e-5, p, 0.0005e-5);
    assertEquals(4.0, NoiseModel.kappa(p), 1e-12);
  }

  @Test
  void erfcInvRejectsOutOfRange() {
    assertThrows(IllegalArgumentException.class, () -> ErrorFunction.erfcInv(0.0));
    assertThrows(IllegalArgumentException.class, () -> ErrorFunction.erfcInv(2.0));
    assertThrows(IllegalArgumentException.class, () -> ErrorFunction.erfcInv(Double.NaN));
  }
}
