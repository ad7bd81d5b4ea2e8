package dev.fhec.runtime.params;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NoiseModelTest {
  private static final double LOG2 = Math.log(2);

  /** Concrete's prediction for a p-bit lookup under secure σs (v0 table semantics). */
  private static double concretePError(
      int p, double nu, int k, int logN, int n, int bBr, int lBr, int bKs, int lKs) {
    int bigN = 1 << logN;
    double br = NoiseModel.blindRotation(n, k, bigN, bBr, lBr, NoiseModel.secureVariance(k * bigN));
    double ks = NoiseModel.keyswitch(k * bigN, bKs, lKs, NoiseModel.secureVariance(n));
    double ms = NoiseModel.modulusSwitch(n, bigN);
    return NoiseModel.errorProbability(p, NoiseModel.lookupInputVariance(nu * nu, br, ks, ms));
  }

  @Test
  void reproducesTheReferenceCheckValues() {
    // reference/compiler.md §8.3 "Check".
    assertEquals(6.30e-5, concretePError(4, 1, 2, 10, 801, 23, 1, 4, 3), 0.005e-5);
    assertEquals(5.95e-5, concretePError(8, 1024, 1, 14, 977, 9, 4, 3, 7), 0.005e-5);
  }

  @Test
  void everyReferenceTableRowMeetsKappaFour() {
    // reference/compiler.md §8.7 (p, ν, k, log2 N, n, BR b×ℓ, KS b×ℓ): each row was chosen by
    // Concrete for κ = 4, so it must be feasible and (being optimal) close to the bound.
    int[][] rows = {
      {1, 0, 5, 8, 592, 15, 1, 3, 3}, {1, 10, 6, 8, 614, 12, 2, 3, 3},
      {2, 0, 5, 8, 700, 15, 1, 4, 3}, {2, 10, 6, 8, 649, 9, 3, 3, 4},
      {3, 0, 3, 9, 722, 18, 1, 4, 3}, {3, 10, 3, 9, 700, 9, 3, 3, 4},
      {4, 0, 2, 10, 801, 23, 1, 4, 3}, {4, 10, 2, 10, 742, 15, 2, 3, 5},
      {5, 0, 1, 11, 783, 23, 1, 3, 5}, {5, 10, 1, 11, 784, 15, 2, 3, 5},
      {6, 0, 1, 12, 880, 22, 1, 4, 4}, {6, 10, 1, 12, 868, 15, 2, 3, 6},
      {7, 0, 1, 13, 915, 22, 1, 3, 6}, {7, 10, 1, 13, 912, 11, 3, 3, 6},
      {8, 0, 1, 14, 1006, 15, 2, 4, 5}, {8, 10, 1, 14, 977, 9, 4, 3, 7},
      {9, 0, 1, 15, 1039, 15, 2, 3, 7}, {9, 10, 1, 15, 1046, 7, 5, 3, 7},
      {10, 0, 1, 16, 1136, 14, 2, 4, 6}, {10, 10, 1, 16, 1125, 6, 6, 1, 24}
    };
    double bound = ErrorFunction.erfc(4 / Math.sqrt(2));
    for (int[] r : rows) {
      double p = concretePError(r[0], 1 << r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8]);
      String row = java.util.Arrays.toString(r) + " p_error=" + p;
      assertTrue(p <= bound, row);
      assertTrue(p >= 5e-5, row);
    }
  }

  @Test
  void safeVarianceIsTheErrorBoundary() {
    for (int p = 1; p <= 10; p++) {
      double v = NoiseModel.safeVariance(p, 1e-5);
      assertEquals(1e-5, NoiseModel.errorProbability(p, v), 1e-15);
      assertEquals(4.0, NoiseModel.kappa(ErrorFunction.erfc(2 * Math.sqrt(2))), 1e-12);
    }
  }

  @Test
  void secureVarianceFollowsTheCurve() {
    // reference/compiler.md §8.4: n = 781 → σ = 5.8e−6; floor 2^−62.
    assertEquals(5.8e-6, Math.sqrt(NoiseModel.secureVariance(781)), 0.05e-6);
    assertEquals(Math.scalb(1.0, -124), NoiseModel.secureVariance(4096));
  }

  @Test
  void concreteAndTfheRsModulusSwitchAgree() {
    // Two algebraic forms of the same quantity (tfhe.md §3.2); centered mean halves the main term.
    for (int n : new int[] {512, 781, 2047}) {
      for (int logN = 8; logN <= 17; logN++) {
        double c = NoiseModel.modulusSwitch(n, 1 << logN);
        assertEquals(c, NoiseModel.TfheRs.modulusSwitch(n, 1 << logN), 1e-12 * c);
        double centered = NoiseModel.TfheRs.modulusSwitchCenteredMean(n, 1 << logN);
        assertEquals(0.5, centered / c, 0.01);
      }
    }
  }

  @Test
  void blindRotationIsNTimesTheCmux() {
    double v = NoiseModel.secureVariance(2048);
    assertEquals(
        781 * NoiseModel.cmux(1, 2048, 23, 1, v),
        NoiseModel.blindRotation(781, 1, 2048, 23, 1, v),
        1e-25);
  }

  private record TfheRsRow(
      String name,
      int precision,
      double nu,
      int n,
      int k,
      int bigN,
      double lweVar,
      double glweVar,
      int bBr,
      int lBr,
      int bKs,
      int lKs,
      double publishedLog2PFail) {}

  @Test
  void tfheRsFormulasReproducePublishedFailureProbabilities() {
    // reference/tfhe.md §3.7 and §6.5/§6.6; centered-mean modulus switch.
    TfheRsRow[] rows = {
      new TfheRsRow("M2C2 TU", 4, 5, 918, 1, 2048, tu(45), tu(17), 23, 1, 4, 4, -129.581),
      new TfheRsRow(
          "M2C2 Gaussian",
          4,
          5,
          866,
          1,
          2048,
          Math.pow(2, -2 * 18.90),
          Math.pow(2, -2 * 48.32),
          23,
          1,
          3,
          5,
          -128.597),
      new TfheRsRow("M1C1 TU", 2, 3, 879, 4, 512, tu(46), tu(17), 23, 1, 5, 3, -144.322),
      new TfheRsRow("M3C3 TU", 6, 9, 1077, 1, 8192, tu(41), tu(3), 15, 2, 4, 5, -128.992)
    };
    for (TfheRsRow r : rows) {
      double br = NoiseModel.TfheRs.blindRotation(r.n, r.k, r.bigN, r.bBr, r.lBr, r.glweVar);
      double ks = NoiseModel.TfheRs.keyswitch(r.k * r.bigN, r.bKs, r.lKs, r.lweVar);
      double ms = NoiseModel.TfheRs.modulusSwitchCenteredMean(r.n, r.bigN);
      double p = NoiseModel.errorProbability(r.precision, r.nu * r.nu * br + ks + ms);
      assertEquals(r.publishedLog2PFail, Math.log(p) / LOG2, 0.1, r.name);
    }
  }

  private static double tu(int b) {
    return NoiseModel.TfheRs.tUniformVariance(b);
  }

  @Test
  void tfheRsFftTermMatchesTheTable() {
    // tfhe.md §3.7, M2C2: n·Var_fft = 2^−31.9.
    double v = 918 * NoiseModel.TfheRs.fft(1, 2048, 23, 1);
    assertEquals(-31.9, Math.log(v) / LOG2, 0.05);
  }

  @Test
  void globalErrorMatchesTheProductForm() {
    double[] p = {1e-3, 2e-4, 0.5};
    long[] c = {3, 10, 1};
    double survive = 1;
    for (int i = 0; i < p.length; i++) {
      for (long j = 0; j < c[i]; j++) {
        survive *= 1 - p[i];
      }
    }
    assertEquals(1 - survive, NoiseModel.globalErrorProbability(p, c), 1e-15);
    double per = NoiseModel.perLookupErrorProbability(1e-5, 1000);
    assertEquals(
        1e-5, NoiseModel.globalErrorProbability(new double[] {per}, new long[] {1000}), 1e-18);
  }
}
