package dev.fhec.compiler.optimizer;

import dev.fhec.compiler.lowering.LoweredCircuit;
import dev.fhec.compiler.optimizer.DecompositionFronts.Front;
import dev.fhec.compiler.optimizer.OptimizedParameters.GroupPrediction;
import dev.fhec.compiler.optimizer.OptimizedParameters.OutputPrediction;
import dev.fhec.runtime.params.CostModel;
import dev.fhec.runtime.params.Decomposition;
import dev.fhec.runtime.params.GlweDimension;
import dev.fhec.runtime.params.LweDimension;
import dev.fhec.runtime.params.NoiseModel;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.PolynomialSize;
import dev.fhec.runtime.params.SecurityCurve;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Chooses the cheapest 128-bit secure TFHE parameters for a circuit (mono-parameter: one set for
 * every lookup, one noise constraint per lookup group).
 *
 * <p>Why: the parameters decide both the cost of every bootstrap and the chance that a lookup
 * returns a wrong value; Concrete's optimizer (Bergerat et al., ePrint 2022/704; compiler.md §8)
 * shows that searching the whole space per circuit beats any fixed table. This class is that
 * search, on the noise and cost models of {@link NoiseModel} and {@link CostModel}.
 *
 * <p>Constraint of a group (p, ν²): ν²·V_BR + V_KS + V_MS ≤ (2^{−(p+2)}/κ)², κ = √2·erfc⁻¹(p_err),
 * with the KSK and BSK at the minimal secure σ of {@link SecurityCurve} for n and k·N. With a
 * global target the exact condition 1 − Π(1 − pᵢ)^{countᵢ} ≤ target is checked.
 *
 * <p>Search (compiler.md §8.5): for each (k, N) and each n by increasing cost, the precomputed
 * Pareto fronts of decompositions ({@link DecompositionFronts}) are scanned cheapest-first; the
 * cheapest keyswitch that fits the remaining noise budget is found by bisection; loops stop as soon
 * as the modulus-switch noise alone exceeds the budget or the cheapest completion costs more than
 * the best two (k, N) choices found so far (the second one is reported as the runner-up). Equal
 * costs are broken by the lower error probability.
 */
public final class ParameterOptimizer {
  /** Safety factor so that rounding in κ never makes a chosen set exceed its target. */
  private static final double SLACK = 1 - 1e-9;

  private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
  private static final double FOUR_OVER_PI = 4 / Math.PI;

  private final SearchSpace space;
  private final DecompositionFronts fronts;

  public ParameterOptimizer() {
    this(SearchSpace.CONCRETE_CPU);
  }

  public ParameterOptimizer(SearchSpace space) {
    this.space = space;
    this.fronts = DecompositionFronts.of(space);
  }

  /**
   * One parameter set for every lookup of {@code lowered}: {@link #optimize(CircuitProfile,
   * ErrorTarget)} on its {@link NoiseDag#singleProfile()}, where lookups, circuit outputs and
   * leveled chains all constrain the noise (issue 9).
   */
  public OptimizedParameters optimize(LoweredCircuit lowered, ErrorTarget target) {
    return optimize(NoiseDag.of(lowered).singleProfile(), target);
  }

  /** Optimizes for Concrete's default target, a global p_error of 1e−5. */
  public OptimizedParameters optimize(CircuitProfile profile) {
    return optimize(profile, ErrorTarget.defaultTarget());
  }

  /**
   * The cheapest secure parameters for {@code profile} that meet {@code target}.
   *
   * @throws NoParametersException if none exist in the search space
   */
  public OptimizedParameters optimize(CircuitProfile profile, ErrorTarget target) {
    long start = System.nanoTime();
    Constraint constraint = new Constraint(profile, target);
    double lookups = profile.lookupCount();
    List<Candidate> perPair = new ArrayList<>();
    double lowest = Double.POSITIVE_INFINITY;
    double second = Double.POSITIVE_INFINITY;
    for (int k = space.minK(); k <= space.maxK(); k++) {
      for (int logN = space.minLogN(); logN <= space.maxLogN(); logN++) {
        Candidate c = bestForPair(k, logN, profile, constraint, lookups, second);
        if (c == null) {
          continue;
        }
        perPair.add(c);
        if (c.cost < lowest) {
          second = lowest;
          lowest = c.cost;
        } else if (c.cost < second) {
          second = c.cost;
        }
      }
    }
    if (perPair.isEmpty()) {
      throw diagnose(profile, target);
    }
    perPair.sort(Candidate::compareTo);
    Candidate best = keyswitch32(perPair.get(0), constraint);
    Candidate runnerUp = perPair.size() > 1 ? perPair.get(1) : null;
    return describe(best, runnerUp, profile, target, constraint, System.nanoTime() - start);
  }

  /** The cheapest feasible point with this (k, N), or null; prunes above min(own best, bound). */
  private Candidate bestForPair(
      int k,
      int logN,
      CircuitProfile profile,
      Constraint constraint,
      double lookups,
      double bound) {
    int bigN = 1 << logN;
    int kn = k * bigN;
    Front br = fronts.blindRotation(k, logN);
    double leveled = (double) profile.leveledTerms() * kn;
    double vfresh = NoiseModel.freshBigKeyVariance(k, bigN);
    Candidate best = null;
    for (int n = space.minN(); n <= space.maxN(); n++) {
      double threshold = best == null ? bound : Math.min(best.cost, bound);
      double vms = NoiseModel.modulusSwitch(n, bigN);
      if (vms >= constraint.minSafe) {
        break; // V_MS grows with n
      }
      Front ks = fronts.keyswitch(n);
      long cheapestKs = CostModel.keyswitch(kn, n, ks.levels()[0]);
      if (lookups * (cheapestKs + CostModel.bootstrap(n, k, bigN, br.levels()[0])) + leveled
          > threshold) {
        break; // every cost grows with n
      }
      for (int j = 0; j < br.size(); j++) {
        long pbs = CostModel.bootstrap(n, k, bigN, br.levels()[j]);
        if (lookups * (pbs + cheapestKs) + leveled > threshold) {
          break;
        }
        double vbr = n * br.variance()[j];
        if (!constraint.outputsHold(vfresh, vbr)) {
          continue; // fewer levels only add blind-rotation noise
        }
        double budget = constraint.keyswitchBudget(vbr, vms);
        if (budget <= 0) {
          continue;
        }
        for (int i = firstBelow(ks, budget / kn); i < ks.size(); i++) {
          double cost = lookups * (pbs + CostModel.keyswitch(kn, n, ks.levels()[i])) + leveled;
          if (cost > threshold) {
            break;
          }
          double vks = kn * ks.variance()[i];
          if (!constraint.holds(vfresh, vbr, vks, vms)) {
            continue;
          }
          Candidate c =
              new Candidate(
                  k,
                  bigN,
                  n,
                  br.baseLog()[j],
                  br.levels()[j],
                  ks.baseLog()[i],
                  ks.levels()[i],
                  vbr,
                  vks,
                  vms,
                  vfresh,
                  cost,
                  constraint.globalPError(vfresh, vbr, vks, vms),
                  false);
          if (best == null || c.compareTo(best) < 0) {
            best = c;
            threshold = Math.min(best.cost, bound);
          }
          break;
        }
        if (lookups == 0 && best != null) {
          return best; // without lookups n and the decompositions cost nothing
        }
      }
    }
    return best;
  }

  /**
   * {@code best} with its keyswitch on 32 bits ({@link NoiseModel#keyswitch32} and {@link
   * NoiseModel#modulusSwitch32} in place of the 64-bit variances) when its decomposition allows and
   * every constraint still holds; else {@code best}. After the search, which priced the 64-bit
   * keyswitch: Concrete's cost model does not see the width (the 32-bit one reads half the key
   * bytes, about 2× faster), so the choice never changes the parameters, only the noise and speed.
   */
  private static Candidate keyswitch32(Candidate best, Constraint constraint) {
    if (!NoiseModel.fitsKeyswitch32(best.ksBase, best.ksLevels)) {
      return best;
    }
    double vks =
        NoiseModel.keyswitch32(
            best.k * best.bigN,
            best.n,
            best.ksBase,
            best.ksLevels,
            NoiseModel.secureVariance(best.n));
    double vms = NoiseModel.modulusSwitch32(best.n, best.bigN);
    if (vks > constraint.keyswitchBudget(best.vbr, vms)
        || !constraint.holds(best.vfresh, best.vbr, vks, vms)) {
      return best;
    }
    return new Candidate(
        best.k,
        best.bigN,
        best.n,
        best.brBase,
        best.brLevels,
        best.ksBase,
        best.ksLevels,
        best.vbr,
        vks,
        vms,
        best.vfresh,
        best.cost,
        constraint.globalPError(best.vfresh, best.vbr, vks, vms),
        true);
  }

  /** Index of the first front entry with variance ≤ limit (fronts decrease), or size. */
  private static int firstBelow(Front f, double limit) {
    int lo = 0;
    int hi = f.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (f.variance()[mid] <= limit) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /** One feasible point of the search. */
  private record Candidate(
      int k,
      int bigN,
      int n,
      int brBase,
      int brLevels,
      int ksBase,
      int ksLevels,
      double vbr,
      double vks,
      double vms,
      double vfresh,
      double cost,
      double globalPError,
      boolean keyswitch32)
      implements Comparable<Candidate> {
    @Override
    public int compareTo(Candidate o) {
      int c = Double.compare(cost, o.cost);
      return c != 0 ? c : Double.compare(globalPError, o.globalPError);
    }

    String shape() {
      return String.format(
              Locale.ROOT,
              "k=%d, N=2^%d, n=%d, BR 2^%dx%d, KS 2^%dx%d",
              k,
              Integer.numberOfTrailingZeros(bigN),
              n,
              brBase,
              brLevels,
              ksBase,
              ksLevels)
          + (keyswitch32 ? " on 32 bits" : "");
    }
  }

  /**
   * The noise constraints of a profile under a target, in arrays for the inner loop: lookup groups
   * (ν²·V_BR + V_KS + V_MS) and outputs (w_fresh·V_fresh + w_BR·V_BR, no keyswitch).
   */
  private static final class Constraint {
    final int[] precision;
    final double[] norm2Squared;
    final long[] count;
    final double[] safe; // per-lookup bound; with a global target a necessary condition only
    final double[] halfBox; // 2^{−(p+2)}
    final int[] outPrecision;
    final double[] outFresh;
    final double[] outBr;
    final long[] outCount;
    final double[] outSafe;
    final double[] outHalfBox;
    final double minSafe;
    final boolean global;
    final double target;

    Constraint(CircuitProfile profile, ErrorTarget target) {
      int m = profile.groups().size();
      precision = new int[m];
      norm2Squared = new double[m];
      count = new long[m];
      safe = new double[m];
      halfBox = new double[m];
      this.target = target.value();
      this.global =
          switch (target) {
            case ErrorTarget.PerLookup p -> false;
            case ErrorTarget.Global g -> true;
          };
      double min = Double.POSITIVE_INFINITY;
      for (int i = 0; i < m; i++) {
        LookupGroup g = profile.groups().get(i);
        precision[i] = g.precision();
        norm2Squared[i] = g.norm2Squared();
        count[i] = g.count();
        // With a global target, group i alone must already satisfy 1 − (1 − pᵢ)^{countᵢ} ≤ target.
        safe[i] = NoiseModel.safeVariance(g.precision(), alone(target, g.count())) * SLACK;
        halfBox[i] = Math.scalb(1.0, -(g.precision() + 2));
        min = Math.min(min, safe[i]);
      }
      minSafe = min;
      int o = profile.outputs().size();
      outPrecision = new int[o];
      outFresh = new double[o];
      outBr = new double[o];
      outCount = new long[o];
      outSafe = new double[o];
      outHalfBox = new double[o];
      for (int i = 0; i < o; i++) {
        OutputConstraint c = profile.outputs().get(i);
        outPrecision[i] = c.precision();
        outFresh[i] = c.freshNorm2Squared();
        outBr[i] = c.lookupNorm2Squared();
        outCount[i] = c.count();
        outSafe[i] = NoiseModel.safeVariance(c.precision(), alone(target, c.count())) * SLACK;
        outHalfBox[i] = Math.scalb(1.0, -(c.precision() + 2));
      }
    }

    private static double alone(ErrorTarget target, long count) {
      return switch (target) {
        case ErrorTarget.PerLookup p -> p.value();
        case ErrorTarget.Global g -> NoiseModel.perLookupErrorProbability(g.value(), count);
      };
    }

    /** The largest V_KS such that every group's per-lookup bound holds. */
    double keyswitchBudget(double vbr, double vms) {
      double budget = Double.POSITIVE_INFINITY;
      for (int i = 0; i < safe.length; i++) {
        budget = Math.min(budget, safe[i] - norm2Squared[i] * vbr);
      }
      return budget - vms;
    }

    /** Every output's own bound (exact for per-lookup targets, necessary for a global one). */
    boolean outputsHold(double vfresh, double vbr) {
      for (int i = 0; i < outSafe.length; i++) {
        if (outFresh[i] * vfresh + outBr[i] * vbr > outSafe[i]) {
          return false;
        }
      }
      return true;
    }

    /**
     * Exact check; for per-lookup targets the budget already is exact. For a global target the
     * cheap bounds (2/√π)e^{−z²}/(z + √(z² + 2)) < erfc(z) ≤ (2/√π)e^{−z²}/(z + √(z² + 4/π))
     * (Abramowitz &amp; Stegun 7.1.13) settle almost every case before the full erfc is needed.
     */
    boolean holds(double vfresh, double vbr, double vks, double vms) {
      if (!global) {
        return true;
      }
      double limit = -Math.log1p(-target * SLACK);
      double[] bounds = new double[2];
      for (int i = 0; i < safe.length; i++) {
        double v = NoiseModel.lookupInputVariance(norm2Squared[i], vbr, vks, vms);
        addBounds(bounds, halfBox[i], v, count[i]);
      }
      for (int i = 0; i < outSafe.length; i++) {
        addBounds(bounds, outHalfBox[i], outFresh[i] * vfresh + outBr[i] * vbr, outCount[i]);
      }
      if (bounds[0] > limit) {
        return false;
      }
      if (bounds[1] <= limit * (1 - 1e-9)) {
        return true;
      }
      return globalPError(vfresh, vbr, vks, vms) <= target * SLACK;
    }

    private static void addBounds(double[] bounds, double halfBox, double v, long count) {
      if (!(v > 0)) {
        return; // a noiseless output (no encrypted source) never fails
      }
      double z = halfBox / Math.sqrt(2 * v);
      double e = TWO_OVER_SQRT_PI * Math.exp(-z * z);
      double pLow = e / (z + Math.sqrt(z * z + 2));
      double pHigh = Math.min(e / (z + Math.sqrt(z * z + FOUR_OVER_PI)), 1.0);
      bounds[0] -= count * Math.log1p(-pLow);
      bounds[1] -= pHigh >= 1.0 ? Double.POSITIVE_INFINITY : count * Math.log1p(-pHigh);
    }

    double pError(int i, double vbr, double vks, double vms) {
      return NoiseModel.errorProbability(
          precision[i], NoiseModel.lookupInputVariance(norm2Squared[i], vbr, vks, vms));
    }

    double outputPError(int i, double vfresh, double vbr) {
      double v = outFresh[i] * vfresh + outBr[i] * vbr;
      return v > 0 ? NoiseModel.errorProbability(outPrecision[i], v) : 0;
    }

    double globalPError(double vfresh, double vbr, double vks, double vms) {
      double[] p = new double[safe.length + outSafe.length];
      long[] c = new long[p.length];
      for (int i = 0; i < safe.length; i++) {
        p[i] = pError(i, vbr, vks, vms);
        c[i] = count[i];
      }
      for (int i = 0; i < outSafe.length; i++) {
        p[safe.length + i] = outputPError(i, vfresh, vbr);
        c[safe.length + i] = outCount[i];
      }
      return NoiseModel.globalErrorProbability(p, c);
    }
  }

  private OptimizedParameters describe(
      Candidate best,
      Candidate runnerUp,
      CircuitProfile profile,
      ErrorTarget target,
      Constraint constraint,
      long nanos) {
    int kn = best.k * best.bigN;
    ParameterSet params =
        new ParameterSet(
            name(profile),
            new LweDimension(best.n),
            new GlweDimension(best.k),
            new PolynomialSize(best.bigN),
            new Decomposition(best.brBase, best.brLevels),
            new Decomposition(best.ksBase, best.ksLevels),
            SecurityCurve.minStd(best.n),
            SecurityCurve.minStd(kn));
    List<GroupPrediction> predictions = new ArrayList<>();
    int binding = 0;
    double bindingRatio = 0;
    for (int i = 0; i < profile.groups().size(); i++) {
      LookupGroup g = profile.groups().get(i);
      double v = NoiseModel.lookupInputVariance(g.norm2Squared(), best.vbr, best.vks, best.vms);
      predictions.add(
          new GroupPrediction(g, v, constraint.pError(i, best.vbr, best.vks, best.vms)));
      double ratio = v / NoiseModel.safeVariance(g.precision(), target.value());
      if (ratio > bindingRatio) {
        bindingRatio = ratio;
        binding = i;
      }
    }
    List<OutputPrediction> outputs = new ArrayList<>();
    double outputRatio = 0;
    int outputBinding = -1;
    for (int i = 0; i < profile.outputs().size(); i++) {
      OutputConstraint o = profile.outputs().get(i);
      double v = o.variance(best.vfresh, best.vbr);
      outputs.add(new OutputPrediction(o, v, constraint.outputPError(i, best.vfresh, best.vbr)));
      double ratio = v / NoiseModel.safeVariance(o.precision(), target.value());
      if (ratio > outputRatio) {
        outputRatio = ratio;
        outputBinding = i;
      }
    }
    double global = constraint.globalPError(best.vfresh, best.vbr, best.vks, best.vms);
    StringBuilder why = new StringBuilder();
    if (predictions.isEmpty()) {
      why.append(best.shape())
          .append(
              String.format(
                  Locale.ROOT,
                  " is the cheapest secure set for a circuit without lookups (complexity %.4g):"
                      + " the smallest big key whose fresh noise keeps every output exact;",
                  best.cost));
      appendOutputs(why, outputs, outputBinding, outputRatio, global, target);
      return new OptimizedParameters(
          params,
          CostModel.keyswitch(kn, best.n, best.ksLevels),
          CostModel.bootstrap(best.n, best.k, best.bigN, best.brLevels),
          best.cost,
          predictions,
          global,
          target,
          -1,
          -0.5 * Math.log(outputRatio) / Math.log(2),
          runnerUp == null ? Double.NaN : runnerUp.cost,
          why.toString(),
          nanos,
          outputs,
          best.keyswitch32);
    }
    LookupGroup b = profile.groups().get(binding);
    double bv = predictions.get(binding).variance();
    why.append(best.shape())
        .append(
            String.format(
                Locale.ROOT, " is the cheapest secure set (complexity %.4g).", best.cost));
    if (target instanceof ErrorTarget.Global) {
      why.append(
          String.format(
              Locale.ROOT,
              " Binding: global p_error %.3g <= %.3g over %d lookup%s;",
              global,
              target.value(),
              profile.lookupCount(),
              profile.lookupCount() == 1 ? "" : "s"));
    } else {
      why.append(
          String.format(
              Locale.ROOT,
              " Binding: the %d-bit lookups with nu=%s, p_error %.3g <= %.3g.",
              b.precision(),
              formatNorm(b.norm2()),
              predictions.get(binding).pError(),
              target.value()));
    }
    why.append(
        String.format(
            Locale.ROOT,
            " Tightest group: %d-bit lookups with nu=%s, noise margin %.3f bits of sigma; their"
                + " input noise is %.1f%% blind rotation (nu^2 V_BR), %.1f%% keyswitch, %.1f%%"
                + " modulus switch.",
            b.precision(),
            formatNorm(b.norm2()),
            -0.5 * Math.log(bindingRatio) / Math.log(2),
            100 * b.norm2Squared() * best.vbr / bv,
            100 * best.vks / bv,
            100 * best.vms / bv));
    if (runnerUp != null) {
      why.append(
          String.format(
              Locale.ROOT,
              " Runner-up: %s at complexity %.4g (+%.1f%%).",
              runnerUp.shape(),
              runnerUp.cost,
              100 * (runnerUp.cost / best.cost - 1)));
    } else {
      why.append(" No other (k, N) is feasible.");
    }
    if (!outputs.isEmpty()) {
      why.append(" Outputs:");
      appendOutputs(why, outputs, outputBinding, outputRatio, global, target);
    }
    return new OptimizedParameters(
        params,
        CostModel.keyswitch(kn, best.n, best.ksLevels),
        CostModel.bootstrap(best.n, best.k, best.bigN, best.brLevels),
        best.cost,
        predictions,
        global,
        target,
        binding,
        -0.5 * Math.log(bindingRatio) / Math.log(2),
        runnerUp == null ? Double.NaN : runnerUp.cost,
        why.toString(),
        nanos,
        outputs,
        best.keyswitch32);
  }

  private static void appendOutputs(
      StringBuilder why,
      List<OutputPrediction> outputs,
      int binding,
      double ratio,
      double global,
      ErrorTarget target) {
    if (binding < 0) {
      why.append(" the outputs carry no noise.");
      return;
    }
    OutputPrediction o = outputs.get(binding);
    why.append(
        String.format(
            Locale.ROOT,
            " tightest output %s (%d bits, nu_fresh=%s, nu_lookup=%s) has p_error %.3g, margin"
                + " %.3f bits of sigma; global p_error %.3g (target %.3g).",
            o.output().label(),
            o.output().precision(),
            formatNorm(Math.sqrt(o.output().freshNorm2Squared())),
            formatNorm(Math.sqrt(o.output().lookupNorm2Squared())),
            o.pError(),
            -0.5 * Math.log(ratio) / Math.log(2),
            global,
            target.value()));
  }

  private static String name(CircuitProfile profile) {
    long nu = (long) Math.ceil(Math.sqrt(profile.maxNorm2Squared()) - 1e-9);
    return "OPT_p" + profile.maxPrecision() + "_nu" + nu;
  }

  static String formatNorm(double nu) {
    if (nu >= 64) {
      return String.format(Locale.ROOT, "2^%.1f", Math.log(nu) / Math.log(2));
    }
    return String.format(Locale.ROOT, "%.3g", nu);
  }

  /**
   * The largest ν² a p-bit lookup can have at per-lookup error {@code pError} with any secure
   * parameters in the space, ignoring cost; 0 when even ν² = 0 is out of reach.
   */
  public double largestNorm2Squared(int precision, double pError) {
    double safe = NoiseModel.safeVariance(precision, pError) * SLACK;
    double best = 0;
    for (int k = space.minK(); k <= space.maxK(); k++) {
      for (int logN = space.minLogN(); logN <= space.maxLogN(); logN++) {
        int bigN = 1 << logN;
        Front br = fronts.blindRotation(k, logN);
        double cmux = br.variance()[br.size() - 1];
        for (int n = space.minN(); n <= space.maxN(); n++) {
          Front ks = fronts.keyswitch(n);
          double rest =
              safe
                  - (double) k * bigN * ks.variance()[ks.size() - 1]
                  - NoiseModel.modulusSwitch(n, bigN);
          if (rest > 0) {
            best = Math.max(best, rest / (n * cmux));
          }
        }
      }
    }
    return best;
  }

  /** The least variance an output can have with any parameters of the space (fresh, BR). */
  private double leastOutputVariance(OutputConstraint o) {
    double best = Double.POSITIVE_INFINITY;
    for (int k = space.minK(); k <= space.maxK(); k++) {
      for (int logN = space.minLogN(); logN <= space.maxLogN(); logN++) {
        Front br = fronts.blindRotation(k, logN);
        double vbr = space.minN() * br.variance()[br.size() - 1];
        best = Math.min(best, o.variance(NoiseModel.freshBigKeyVariance(k, 1 << logN), vbr));
      }
    }
    return best;
  }

  /** A failure of output {@code o} alone at per-element error {@code pError}, or null. */
  private NoParametersException diagnoseOutput(
      OutputConstraint o, double pError, String targetText) {
    double least = leastOutputVariance(o);
    if (least <= NoiseModel.safeVariance(o.precision(), pError) * SLACK) {
      return null;
    }
    double nu2 = o.freshNorm2Squared() + o.lookupNorm2Squared();
    double maxNu2 = nu2 * NoiseModel.safeVariance(o.precision(), pError) * SLACK / least;
    int widest = 0;
    for (int p = o.precision() - 1; p >= 1 && widest == 0; p--) {
      if (least <= NoiseModel.safeVariance(p, pError) * SLACK) {
        widest = p;
      }
    }
    String m =
        String.format(
            Locale.ROOT,
            "no 128-bit secure parameters decrypt %s exactly: its %d-bit values carry noise grown"
                + " by nu = %s through leveled operations (multiplications by large constants or"
                + " long sums), at %s; at %d bits the largest nu that fits is %s%s. Use smaller"
                + " constants or shorter sums, or raise the error target",
            o.label(),
            o.precision(),
            formatNorm(Math.sqrt(nu2)),
            targetText,
            o.precision(),
            formatNorm(Math.sqrt(maxNu2)),
            widest > 0
                ? String.format(
                    Locale.ROOT, ", and at this nu the widest output is %d bits", widest)
                : "");
    return new NoParametersException(m, null, Math.sqrt(maxNu2), widest);
  }

  private NoParametersException diagnose(CircuitProfile profile, ErrorTarget target) {
    double perLookup =
        switch (target) {
          case ErrorTarget.PerLookup p -> p.value();
          case ErrorTarget.Global g ->
              NoiseModel.perLookupErrorProbability(g.value(), Math.max(1, profile.lookupCount()));
        };
    String targetText =
        switch (target) {
          case ErrorTarget.PerLookup p ->
              String.format(Locale.ROOT, "p_error %.3g per lookup", p.value());
          case ErrorTarget.Global g ->
              String.format(
                  Locale.ROOT,
                  "global p_error %.3g (%.3g per lookup over %d lookups)",
                  g.value(),
                  perLookup,
                  profile.lookupCount());
        };
    for (OutputConstraint o : profile.outputs()) {
      double alone =
          switch (target) {
            case ErrorTarget.PerLookup p -> p.value();
            case ErrorTarget.Global g -> NoiseModel.perLookupErrorProbability(g.value(), o.count());
          };
      NoParametersException e = diagnoseOutput(o, alone, targetText);
      if (e != null) {
        return e;
      }
    }
    for (LookupGroup g : profile.groups()) {
      double maxNu2 = largestNorm2Squared(g.precision(), perLookup);
      if (maxNu2 >= g.norm2Squared()) {
        continue;
      }
      int maxPrecision = 0;
      for (int p = g.precision() - 1; p >= 1 && maxPrecision == 0; p--) {
        if (largestNorm2Squared(p, perLookup) >= g.norm2Squared()) {
          maxPrecision = p;
        }
      }
      StringBuilder m = new StringBuilder();
      m.append(
          String.format(
              Locale.ROOT,
              "no 128-bit secure parameters for %d-bit lookups with nu = %s at %s: ",
              g.precision(),
              formatNorm(g.norm2()),
              targetText));
      if (maxNu2 >= 1) {
        m.append(
            String.format(
                Locale.ROOT,
                "at %d bits the largest nu that works is %s",
                g.precision(),
                formatNorm(Math.sqrt(maxNu2))));
      } else {
        m.append(String.format(Locale.ROOT, "no %d-bit lookup works at all", g.precision()));
      }
      if (maxPrecision > 0) {
        m.append(
            String.format(
                Locale.ROOT,
                "; at nu = %s the largest precision is %d bits. Use fewer bits (round the lookup"
                    + " input to %d bits), reduce nu, or raise the error target",
                formatNorm(g.norm2()),
                maxPrecision,
                maxPrecision));
      } else {
        m.append(
            String.format(
                Locale.ROOT,
                "; at nu = %s no precision works. Reduce nu (smaller weights, shorter sums) or"
                    + " raise the error target",
                formatNorm(g.norm2())));
      }
      return new NoParametersException(
          m.toString(), g, maxNu2 >= 1 ? Math.sqrt(maxNu2) : 0, maxPrecision);
    }
    return new NoParametersException(
        "no single 128-bit secure parameter set serves all lookup groups together at "
            + targetText
            + "; each group alone is feasible. Raise the error target, reduce the number of"
            + " lookups, or use fewer bits on the widest lookups",
        null,
        0,
        0);
  }
}
