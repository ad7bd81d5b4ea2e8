package dev.fhec.runtime.params;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ParameterSetsTest {
  @Test
  void everyRealSetIsSecureAndEveryInsecureSetIsNamedToy() {
    for (ParameterSet p : ParameterSets.all().values()) {
      boolean secure =
          SecurityCurve.isSecure(p.n(), p.lweNoiseStd())
              && SecurityCurve.isSecure(p.bigLweDimension(), p.glweNoiseStd());
      if (p.isToy()) {
        assertTrue(p.name().startsWith("TOY_"));
      } else {
        assertTrue(secure, p + " is below the 128-bit curve");
        assertEquals(p, p.requireUsable());
      }
    }
  }

  @Test
  void concreteReferenceSetsMeetTheirErrorTargetAtNuOne() {
    // The v0 table was optimized for p_error 6.334e−5 (κ = 4); Concrete's own noise formulas
    // (NoiseModel) must put each set just under that target at its precision.
    for (int p = 1; p <= 8; p++) {
      ParameterSet set = ParameterSets.concreteV0(p);
      double error = NoiseModel.errorProbability(set, p, 1.0);
      assertTrue(error <= 6.4e-5, set.name() + " error " + error);
      assertTrue(error > 1e-7, set.name() + " error " + error + " suspiciously far below target");
    }
  }

  @Test
  void tfheRsGaussianSetsAreAboveConcretesCurve() {
    // tfhe-rs derives its σ from its own (132-bit) curve; all four published σs are above
    // Concrete's 128-bit curve, so none had to be raised.
    for (ParameterSet p :
        new ParameterSet[] {
          ParameterSets.TFHE_RS_M1C1_GAUSSIAN_2M64,
          ParameterSets.TFHE_RS_M2C2_GAUSSIAN_2M64,
          ParameterSets.TFHE_RS_M3C3_GAUSSIAN_2M64,
          ParameterSets.TFHE_RS_M4C4_GAUSSIAN_2M64
        }) {
      assertTrue(
          Math.log(p.lweNoiseStd()) / Math.log(2) >= SecurityCurve.minLog2Std(p.n()), p.name());
      assertFalse(p.isToy());
    }
  }

  @Test
  void namesAreUniqueAndFindable() {
    for (var e : ParameterSets.all().entrySet()) {
      assertEquals(e.getValue(), ParameterSets.byName(e.getKey()).orElseThrow());
    }
    assertTrue(ParameterSets.byName("NO_SUCH_SET").isEmpty());
  }
}
