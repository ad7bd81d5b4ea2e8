package dev.fhec.pipeline;

import java.util.ArrayList;
import java.util.List;

/**
 * The per-node search behind {@code --min-cosine C}: from a wide plan at the given input bits,
 * lower one lookup group at a time (weights, Q/K, V, scores, exp, the two accumulator roundings)
 * while head 0's mean output cosine against the float head on the calibration sentences stays ≥ C,
 * each step taking the group whose lowering saves the most estimated bootstrap cost. Accuracy is
 * exact and cheap ({@link PerNodeHead#evaluate}, no compilation); the cost estimate only orders the
 * steps (lookups × 2^width per group); {@code PipelineMain search} compiles the final candidates
 * (the last steps and the {@link #lowered} alternatives of the step before the last) and ranks them
 * by the compiler's optimized complexity.
 */
public final class PlanSearch {
  private final PerNodeHead.Weights weights;
  private final List<float[]> calibration;
  private final List<float[]> floatHeads = new ArrayList<>();
  private final int n;

  /** One plan the search evaluated and kept. */
  public record Step(HeadPlan plan, double cosine, double estimatedCost) {}

  public PlanSearch(PerNodeHead.Weights weights, List<float[]> calibration, int n) {
    this.weights = weights;
    this.calibration = calibration;
    this.n = n;
    for (float[] x : calibration) {
      double[] y = weights.head(x, n);
      float[] f = new float[y.length];
      for (int i = 0; i < y.length; i++) {
        f[i] = (float) y[i];
      }
      floatHeads.add(f);
    }
  }

  /** Mean cosine of the quantized head against the float head on the calibration sentences. */
  public double cosine(HeadPlan plan) {
    PerNodeHead h = new PerNodeHead(plan, weights, calibration, n);
    double sum = 0;
    for (int s = 0; s < calibration.size(); s++) {
      sum += Metrics.cosine(h.run(calibration.get(s)), floatHeads.get(s));
    }
    return sum / calibration.size();
  }

  /** The wide plan the descent starts from: every group at 8 bits, accumulators kept at 10. */
  public static HeadPlan start(int inputBits) {
    return new HeadPlan(inputBits, 8, 8, 8, 8, 8, 10, 10, 100);
  }

  /**
   * The descent: the steps taken, the last one the cheapest plan found that meets {@code
   * minCosine}; empty when even the start plan does not.
   */
  public List<Step> descend(int inputBits, double minCosine) {
    return descend(start(inputBits), minCosine);
  }

  /** The descent from {@code start} (its input bits and calibration choices stay fixed). */
  public List<Step> descend(HeadPlan start, double minCosine) {
    HeadPlan p = start;
    double c = cosine(p);
    List<Step> steps = new ArrayList<>();
    if (c < minCosine) {
      return steps;
    }
    steps.add(new Step(p, c, estimatedCost(p)));
    while (true) {
      Step best = null;
      for (Step q : lowered(p, minCosine)) {
        double saving = estimatedCost(p) - q.estimatedCost();
        if (best == null
            || saving > estimatedCost(p) - best.estimatedCost()
            || (saving == estimatedCost(p) - best.estimatedCost() && q.cosine() > best.cosine())) {
          best = q;
        }
      }
      if (best == null) {
        return steps;
      }
      steps.add(best);
      p = best.plan();
    }
  }

  /** The plans one group below {@code p} (one bit fewer) that still meet {@code minCosine}. */
  public List<Step> lowered(HeadPlan p, double minCosine) {
    List<Step> out = new ArrayList<>();
    for (HeadPlan.Group g : HeadPlan.Group.values()) {
      if (p.bits(g) <= lowest(g)) {
        continue;
      }
      HeadPlan q = p.with(g, p.bits(g) - 1);
      double qc = cosine(q);
      if (qc >= minCosine) {
        out.add(new Step(q, qc, estimatedCost(q)));
      }
    }
    return out;
  }

  private static int lowest(HeadPlan.Group g) {
    return g == HeadPlan.Group.ACC_ROUNDING || g == HeadPlan.Group.SCORE_ROUNDING ? 3 : 2;
  }

  /**
   * Bootstraps weighted by 2^(table input width), per group (the shared-squares lowering of the two
   * encrypted matmuls; the max's relu chain and the exp read the scores plus one bit). A rough
   * order of costs only: PBS cost grows 2–3× per bit above ~4 bits (reference/compiler.md §8.7).
   */
  public double estimatedCost(HeadPlan p) {
    int d = weights.d();
    double qkv = 3.0 * n * d * Math.pow(2, p.accKeep() == 0 ? 16 : Math.min(16, p.accKeep()));
    double scores = (double) n * d * n + 2.0 * n * d;
    double qk = scores * Math.pow(2, p.qkBits() + 1);
    double scoreLookup = (double) n * n * Math.pow(2, p.scoreKeep() == 0 ? 16 : p.scoreKeep());
    double softmax = (double) (n * (n - 1) + n * n) * Math.pow(2, p.scoreBits() + 1);
    // the squares of e + v read max(e, v) + 1 bits; each operand's share, so that lowering either
    // one shows a saving
    double av =
        ((double) n * n * d + n * n + n * d)
            * (Math.pow(2, p.expBits() + 1) + Math.pow(2, p.vBits() + 1))
            / 2;
    // wider weights widen the accumulators the rounding reads from: a small tie-breaker
    return qkv + qk + scoreLookup + softmax + av + p.weightBits();
  }
}
