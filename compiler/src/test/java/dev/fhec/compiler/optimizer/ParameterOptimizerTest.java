package dev.fhec.compiler.optimizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fhec.compiler.CompileOptions;
import dev.fhec.runtime.params.CostModel;
import dev.fhec.runtime.params.ErrorFunction;
import dev.fhec.runtime.params.NoiseModel;
import dev.fhec.runtime.params.ParameterSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ParameterOptimizerTest {
  private static final double KAPPA_4 = ErrorFunction.erfc(2 * Math.sqrt(2));
  private static final ParameterOptimizer OPTIMIZER = new ParameterOptimizer();

  /** Every (k, N, n, BR b×ℓ, KS b×ℓ) of a small space, no fronts, no pruning. */
  private static double bruteForceCost(
      SearchSpace space, CircuitProfile profile, ErrorTarget target) {
    double best = Double.POSITIVE_INFINITY;
    for (int k = space.minK(); k <= space.maxK(); k++) {
      for (int logN = space.minLogN(); logN <= space.maxLogN(); logN++) {
        int bigN = 1 << logN;
        int kn = k * bigN;
        for (int n = space.minN(); n <= space.maxN(); n++) {
          double vms = NoiseModel.modulusSwitch(n, bigN);
          for (int lb = 1; lb <= 64; lb++) {
            for (int bb = 1; bb * lb <= 64; bb++) {
              double vbr =
                  NoiseModel.blindRotation(n, k, bigN, bb, lb, NoiseModel.secureVariance(kn));
              for (int lk = 1; lk <= 64; lk++) {
                double cost =
                    profile.lookupCount()
                            * (CostModel.bootstrap(n, k, bigN, lb) + CostModel.keyswitch(kn, n, lk))
                        + (double) profile.leveledTerms() * kn;
                if (cost >= best) {
                  continue;
                }
                for (int bk = 1; bk * lk <= 64; bk++) {
                  double vks = NoiseModel.keyswitch(kn, bk, lk, NoiseModel.secureVariance(n));
                  int m = profile.groups().size();
                  double[] p = new double[m];
                  long[] counts = new long[m];
                  boolean ok = true;
                  for (int i = 0; i < m; i++) {
                    LookupGroup g = profile.groups().get(i);
                    p[i] =
                        NoiseModel.errorProbability(
                            g.precision(), g.norm2Squared() * vbr + vks + vms);
                    counts[i] = g.count();
                    ok &= p[i] <= target.value();
                  }
                  if (target instanceof ErrorTarget.Global) {
                    ok = NoiseModel.globalErrorProbability(p, counts) <= target.value();
                  }
                  if (ok) {
                    best = cost;
                    break;
                  }
                }
              }
            }
          }
        }
      }
    }
    return best;
  }

  @Test
  void matchesExhaustiveSearchOnASmallSpace() {
    SearchSpace small = new SearchSpace(10, 11, 1, 2, 740, 756);
    ParameterOptimizer optimizer = new ParameterOptimizer(small);
    List<CircuitProfile> profiles =
        List.of(
            CircuitProfile.of(LookupGroup.ofNorm2(3, 1, 1)),
            CircuitProfile.of(LookupGroup.ofNorm2(4, 32, 10)),
            new CircuitProfile(
                List.of(LookupGroup.ofNorm2(2, 300, 5), LookupGroup.ofNorm2(4, 2, 7)), 1000));
    for (CircuitProfile profile : profiles) {
      ErrorTarget target = new ErrorTarget.PerLookup(KAPPA_4);
      double expected = bruteForceCost(small, profile, target);
      OptimizedParameters r = optimizer.optimize(profile, target);
      assertEquals(expected, r.complexity(), 0.5, profile.toString());
      assertTrue(r.maxPError() <= KAPPA_4, r.toString());
    }
    CircuitProfile mixed =
        new CircuitProfile(
            List.of(LookupGroup.ofNorm2(3, 40, 300), LookupGroup.ofNorm2(4, 1, 100)), 0);
    ErrorTarget global = new ErrorTarget.Global(1e-3);
    SearchSpace tiny = new SearchSpace(10, 10, 1, 2, 740, 746);
    OptimizedParameters r = new ParameterOptimizer(tiny).optimize(mixed, global);
    assertEquals(bruteForceCost(tiny, mixed, global), r.complexity(), 0.5, r.why());
    assertTrue(r.globalPError() <= 1e-3, r.why());
  }

  @Test
  void globalTargetBoundsTheWholeCircuit() {
    CircuitProfile profile =
        new CircuitProfile(
            List.of(LookupGroup.ofNorm2(4, 1, 1000), LookupGroup.ofNorm2(2, 32, 200)), 50_000);
    OptimizedParameters r = OPTIMIZER.optimize(profile, new ErrorTarget.Global(1e-5));
    ParameterSet s = r.parameters();
    double p4 = NoiseModel.errorProbability(s, 4, 1);
    double p2 = NoiseModel.errorProbability(s, 2, 32 * 32);
    double survive = Math.pow(1 - p4, 1000) * Math.pow(1 - p2, 200);
    assertEquals(1 - survive, r.globalPError(), 1e-6 * r.globalPError());
    assertTrue(r.globalPError() <= 1e-5, r.why());
    assertEquals(s, s.requireUsable());
  }

  @Test
  void aGlobalTargetOnOneGroupEqualsItsPerLookupShare() {
    CircuitProfile profile = CircuitProfile.of(LookupGroup.ofNorm2(5, 3, 10_000));
    OptimizedParameters global = OPTIMIZER.optimize(profile, new ErrorTarget.Global(1e-5));
    double share = -Math.expm1(Math.log1p(-1e-5) / 10_000);
    OptimizedParameters per = OPTIMIZER.optimize(profile, new ErrorTarget.PerLookup(share));
    assertEquals(per.complexity(), global.complexity(), 0.5);
  }

  @Test
  void stricterTargetsNeverCostLess() {
    CircuitProfile profile = CircuitProfile.of(LookupGroup.ofNorm2(4, 8, 1));
    double previous = 0;
    for (double p : new double[] {1e-2, 1e-4, 1e-6, 1e-9, 1e-15, Math.scalb(1.0, -64)}) {
      OptimizedParameters r = OPTIMIZER.optimize(profile, new ErrorTarget.PerLookup(p));
      assertTrue(r.complexity() >= previous, "p_error " + p + ": " + r.why());
      assertTrue(r.maxPError() <= p, r.why());
      previous = r.complexity();
    }
  }

  @Test
  void largestNormMatchesConcretesFirstInfeasibleNorm() {
    // compiler.md §8.7 "first ν with no solution" (κ = 4): 2^{t−1} works, 2^t does not.
    int[] firstInfeasibleLog2 = {31, 30, 28, 27, 25, 23, 21, 19, 17, 14};
    for (int p = 1; p <= firstInfeasibleLog2.length; p++) {
      double log2Nu = 0.5 * Math.log(OPTIMIZER.largestNorm2Squared(p, KAPPA_4)) / Math.log(2);
      int t = firstInfeasibleLog2[p - 1];
      assertTrue(log2Nu >= t - 1 && log2Nu < t, "p=" + p + ": largest nu = 2^" + log2Nu);
    }
  }

  @Test
  void noParametersSaysWhatWouldWork() {
    CircuitProfile profile = CircuitProfile.of(LookupGroup.ofNorm2(9, Math.scalb(1.0, 20), 1));
    ErrorTarget target = new ErrorTarget.PerLookup(KAPPA_4);
    NoParametersException e =
        assertThrows(NoParametersException.class, () -> OPTIMIZER.optimize(profile, target));
    assertTrue(e.getMessage().contains("9-bit"), e.getMessage());
    assertTrue(e.getMessage().contains("round the lookup input to"), e.getMessage());
    assertNotNull(e.group());
    double nuMax = e.largestNorm2().orElseThrow();
    int pMax = e.largestPrecision().orElseThrow();
    // The advice is right: both suggestions are feasible, and slightly beyond them is not.
    OPTIMIZER.optimize(CircuitProfile.of(LookupGroup.ofNorm2(9, nuMax * 0.999, 1)), target);
    assertThrows(
        NoParametersException.class,
        () ->
            OPTIMIZER.optimize(CircuitProfile.of(LookupGroup.ofNorm2(9, nuMax * 1.01, 1)), target));
    OPTIMIZER.optimize(
        CircuitProfile.of(LookupGroup.ofNorm2(pMax, Math.scalb(1.0, 20), 1)), target);
    assertThrows(
        NoParametersException.class,
        () ->
            OPTIMIZER.optimize(
                CircuitProfile.of(LookupGroup.ofNorm2(pMax + 1, Math.scalb(1.0, 20), 1)), target));
  }

  @Test
  void sixteenBitsAreOutOfReachWithAHelpfulMessage() {
    NoParametersException e =
        assertThrows(
            NoParametersException.class,
            () -> OPTIMIZER.optimize(CircuitProfile.of(LookupGroup.ofNorm2(16, 1, 1))));
    assertTrue(e.getMessage().contains("largest precision is"), e.getMessage());
    assertTrue(e.hint().startsWith("hint: round lookup inputs to"), e.hint());
  }

  @Test
  void whyNamesBindingConstraintAndRunnerUp() {
    OptimizedParameters r =
        OPTIMIZER.optimize(
            CircuitProfile.of(LookupGroup.ofNorm2(4, 1, 1)), new ErrorTarget.PerLookup(KAPPA_4));
    assertTrue(r.why().contains("Binding: the 4-bit lookups with nu=1.00"), r.why());
    assertTrue(r.why().contains("Runner-up: "), r.why());
    assertEquals("OPT_p4_nu1", r.parameters().name());
    assertEquals(0, r.bindingGroup());
    double bound = NoiseModel.safeVariance(4, KAPPA_4);
    double sigmaRatio = Math.sqrt(bound / r.groups().get(0).variance());
    assertEquals(Math.log(sigmaRatio) / Math.log(2), r.marginBits(), 1e-9);
    assertTrue(r.marginBits() >= 0, r.why());
    assertTrue(r.runnerUpComplexity() > r.complexity(), r.why());
    assertEquals(r.keyswitchComplexity() + r.bootstrapComplexity(), r.complexity(), 0.5, r.why());
  }

  @Test
  void compileOptionsChooseTheTarget() {
    assertEquals(new ErrorTarget.Global(1e-5), ErrorTarget.of(CompileOptions.defaults()));
    CompileOptions perLookup =
        new CompileOptions(OptionalDouble.of(1e-3), 1e-5, OptionalInt.empty(), false, 16, true);
    assertEquals(new ErrorTarget.PerLookup(1e-3), ErrorTarget.of(perLookup));
  }

  @Test
  void rejectsMalformedProfiles() {
    assertThrows(IllegalArgumentException.class, () -> LookupGroup.ofNorm2(0, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> LookupGroup.ofNorm2(17, 1, 1));
    assertThrows(IllegalArgumentException.class, () -> new LookupGroup(4, 0.5, 1));
    assertThrows(IllegalArgumentException.class, () -> new LookupGroup(4, 1, 0));
    assertThrows(IllegalArgumentException.class, () -> new CircuitProfile(List.of(), 0));
    assertThrows(IllegalArgumentException.class, () -> new ErrorTarget.Global(1.0));
  }
}
