package dev.fhec.runtime.params;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SecurityCurveTest {
  @Test
  void reproducesTheReferenceCheckValues() {
    // reference/compiler.md §8.4: n = 781 → 2^−17.39; k·N = 2048 → 2^−49.95; floor 2^−62.
    assertEquals(-17.39, SecurityCurve.minLog2Std(781), 0.01);
    assertEquals(-49.95, SecurityCurve.minLog2Std(2048), 0.01);
    assertEquals(-62.0, SecurityCurve.minLog2Std(4096), 1e-12);
  }

  @Test
  void rejectsNoiseBelowTheCurve() {
    ParameterSet weak =
        new ParameterSet(
            "WEAK",
            new LweDimension(781),
            new GlweDimension(1),
            new PolynomialSize(2048),
            new Decomposition(23, 1),
            new Decomposition(3, 5),
            Math.pow(2, -20),
            Math.pow(2, -49.95));
    InsecureParametersException e =
        assertThrows(InsecureParametersException.class, weak::requireUsable);
    assertTrue(e.getMessage().contains("n=781"), e.getMessage());
  }

  @Test
  void acceptsTheConcreteDocsExample() {
    // n = 781, k = 1, N = 2048, σ exactly on the curve.
    ParameterSet p =
        new ParameterSet(
            "DOCS_2BIT",
            new LweDimension(781),
            new GlweDimension(1),
            new PolynomialSize(2048),
            new Decomposition(23, 1),
            new Decomposition(3, 5),
            SecurityCurve.minStd(781),
            SecurityCurve.minStd(2048));
    assertEquals(p, p.requireUsable());
    assertFalse(p.isToy());
  }
}
