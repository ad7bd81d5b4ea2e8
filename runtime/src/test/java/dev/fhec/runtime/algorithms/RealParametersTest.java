package dev.fhec.runtime.algorithms;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fhec.runtime.params.NoiseModel;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.ParameterSets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Bootstraps with real 128-bit parameter sets. Concrete's v0 sets target p_error 6.3e−5 per lookup,
 * so the 30 lookups below fail spuriously about once in 500 runs; the tfhe-rs set targets 2^−64.
 */
@Tag("slow")
class RealParametersTest {
  @Test
  void concreteV0OneToFourBitsExhaustively() {
    for (int p = 1; p <= 4; p++) {
      // Outputs at most p bits: the set's noise budget is for p-bit lookups chained at ν = 1.
      assertEquals(
          1 << p,
          ProgrammableBootstrapTest.exhaustive(ParameterSets.concreteV0(p), p, p, 40 + p, p));
    }
  }

  @Test
  void tfheRsM2C2GaussianFourBitsExhaustively() {
    assertEquals(
        16,
        ProgrammableBootstrapTest.exhaustive(
            ParameterSets.TFHE_RS_M2C2_GAUSSIAN_2M64, 4, 4, 50, 4));
  }

  @Test
  void pbsOutputVarianceOnARealSetMatchesTheFormula() {
    // CONCRETE_V0_P1 (1-bit lookups): the BSK key term dominates (2^−14); the FFT term is
    // negligible.
    ParameterSet p = ParameterSets.CONCRETE_V0_P1;
    NoiseTest.assertWithinFactorTwo(
        NoiseModel.breakdown(p).blindRotation(),
        NoiseTest.measuredBootstrapVariance(p, 100, 1),
        p.name() + " PBS");
  }

  @Test
  void pbsOutputVarianceWhereTheFftErrorDominates() {
    // At N = 2048 with B = 2^23 the FFT rounding term of Concrete's model (2^−29.9) exceeds the
    // key term (2^−32.5): this checks our f64 FFT is as accurate as the model assumes.
    ParameterSet p = ParameterSets.TFHE_RS_M2C2_GAUSSIAN_2M64;
    NoiseTest.assertWithinFactorTwo(
        NoiseModel.breakdown(p).blindRotation(),
        NoiseTest.measuredBootstrapVariance(p, 64, 3),
        p.name() + " PBS");
  }

  @Test
  void keyswitchVarianceOnARealSet() {
    ParameterSet p = ParameterSets.TFHE_RS_M2C2_GAUSSIAN_2M64;
    NoiseTest.assertWithinFactorTwo(
        NoiseModel.keyswitch(
            p.bigLweDimension(),
            p.ks().baseLog(),
            p.ks().levels(),
            p.lweNoiseStd() * p.lweNoiseStd()),
        NoiseTest.measuredKeyswitchVariance(p, 300),
        p.name() + " KS");
  }
}
