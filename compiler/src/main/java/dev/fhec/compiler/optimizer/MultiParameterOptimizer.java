package dev.fhec.compiler.optimizer;

import dev.fhec.compiler.lowering.LoweredCircuit;
import dev.fhec.compiler.optimizer.DecompositionFronts.Front;
import dev.fhec.compiler.optimizer.NoiseDag.Partitioned;
import dev.fhec.compiler.report.KeySizes;
import dev.fhec.runtime.params.CostModel;
import dev.fhec.runtime.params.Decomposition;
import dev.fhec.runtime.params.GlweDimension;
import dev.fhec.runtime.params.LweDimension;
import dev.fhec.runtime.params.NoiseModel;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.PolynomialSize;
import dev.fhec.runtime.params.SecurityCurve;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * Chooses one parameter set per partition of a circuit's lookups (Concrete's multi-parameter
 * optimization, compiler.md §8.8), then merges partitions where the keyswitching keys between them
 * cost more than separate parameters save.
 *
 * <p>Model ({@link NoiseDag}): a partition per lookup input precision; every constraint — each
 * lookup's Σ weights·(V_fresh, V_BR, V_conv of the partitions its terms come from) + V_KS(src big →
 * dst small) + V_MS(dst) ≤ V_safe(p_in), each output's Σ weights·atoms ≤ V_safe(width) — at the
 * per-element error that spreads the target uniformly over all lookup and output elements (for a
 * global target: 1 − (1 − t)^{1/count}); the reported global p_error is exact. Cost: Concrete's, Σ
 * lookups·(KS + PBS) + conversions·KS(big→big) + leveled terms·k·N.
 *
 * <p>Search: start every partition at the single-parameter choice (feasible); sweep the partitions
 * from the widest down, re-optimizing each one's (k, N, n, BR decomposition) with the others fixed
 * and every keyswitch decomposition chosen as the cheapest that meets its constraints; stop at a
 * fixed point or after {@value #MAX_SWEEPS} sweeps. Then greedily merge adjacent precisions while
 * that lowers the total (fewer keyswitching keys and conversions), move the lookups of a binding
 * cross-partition keyswitch into a wider partition where that pays ({@link #reassign}, so a
 * precision may be served by two partitions), and keep the single-parameter choice itself if
 * nothing beats it, so the result never costs more than {@link ParameterOptimizer}'s on {@link
 * NoiseDag#singleProfile()}.
 */
public final class MultiParameterOptimizer {
  static final int MAX_SWEEPS = 11;

  /** Rounds of {@link #reassign} moves at most. */
  static final int MAX_REASSIGN_ROUNDS = 6;

  /** A lookup group binds its partition when its variance is at least this share of its bound. */
  static final double BINDING = 0.95;

  /** How far past its first feasible n a partition's step still looks, per (k, N). */
  static final int N_WINDOW = 256;

  /** The coarse scan's step in n; the chosen point is refined with every n around it. */
  static final int N_STRIDE = 16;

  private static final double SLACK = 1 - 1e-9;

  /** Searches at most this many key weights for a plan within a {@link KeyBudget}. */
  static final int MAX_BUDGET_TRIES = 8;

  /** The key weight's bisection stops when its bracket is this narrow (a ratio). */
  private static final double BUDGET_RESOLUTION = 2;

  /** Keys within this ratio of the previous weight's count as no progress. */
  private static final double PLATEAU = 0.98;

  /** Conversions keep their noise below this share of the tightest bound they can reach. */
  private static final double CONVERSION_SHARE = 0x1p-10;

  private final SearchSpace space;
  private final DecompositionFronts fronts;
  private final ParameterOptimizer single;

  public MultiParameterOptimizer() {
    this(SearchSpace.CONCRETE_CPU);
  }

  public MultiParameterOptimizer(SearchSpace space) {
    this.space = space;
    this.fronts = DecompositionFronts.of(space);
    this.single = new ParameterOptimizer(space);
  }

  /** {@link #optimize(NoiseDag, ErrorTarget)} on the noise DAG of {@code lowered}. */
  public PartitionedParameters optimize(LoweredCircuit lowered, ErrorTarget target) {
    return optimize(NoiseDag.of(lowered), target);
  }

  /**
   * The cheapest partitioned parameters found for {@code dag} under {@code target}.
   *
   * @throws NoParametersException if not even one parameter set serves the circuit
   */
  public PartitionedParameters optimize(NoiseDag dag, ErrorTarget target) {
    return optimize(dag, target, KeyBudget.NONE);
  }

  /** {@link #optimize(NoiseDag, ErrorTarget, KeyBudget)} on the noise DAG of {@code lowered}. */
  public PartitionedParameters optimize(
      LoweredCircuit lowered, ErrorTarget target, KeyBudget budget) {
    return optimize(NoiseDag.of(lowered), target, budget);
  }

  /**
   * The cheapest partitioned parameters found for {@code dag} under {@code target} whose evaluation
   * keys fit {@code budget}. When the best plan's keys do not fit, the key bytes enter the
   * objective with a Lagrange weight (complexity + λ·bytes/cap), raised until a plan fits and then
   * bisected; of the fitting plans (the single parameter set included) the one of least complexity
   * wins. When none fits, the one with the smallest keys is returned and its {@link
   * PartitionedParameters#budget()} says so.
   *
   * @throws NoParametersException if not even one parameter set serves the circuit
   */
  public PartitionedParameters optimize(NoiseDag dag, ErrorTarget target, KeyBudget budget) {
    OptimizedParameters mono = single.optimize(dag.singleProfile(), target);
    List<String> log = new ArrayList<>();
    Solution free = search(dag, target, mono, Penalty.NONE, log);
    if (budget.unlimited() || budget.admits(free.seeded, free.expanded)) {
      return describe(
          dag,
          free,
          target,
          String.join("; ", log),
          new KeyBudget.Outcome(
              budget, true, free.complexity, free.seeded, free.expanded, free.m()));
    }
    Solution monoSol = mono(dag, mono, target, Penalty.NONE);
    Solution best = budget.admits(monoSol.seeded, monoSol.expanded) ? monoSol : null;
    Solution smallest = excess(monoSol, budget) < excess(free, budget) ? monoSol : free;
    List<String> trials = new ArrayList<>();
    double lo = 0;
    double hi = Double.NaN;
    Solution last = null;
    for (int tries = 0; tries < MAX_BUDGET_TRIES; tries++) {
      double lambda =
          Double.isNaN(hi)
              ? (lo == 0 ? free.complexity : lo * 8)
              : lo == 0 ? hi / 8 : Math.sqrt(lo * hi);
      Solution sol = search(dag, target, mono, Penalty.of(budget, lambda), new ArrayList<>());
      boolean fits = budget.admits(sol.seeded, sol.expanded);
      trials.add(
          String.format(
              Locale.ROOT,
              "weight %.3g: %d partition%s, complexity %.4g, keys %s seeded / %s expanded%s",
              lambda,
              sol.m(),
              sol.m() == 1 ? "" : "s",
              sol.complexity,
              KeySizes.human(sol.seeded),
              KeySizes.human(sol.expanded),
              fits ? " (fits)" : ""));
      if (excess(sol, budget) < excess(smallest, budget)) {
        smallest = sol;
      }
      if (fits) {
        if (best == null || sol.complexity < best.complexity) {
          best = sol;
        }
        hi = lambda;
      } else {
        if (Double.isNaN(hi)
            && last != null
            && excess(sol, budget) > PLATEAU * excess(last, budget)) {
          break; // a heavier weight found no markedly smaller keys: nothing fits
        }
        lo = lambda;
        last = sol;
      }
      if (!Double.isNaN(hi) && lo > 0 && hi / lo < BUDGET_RESOLUTION) {
        break;
      }
    }
    log.add("key budget " + budget.describe() + ": " + String.join(", ", trials));
    Solution chosen = best != null ? best : smallest;
    return describe(
        dag,
        chosen,
        target,
        String.join("; ", log),
        new KeyBudget.Outcome(
            budget, best != null, free.complexity, free.seeded, free.expanded, free.m()));
  }

  /** How far a solution's keys exceed the budget: the larger of its two ratios to the caps. */
  private static double excess(Solution s, KeyBudget b) {
    return Math.max((double) s.seeded / b.seededBytes(), (double) s.expanded / b.expandedBytes());
  }

  /**
   * The search at one key weight: partitions by precision, descent, moves and merges, the unused
   * error budget spent; the single parameter set when nothing beats it.
   */
  private Solution search(
      NoiseDag dag, ErrorTarget target, OptimizedParameters mono, Penalty pen, List<String> log) {
    CircuitProfile profile = dag.singleProfile();
    int[] precisions = dag.precisions();
    // One segment per precision; segment[i] = the partition of precisions[i].
    int r = precisions.length;
    Solution best = mono(dag, mono, target, pen);
    log.add(String.format(Locale.ROOT, "single parameter set: complexity %.4g", best.complexity));
    if (r >= 2) {
      long perElement = Math.max(1, profile.lookupCount() + profile.outputCount());
      double each =
          switch (target) {
            case ErrorTarget.PerLookup p -> p.value();
            case ErrorTarget.Global g ->
                NoiseModel.perLookupErrorProbability(g.value(), perElement);
          };
      int[] segment = new int[r];
      for (int i = 0; i < r; i++) {
        segment[i] = i;
      }
      Config start = new Config(r);
      ParameterSet s = mono.parameters();
      for (int i = 0; i < r; i++) {
        start.set(i, s.k(), Integer.numberOfTrailingZeros(s.bigN()), s.n(), brIndex(s));
      }
      int[] lp = lookupPartition(dag, precisions, segment);
      int[] homes = Arrays.copyOf(lp, lp.length + dag.circuit().inputs().size());
      Arrays.fill(homes, lp.length, homes.length, -1);
      State current = rehome(dag, new State(segment, lp, homes, null), start, each, pen, log);
      State bestState = null;
      if (current != null && current.sol.cost < best.cost) {
        best = current.sol;
        bestState = current;
      }
      // Greedy merges of adjacent segments while they lower the cost.
      while (current != null && current.sol.problem.m > 1) {
        State bestMerge = null;
        for (int cut = 1; cut < current.sol.problem.m; cut++) {
          int[] merged = current.segment.clone();
          for (int i = 0; i < r; i++) {
            merged[i] = merge(merged[i], cut);
          }
          int[] home = current.home.clone();
          for (int i = 0; i < home.length; i++) {
            home[i] = merge(home[i], cut);
          }
          Config warm = new Config(current.sol.problem.m - 1);
          for (int p = 0; p < warm.m; p++) {
            int from = p < cut - 1 ? p : p + 1; // the merged pair takes the wider one's set
            warm.copy(p, current.sol.config, from);
          }
          int[] mergedLp = lookupPartition(dag, precisions, merged);
          Solution sol = descend(dag, mergedLp, home, warm, each, pen);
          if (sol != null && (bestMerge == null || sol.cost < bestMerge.sol.cost)) {
            bestMerge = new State(merged, mergedLp, home, sol);
          }
        }
        if (bestMerge == null || bestMerge.sol.cost >= current.sol.cost) {
          break;
        }
        log.add("merge " + describeSegments(precisions, bestMerge.segment, bestMerge.sol));
        current = rehome(dag, bestMerge, bestMerge.sol.config, each, pen, log);
        if (current.sol.cost < best.cost) {
          best = current.sol;
          bestState = current;
        }
      }
      if (bestState != null) {
        State moved = reassign(dag, bestState, each, pen, log);
        if (moved.sol.cost < best.cost) {
          best = moved.sol;
          bestState = moved;
        }
      }
      if (bestState != null && target instanceof ErrorTarget.Global) {
        best = stretch(dag, bestState, each, target, pen, log);
      }
    }
    return best;
  }

  private static String describeSegments(int[] precisions, int[] segment, Solution s) {
    StringBuilder b = new StringBuilder("partitions ");
    for (int i = 0; i < precisions.length; i++) {
      b.append(i == 0 ? "" : segment[i] == segment[i - 1] ? "+" : "|").append(precisions[i]);
    }
    return b.append(
            s == null
                ? ": infeasible"
                : String.format(Locale.ROOT, ": complexity %.4g", s.complexity))
        .toString();
  }

  private int brIndex(ParameterSet s) {
    Front br = fronts.blindRotation(s.k(), Integer.numberOfTrailingZeros(s.bigN()));
    for (int j = 0; j < br.size(); j++) {
      if (br.levels()[j] == s.pbs().levels()) {
        return j;
      }
    }
    return br.size() - 1;
  }

  /** Per-partition (k, log N, n, BR front index). */
  private static final class Config {
    final int m;
    final int[] k;
    final int[] logN;
    final int[] n;
    final int[] br;

    Config(int m) {
      this.m = m;
      k = new int[m];
      logN = new int[m];
      n = new int[m];
      br = new int[m];
    }

    void set(int p, int kk, int ln, int nn, int j) {
      k[p] = kk;
      logN[p] = ln;
      n[p] = nn;
      br[p] = j;
    }

    void copy(int p, Config o, int q) {
      set(p, o.k[q], o.logN[q], o.n[q], o.br[q]);
    }

    Config copy() {
      Config c = new Config(m);
      for (int p = 0; p < m; p++) {
        c.copy(p, this, p);
      }
      return c;
    }
  }

  /** A partitioning's constraints in arrays. */
  private static final class Problem {
    final int m;
    final Partitioned part;
    final int[] lookupPartition;
    final int[] src;
    final int[] dst;
    final int[] precision;
    final double[][] weights;
    final long[] count;
    final double[] safe;
    final double[] outSafe;
    final long[] dstCount;
    final int[][] transitions; // distinct (src, dst) of lookups
    final int[] transitionOf; // per group
    final long[] transitionCount;
    final double[] convLimit; // [a*m+b]: the noise a conversion a→b may add
    final Penalty penalty;

    Problem(Partitioned part, int[] lookupPartition, double each, Penalty penalty) {
      this.part = part;
      this.penalty = penalty;
      this.lookupPartition = lookupPartition;
      m = part.partitions();
      int g = part.lookups().size();
      src = new int[g];
      dst = new int[g];
      precision = new int[g];
      weights = new double[g][];
      count = new long[g];
      safe = new double[g];
      dstCount = new long[m];
      transitionOf = new int[g];
      Map<Integer, Integer> t = new LinkedHashMap<>();
      List<int[]> ts = new ArrayList<>();
      List<Long> tc = new ArrayList<>();
      double minSafe = Double.POSITIVE_INFINITY;
      for (int i = 0; i < g; i++) {
        Partitioned.LookupTerms l = part.lookups().get(i);
        src[i] = l.src();
        dst[i] = l.dst();
        precision[i] = l.precision();
        weights[i] = l.weights();
        count[i] = l.count();
        safe[i] = NoiseModel.safeVariance(l.precision(), each) * SLACK;
        minSafe = Math.min(minSafe, safe[i]);
        dstCount[l.dst()] += l.count();
        int key = l.src() * m + l.dst();
        Integer idx = t.get(key);
        if (idx == null) {
          idx = ts.size();
          t.put(key, idx);
          ts.add(new int[] {l.src(), l.dst()});
          tc.add(0L);
        }
        transitionOf[i] = idx;
        tc.set(idx, tc.get(idx) + l.count());
      }
      transitions = ts.toArray(new int[0][]);
      transitionCount = tc.stream().mapToLong(Long::longValue).toArray();
      outSafe = new double[part.outputs().size()];
      for (int i = 0; i < outSafe.length; i++) {
        outSafe[i] = NoiseModel.safeVariance(part.outputs().get(i).precision(), each) * SLACK;
        minSafe = Math.min(minSafe, outSafe[i]);
      }
      convLimit = new double[m * m];
      Arrays.fill(convLimit, minSafe * CONVERSION_SHARE);
    }
  }

  /**
   * The key bytes' weight in the objective (complexity units per byte of each form); zero without a
   * budget.
   */
  private record Penalty(double perSeededByte, double perExpandedByte) {
    static final Penalty NONE = new Penalty(0, 0);

    static Penalty of(KeyBudget b, double lambda) {
      return new Penalty(
          b.seededBytes() == Long.MAX_VALUE ? 0 : lambda / b.seededBytes(),
          b.expandedBytes() == Long.MAX_VALUE ? 0 : lambda / b.expandedBytes());
    }

    double of(long seeded, long expanded) {
      return perSeededByte * seeded + perExpandedByte * expanded;
    }
  }

  /** An evaluated configuration. */
  private static final class Solution {
    final Problem problem;
    final Config config;
    final double violation;
    final double cost; // the objective: complexity + key penalty
    final double complexity;
    final long seeded; // evaluation-key material, seeded (KeySizes)
    final long expanded; // and expanded
    final int[] ksChoice; // per transition: index in the keyswitch front of n_dst
    final int[] convChoice; // [a*m+b]: index in the big front, −1 when unused
    final double[] groupVariance;
    final double[] outputVariance;
    final OptimizedParameters mono; // the single-parameter choice when this is the mono solution

    Solution(
        Problem problem,
        Config config,
        double violation,
        double complexity,
        long seeded,
        long expanded,
        int[] ksChoice,
        int[] convChoice,
        double[] groupVariance,
        double[] outputVariance,
        OptimizedParameters mono) {
      this.problem = problem;
      this.config = config;
      this.violation = violation;
      this.complexity = complexity;
      this.seeded = seeded;
      this.expanded = expanded;
      this.cost = complexity + problem.penalty.of(seeded, expanded);
      this.ksChoice = ksChoice;
      this.convChoice = convChoice;
      this.groupVariance = groupVariance;
      this.outputVariance = outputVariance;
      this.mono = mono;
    }

    boolean feasible() {
      return violation == 0;
    }

    int m() {
      return problem.m;
    }

    boolean betterThan(Solution o) {
      if (o == null) {
        return true;
      }
      if (violation != o.violation) {
        return violation < o.violation;
      }
      return cost < o.cost;
    }
  }

  /** The single-parameter choice as a one-partition solution. */
  private Solution mono(NoiseDag dag, OptimizedParameters o, ErrorTarget target, Penalty pen) {
    int[] zeros = new int[dag.lookups().size()];
    Problem pr = new Problem(dag.partition(zeros, 1), zeros, target.value(), pen);
    ParameterSet s = o.parameters();
    Config c = new Config(1);
    c.set(0, s.k(), Integer.numberOfTrailingZeros(s.bigN()), s.n(), brIndex(s));
    Solution e = evaluate(pr, c);
    int[] ks = e.ksChoice.clone();
    Front f = fronts.keyswitch(s.n());
    for (int t = 0; t < ks.length; t++) {
      for (int i = 0; i < f.size(); i++) {
        if (f.levels()[i] == s.ks().levels()) {
          ks[t] = i;
        }
      }
    }
    // Its keys as the plan will hold them: the BSK and, if any lookup, its own KSK.
    long seeded = KeySizes.bootstrapKeySeeded(s.n(), s.k(), s.bigN(), s.pbs().levels());
    long expanded = KeySizes.bootstrapKey(s.n(), s.k(), s.bigN(), s.pbs().levels());
    if (ks.length > 0) {
      seeded += KeySizes.keyswitchKeySeeded(s.bigLweDimension(), s.ks().levels());
      expanded += KeySizes.keyswitchKey(s.bigLweDimension(), s.ks().levels(), s.n());
    }
    return new Solution(
        pr,
        c,
        0,
        o.complexity(),
        seeded,
        expanded,
        ks,
        e.convChoice,
        e.groupVariance,
        e.outputVariance,
        o);
  }

  /**
   * The uniform split leaves most of a global target unused (most constraints end well below their
   * bound); re-solve with a larger per-element bound while the exact global p_error still meets the
   * target.
   */
  private Solution stretch(
      NoiseDag dag, State state, double each, ErrorTarget target, Penalty pen, List<String> log) {
    int[] lp = state.lp;
    Solution best = state.sol;
    double scale = 1;
    double step = target.value() / globalPError(best);
    for (int tries = 0; tries < 6 && step > 1.05; tries++) {
      double trial = Math.min(scale * step, 0.5 / each);
      Solution sol = descend(dag, lp, state.home, best.config, each * trial, pen);
      if (sol != null && globalPError(sol) <= target.value() * SLACK && sol.cost < best.cost) {
        best = sol;
        scale = trial;
        step = target.value() / globalPError(sol);
      } else {
        step = Math.sqrt(step);
      }
    }
    if (best != state.sol) {
      log.add(
          String.format(
              Locale.ROOT,
              "per-lookup bound raised %.2fx within the global target: complexity %.4g",
              scale,
              best.complexity));
    }
    return best;
  }

  /** Exact 1 − Π(1 − pᵢ)^{countᵢ} over a solution's lookups and outputs. */
  private static double globalPError(Solution s) {
    Problem pr = s.problem;
    double[] p = new double[pr.src.length + pr.outSafe.length];
    long[] counts = new long[p.length];
    for (int g = 0; g < pr.src.length; g++) {
      p[g] = NoiseModel.errorProbability(pr.precision[g], s.groupVariance[g]);
      counts[g] = pr.count[g];
    }
    for (int o = 0; o < pr.outSafe.length; o++) {
      double v = s.outputVariance[o];
      p[pr.src.length + o] =
          v > 0 ? NoiseModel.errorProbability(pr.part.outputs().get(o).precision(), v) : 0;
      counts[pr.src.length + o] = pr.part.outputs().get(o).count();
    }
    return NoiseModel.globalErrorProbability(p, counts);
  }

  /**
   * A partitioning: segment per precision, partition per lookup (the segment's, unless a lookup was
   * moved), home partition per lookup output and circuit input, its solution.
   */
  private record State(int[] segment, int[] lp, int[] home, Solution sol) {}

  private static int merge(int p, int cut) {
    return p >= cut ? p - 1 : p;
  }

  private static int[] lookupPartition(NoiseDag dag, int[] precisions, int[] segment) {
    int[] lp = new int[dag.lookups().size()];
    for (int i = 0; i < lp.length; i++) {
      lp[i] = segment[Arrays.binarySearch(precisions, dag.lookups().get(i).precision())];
    }
    return lp;
  }

  /**
   * Descends on {@code state}'s partitioning (solving it first when it has no solution), then
   * greedily moves the outputs of the lookups of a partition d whose consumers want partition e
   * into e with one conversion each, while that lowers the cost: a lookup at N = 2^16 whose outputs
   * feed thousands of small lookups is cheaper converted once than keyswitched from its big key by
   * every consumer. Null if the partitioning is infeasible.
   */
  private State rehome(
      NoiseDag dag, State state, Config start, double each, Penalty pen, List<String> log) {
    int[] precisions = dag.precisions();
    int[] lp = state.lp;
    State cur = state;
    if (cur.sol == null) {
      Solution sol = descend(dag, lp, state.home, start, each, pen);
      log.add(describeSegments(precisions, state.segment, sol));
      if (sol == null) {
        return null;
      }
      cur = new State(state.segment, lp, state.home, sol);
    }
    while (true) {
      int[] wants = cur.sol.problem.part.consumerPartition();
      State bestMove = null;
      boolean[][] tried = new boolean[cur.sol.problem.m][cur.sol.problem.m];
      for (int l = 0; l < lp.length; l++) {
        int d = lp[l];
        int e = wants[l];
        if (e < 0 || e == d || cur.home[l] != d || tried[d][e]) {
          continue;
        }
        tried[d][e] = true;
        int[] home = cur.home.clone();
        for (int i = 0; i < lp.length; i++) {
          if (lp[i] == d && wants[i] == e && home[i] == d) {
            home[i] = e;
          }
        }
        Solution sol = descend(dag, lp, home, cur.sol.config, each, pen);
        if (sol != null && (bestMove == null || sol.cost < bestMove.sol.cost)) {
          bestMove = new State(cur.segment, lp, home, sol);
        }
      }
      // Circuit inputs: encrypted under another partition's big key (fresh noise is the same at
      // every k·N past the security floor, and a smaller key makes their leveled work and the
      // keyswitches of their consumers cheaper).
      int[] valuePartition = cur.sol.problem.part.valuePartition();
      for (int i = 0; i < dag.circuit().inputs().size(); i++) {
        int now = valuePartition[dag.circuit().inputs().get(i)];
        for (int p = 0; p < cur.sol.problem.m; p++) {
          if (p == now) {
            continue;
          }
          int[] home = cur.home.clone();
          home[lp.length + i] = p;
          Solution sol = descend(dag, lp, home, cur.sol.config, each, pen);
          if (sol != null && (bestMove == null || sol.cost < bestMove.sol.cost)) {
            bestMove = new State(cur.segment, lp, home, sol);
          }
        }
      }
      if (bestMove == null || bestMove.sol.cost >= cur.sol.cost) {
        return cur;
      }
      cur = bestMove;
      log.add(
          String.format(
              Locale.ROOT,
              "moving lookup outputs or inputs to another partition's key: complexity %.4g",
              cur.sol.complexity));
    }
  }

  /**
   * Moves the lookups of one binding keyswitch (input under partition s's big key, bootstrapped in
   * d) into a partition q that already serves wider lookups, with their outputs either following
   * them or converted back to where they lived, while that lowers the cost. Why: a lookup's
   * keyswitch noise grows with its source's k·N, so a handful of lookups reading a value under a
   * large big key can pin the n of a partition that serves thousands of others (on the seed head,
   * 12 attention-row lookups under the 8-bit partition's N = 2^15 key held the 7-bit partition of
   * 2,316 bootstraps at n = 922); bootstrapping those few where they are cheap to serve frees the
   * rest. Each candidate is screened by re-optimizing only d and q; the best is then descended in
   * full.
   */
  private State reassign(NoiseDag dag, State state, double each, Penalty pen, List<String> log) {
    List<NoiseDag.Lookup> lookups = dag.lookups();
    State cur = state;
    for (int round = 0; round < MAX_REASSIGN_ROUNDS; round++) {
      int m = cur.sol.problem.m;
      int[] vp = cur.sol.problem.part.valuePartition();
      State bestMove = null;
      // Only keyswitches whose lookups bind their partition: moving others frees nothing.
      // (Keyswitches are keyed by (s, d); pairs with no binding group stay marked as tried.)
      Problem pr = cur.sol.problem;
      int[] widest = new int[m];
      for (int g = 0; g < pr.src.length; g++) {
        widest[pr.dst[g]] = Math.max(widest[pr.dst[g]], pr.precision[g]);
      }
      boolean[] tried = new boolean[m * m];
      Arrays.fill(tried, true);
      for (int g = 0; g < pr.src.length; g++) {
        if (cur.sol.groupVariance[g] >= BINDING * pr.safe[g]) {
          tried[pr.src[g] * m + pr.dst[g]] = false;
        }
      }
      for (int l = 0; l < lookups.size(); l++) {
        int src = vp[lookups.get(l).input()];
        int dst = cur.lp[l];
        if (src < 0 || tried[src * m + dst]) {
          continue;
        }
        tried[src * m + dst] = true;
        int moved = 0;
        for (int i = 0; i < lookups.size(); i++) {
          if (cur.lp[i] == dst && vp[lookups.get(i).input()] == src) {
            moved = Math.max(moved, lookups.get(i).precision());
          }
        }
        for (int q = 0; q < m; q++) {
          // Into partitions that already serve wider lookups: a narrower one would have to widen
          // for all of its own (the merges weigh that).
          if (q == dst || widest[q] < moved) {
            continue;
          }
          for (boolean follow : new boolean[] {true, false}) {
            int[] lp = cur.lp.clone();
            int[] home = cur.home.clone();
            for (int i = 0; i < lookups.size(); i++) {
              if (lp[i] == dst && vp[lookups.get(i).input()] == src) {
                lp[i] = q;
                if (follow && home[i] == dst) {
                  home[i] = q;
                }
              }
            }
            // Screen: re-optimize only the two partitions the move changes.
            int from = dst;
            int to = q;
            Solution sol =
                descend(dag, lp, home, cur.sol.config, each, pen, d -> d == from || d == to);
            if (sol != null && (bestMove == null || sol.cost < bestMove.sol.cost)) {
              bestMove = new State(cur.segment, lp, home, sol);
            }
          }
        }
      }
      if (bestMove == null || bestMove.sol.cost >= cur.sol.cost) {
        break;
      }
      Solution full = descend(dag, bestMove.lp, bestMove.home, bestMove.sol.config, each, pen);
      if (full != null && full.cost < bestMove.sol.cost) {
        bestMove = new State(cur.segment, bestMove.lp, bestMove.home, full);
      }
      cur = bestMove;
      log.add(
          String.format(
              Locale.ROOT,
              "lookups of one keyswitch moved to another partition: complexity %.4g",
              cur.sol.complexity));
    }
    return cur;
  }

  /** Coordinate descent on one partitioning from {@code start}; null if it ends infeasible. */
  private Solution descend(
      NoiseDag dag, int[] lookupPartition, int[] home, Config start, double each, Penalty pen) {
    return descend(dag, lookupPartition, home, start, each, pen, d -> true);
  }

  /**
   * Coordinate descent on one partitioning from {@code start}, stepping only the partitions {@code
   * stepped} accepts; null if it ends infeasible.
   */
  private Solution descend(
      NoiseDag dag,
      int[] lookupPartition,
      int[] home,
      Config start,
      double each,
      Penalty pen,
      IntPredicate stepped) {
    Problem pr =
        new Problem(dag.partition(lookupPartition, home, start.m), lookupPartition, each, pen);
    Solution cur = evaluate(pr, start);
    for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
      boolean improved = false;
      for (int d = pr.m - 1; d >= 0; d--) {
        if (!stepped.test(d)) {
          continue;
        }
        Solution s = step(pr, cur, d);
        if (s.betterThan(cur)) {
          cur = s;
          improved = true;
        }
      }
      if (!improved) {
        break;
      }
    }
    return cur.feasible() ? cur : null;
  }

  /** The best configuration changing only partition {@code d}. */
  private Solution step(Problem pr, Solution cur, int d) {
    Solution best = cur;
    Config c = cur.config.copy();
    // Cost parts that do not depend on d (lower bound of every candidate's total).
    double fixed = 0;
    for (int p = 0; p < pr.m; p++) {
      if (p != d) {
        int bigN = 1 << c.logN[p];
        Front br = fronts.blindRotation(c.k[p], c.logN[p]);
        fixed +=
            pr.dstCount[p]
                * (double) CostModel.bootstrap(c.n[p], c.k[p], bigN, br.levels()[c.br[p]]);
        fixed += (double) pr.part.leveledTerms()[p] * c.k[p] * bigN;
      }
    }
    // Keyswitches and conversions between other partitions: at least one level each.
    for (int t = 0; t < pr.transitions.length; t++) {
      int s = pr.transitions[t][0];
      int to = pr.transitions[t][1];
      if (s != d && to != d) {
        fixed +=
            pr.transitionCount[t] * (double) CostModel.keyswitch(c.k[s] << c.logN[s], c.n[to], 1);
      }
    }
    long[][] conversions = pr.part.conversions();
    for (int a = 0; a < pr.m; a++) {
      for (int b = 0; b < pr.m; b++) {
        if (a != d && b != d && conversions[a][b] > 0) {
          fixed +=
              conversions[a][b]
                  * (double) CostModel.keyswitch(c.k[a] << c.logN[a], c.k[b] << c.logN[b], 1);
        }
      }
    }
    double maxSafe = 0;
    for (int g = 0; g < pr.src.length; g++) {
      if (pr.dst[g] == d) {
        maxSafe = Math.max(maxSafe, pr.safe[g]);
      }
    }
    // Noise floor of d's own lookups from atoms that do not involve d (most precise choices).
    int m = pr.m;
    double[] atoms = new double[2 * m + m * m];
    for (int p = 0; p < m; p++) {
      if (p != d) {
        Front br = fronts.blindRotation(c.k[p], c.logN[p]);
        atoms[p] = NoiseModel.freshBigKeyVariance(c.k[p], 1 << c.logN[p]);
        atoms[m + p] = c.n[p] * br.variance()[c.br[p]];
      }
    }
    for (int a = 0; a < m; a++) {
      for (int b = 0; b < m; b++) {
        if (a != d && b != d && conversions[a][b] > 0) {
          Front f = DecompositionFronts.keyswitchInto(c.k[b] << c.logN[b]);
          atoms[2 * m + a * m + b] = (c.k[a] << c.logN[a]) * f.variance()[f.size() - 1];
        }
      }
    }
    List<Integer> own = new ArrayList<>();
    for (int g = 0; g < pr.src.length; g++) {
      if (pr.dst[g] == d) {
        own.add(g);
      }
    }
    double[] floor = new double[own.size()];
    for (int i = 0; i < floor.length; i++) {
      floor[i] = dot(pr.weights[own.get(i)], atoms);
    }
    Search sr = new Search(best, c);
    Scan scan = new Scan(pr, d, fixed, maxSafe, own, floor, conversions);
    for (int k = space.minK(); k <= space.maxK(); k++) {
      for (int logN = space.minLogN(); logN <= space.maxLogN(); logN++) {
        scanPair(scan, sr, k, logN, space.minN(), space.maxN(), N_STRIDE);
      }
    }
    // Refine around the coarse choice with every n.
    Config chosen = sr.best.config;
    int nb = chosen.n[d];
    scanPair(
        scan,
        sr,
        chosen.k[d],
        chosen.logN[d],
        Math.max(space.minN(), nb - N_STRIDE + 1),
        Math.min(space.maxN(), nb + N_STRIDE - 1),
        1);
    best = sr.best;
    return best;
  }

  /** The search state of one step: best solution so far and the working configuration. */
  private static final class Search {
    Solution best;
    Config c;

    Search(Solution best, Config c) {
      this.best = best;
      this.c = c;
    }
  }

  /** What a step's scans share: the partition, the cost floor and noise floors. */
  private record Scan(
      Problem pr,
      int d,
      double fixed,
      double maxSafe,
      List<Integer> own,
      double[] floor,
      long[][] conversions) {}

  /** Scans n ∈ [nFrom, nTo] by {@code stride} for partition d at (k, N). */
  private void scanPair(Scan scan, Search sr, int k, int logN, int nFrom, int nTo, int stride) {
    Problem pr = scan.pr();
    int d = scan.d();
    double fixed = scan.fixed();
    double maxSafe = scan.maxSafe();
    List<Integer> own = scan.own();
    double[] floor = scan.floor();
    long[][] conversions = scan.conversions();
    int bigN = 1 << logN;
    int kn = k * bigN;
    Front br = fronts.blindRotation(k, logN);
    double leveled = (double) pr.part.leveledTerms()[d] * kn;
    // Conversions from and to d, and keyswitches from d's big key: at least one level.
    for (int a = 0; a < pr.m; a++) {
      if (a != d) {
        int other = sr.c.k[a] << sr.c.logN[a];
        leveled += conversions[a][d] * (double) CostModel.keyswitch(other, kn, 1);
        leveled += conversions[d][a] * (double) CostModel.keyswitch(kn, other, 1);
      }
    }
    for (int t = 0; t < pr.transitions.length; t++) {
      if (pr.transitions[t][0] == d && pr.transitions[t][1] != d) {
        int to = pr.transitions[t][1];
        leveled += pr.transitionCount[t] * (double) CostModel.keyswitch(kn, sr.c.n[to], 1);
      }
    }
    int firstFeasible = -1;
    for (int n = nFrom; n <= nTo; n += stride) {
      if (NoiseModel.modulusSwitch(n, bigN) >= maxSafe) {
        break;
      }
      if (firstFeasible >= 0 && n > firstFeasible + N_WINDOW) {
        break; // beyond the first feasible n, only fewer keyswitch levels can pay back
      }
      if (sr.best.feasible() && !canFit(pr, sr.c, d, own, floor, k, logN, n)) {
        continue;
      }
      double ksLow = 0;
      for (int t = 0; t < pr.transitions.length; t++) {
        if (pr.transitions[t][1] == d) {
          int s = pr.transitions[t][0];
          int inDim = s == d ? kn : sr.c.k[s] << sr.c.logN[s];
          ksLow += pr.transitionCount[t] * (double) CostModel.keyswitch(inDim, n, 1);
        }
      }
      boolean any = false;
      for (int j = 0; j < br.size(); j++) {
        double lb =
            fixed
                + leveled
                + ksLow
                + pr.dstCount[d] * (double) CostModel.bootstrap(n, k, bigN, br.levels()[j]);
        if (sr.best.feasible() && lb >= sr.best.cost) {
          break;
        }
        any = true;
        sr.c.set(d, k, logN, n, j);
        Solution s = evaluate(pr, sr.c);
        if (s.betterThan(sr.best)) {
          sr.best = s;
          sr.c = sr.c.copy();
        }
        if (s.feasible()) {
          if (firstFeasible < 0) {
            firstFeasible = n;
          }
          break; // more BR levels cost more; V_BR is rarely worth it
        }
      }
      if (!any) {
        break; // the lower bound grows with n
      }
    }
  }

  /** Whether d's own lookups can meet their bounds at (k, N, n) with the most precise choices. */
  private boolean canFit(
      Problem pr, Config c, int d, List<Integer> own, double[] floor, int k, int logN, int n) {
    int bigN = 1 << logN;
    Front br = fronts.blindRotation(k, logN);
    Front ks = fronts.keyswitch(n);
    double vbr = n * br.variance()[br.size() - 1];
    double vms = NoiseModel.modulusSwitch(n, bigN);
    double ksMin = ks.variance()[ks.size() - 1];
    for (int i = 0; i < own.size(); i++) {
      int g = own.get(i);
      int s = pr.src[g];
      int inDim = s == d ? k * bigN : c.k[s] << c.logN[s];
      double v = floor[i] + pr.weights[g][pr.m + d] * vbr + vms + inDim * ksMin;
      if (v > pr.safe[g]) {
        return false;
      }
    }
    return true;
  }

  /** Evaluates a configuration, choosing every keyswitch decomposition. */
  private Solution evaluate(Problem pr, Config c) {
    int m = pr.m;
    double[] atoms = new double[2 * m + m * m];
    int[] kn = new int[m];
    double[] vms = new double[m];
    double cost = 0;
    long seeded = 0;
    long expanded = 0;
    for (int p = 0; p < m; p++) {
      int bigN = 1 << c.logN[p];
      kn[p] = c.k[p] * bigN;
      Front br = fronts.blindRotation(c.k[p], c.logN[p]);
      seeded += KeySizes.bootstrapKeySeeded(c.n[p], c.k[p], bigN, br.levels()[c.br[p]]);
      expanded += KeySizes.bootstrapKey(c.n[p], c.k[p], bigN, br.levels()[c.br[p]]);
      atoms[p] = NoiseModel.freshBigKeyVariance(c.k[p], bigN);
      atoms[m + p] = c.n[p] * br.variance()[c.br[p]];
      vms[p] = NoiseModel.modulusSwitch(c.n[p], bigN);
      cost +=
          pr.dstCount[p] * (double) CostModel.bootstrap(c.n[p], c.k[p], bigN, br.levels()[c.br[p]]);
      cost += (double) pr.part.leveledTerms()[p] * kn[p];
    }
    int[] conv = new int[m * m];
    Arrays.fill(conv, -1);
    long[][] conversions = pr.part.conversions();
    for (int a = 0; a < m; a++) {
      for (int b = 0; b < m; b++) {
        if (conversions[a][b] == 0) {
          continue;
        }
        Front f = DecompositionFronts.keyswitchInto(kn[b]);
        int i = firstBelow(f, pr.convLimit[a * m + b] / kn[a]);
        i = Math.min(i, f.size() - 1);
        conv[a * m + b] = i;
        atoms[2 * m + a * m + b] = kn[a] * f.variance()[i];
        cost += conversions[a][b] * (double) CostModel.keyswitch(kn[a], kn[b], f.levels()[i]);
        seeded += KeySizes.keyswitchKeySeeded(kn[a], f.levels()[i]);
        expanded += KeySizes.keyswitchKey(kn[a], f.levels()[i], kn[b]);
      }
    }
    int groups = pr.src.length;
    double[] fixedVar = new double[groups];
    double[] budget = new double[pr.transitions.length];
    Arrays.fill(budget, Double.POSITIVE_INFINITY);
    for (int g = 0; g < groups; g++) {
      double v = dot(pr.weights[g], atoms) + vms[pr.dst[g]];
      fixedVar[g] = v;
      int t = pr.transitionOf[g];
      budget[t] = Math.min(budget[t], (pr.safe[g] - v) / kn[pr.src[g]]);
    }
    int[] ks = new int[pr.transitions.length];
    double[] ksVar = new double[pr.transitions.length];
    for (int t = 0; t < ks.length; t++) {
      int s = pr.transitions[t][0];
      int d = pr.transitions[t][1];
      Front f = fronts.keyswitch(c.n[d]);
      int i = budget[t] > 0 ? firstBelow(f, budget[t]) : f.size();
      i = Math.min(i, f.size() - 1);
      ks[t] = i;
      ksVar[t] = kn[s] * f.variance()[i];
      cost += pr.transitionCount[t] * (double) CostModel.keyswitch(kn[s], c.n[d], f.levels()[i]);
      seeded += KeySizes.keyswitchKeySeeded(kn[s], f.levels()[i]);
      expanded += KeySizes.keyswitchKey(kn[s], f.levels()[i], c.n[d]);
    }
    double violation = 0;
    double[] gv = new double[groups];
    for (int g = 0; g < groups; g++) {
      gv[g] = fixedVar[g] + ksVar[pr.transitionOf[g]];
      violation += Math.max(0, gv[g] / pr.safe[g] - 1);
    }
    double[] ov = new double[pr.outSafe.length];
    for (int o = 0; o < ov.length; o++) {
      ov[o] = dot(pr.part.outputs().get(o).weights(), atoms);
      violation += Math.max(0, ov[o] / pr.outSafe[o] - 1);
    }
    return new Solution(pr, c, violation, cost, seeded, expanded, ks, conv, gv, ov, null);
  }

  private static double dot(double[] w, double[] x) {
    double s = 0;
    for (int i = 0; i < w.length; i++) {
      if (w[i] != 0) {
        s += w[i] * x[i];
      }
    }
    return s;
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

  /**
   * Puts each keyswitch of solution {@code s} on 32 bits (transitions, then conversions) when its
   * decomposition allows and every lookup group and output it feeds stays within its bound with the
   * 32-bit variances ({@link NoiseModel#keyswitch32}, and {@link NoiseModel#modulusSwitch32} after
   * a transition); updates {@code gv} and {@code ov} to the variances then predicted. After the
   * search, which priced every keyswitch on 64 bits: Concrete's cost model does not see the width
   * (the 32-bit keyswitch reads half the key bytes, about 2× faster), so the parameters are those
   * the search chose; only the noise and the speed change.
   */
  private void keyswitch32(
      Solution s, int[] kn, boolean[] ks32, boolean[] conv32, double[] gv, double[] ov) {
    Problem pr = s.problem;
    Config c = s.config;
    int m = pr.m;
    for (int t = 0; t < pr.transitions.length; t++) {
      int from = pr.transitions[t][0];
      int to = pr.transitions[t][1];
      Front f = fronts.keyswitch(c.n[to]);
      int i = s.ksChoice[t];
      if (!NoiseModel.fitsKeyswitch32(f.baseLog()[i], f.levels()[i])) {
        continue;
      }
      int bigN = 1 << c.logN[to];
      double delta =
          NoiseModel.keyswitch32(
                  kn[from],
                  c.n[to],
                  f.baseLog()[i],
                  f.levels()[i],
                  NoiseModel.secureVariance(c.n[to]))
              - kn[from] * f.variance()[i]
              + NoiseModel.modulusSwitch32(c.n[to], bigN)
              - NoiseModel.modulusSwitch(c.n[to], bigN);
      boolean fits = true;
      for (int g = 0; g < gv.length && fits; g++) {
        fits = pr.transitionOf[g] != t || gv[g] + delta <= pr.safe[g];
      }
      if (fits) {
        ks32[t] = true;
        for (int g = 0; g < gv.length; g++) {
          if (pr.transitionOf[g] == t) {
            gv[g] += delta;
          }
        }
      }
    }
    for (int a = 0; a < m; a++) {
      for (int b = 0; b < m; b++) {
        int i = s.convChoice[a * m + b];
        if (i < 0) {
          continue;
        }
        Front f = DecompositionFronts.keyswitchInto(kn[b]);
        if (!NoiseModel.fitsKeyswitch32(f.baseLog()[i], f.levels()[i])) {
          continue;
        }
        double delta =
            NoiseModel.keyswitch32(
                    kn[a], kn[b], f.baseLog()[i], f.levels()[i], NoiseModel.secureVariance(kn[b]))
                - kn[a] * f.variance()[i];
        int atom = 2 * m + a * m + b;
        boolean fits = true;
        for (int g = 0; g < gv.length && fits; g++) {
          fits = gv[g] + pr.weights[g][atom] * delta <= pr.safe[g];
        }
        for (int o = 0; o < ov.length && fits; o++) {
          fits = ov[o] + pr.part.outputs().get(o).weights()[atom] * delta <= pr.outSafe[o];
        }
        if (fits) {
          conv32[a * m + b] = true;
          for (int g = 0; g < gv.length; g++) {
            gv[g] += pr.weights[g][atom] * delta;
          }
          for (int o = 0; o < ov.length; o++) {
            ov[o] += pr.part.outputs().get(o).weights()[atom] * delta;
          }
        }
      }
    }
  }

  private PartitionedParameters describe(
      NoiseDag dag, Solution s, ErrorTarget target, String log, KeyBudget.Outcome budget) {
    Problem pr = s.problem;
    Config c = s.config;
    int m = pr.m;
    List<List<Integer>> precisionsOf = new ArrayList<>();
    for (int p = 0; p < m; p++) {
      precisionsOf.add(new ArrayList<>());
    }
    for (int g = 0; g < pr.src.length; g++) {
      if (!precisionsOf.get(pr.dst[g]).contains(pr.precision[g])) {
        precisionsOf.get(pr.dst[g]).add(pr.precision[g]);
      }
    }
    // Own KS decomposition of partition p: its p→p transition if any, else its cheapest incoming.
    Decomposition[] own = new Decomposition[m];
    List<PartitionedParameters.KeyswitchChoice> ksList = new ArrayList<>();
    double[] partCost = new double[m];
    int[] kn = new int[m];
    for (int p = 0; p < m; p++) {
      kn[p] = c.k[p] << c.logN[p];
    }
    // Which keyswitches run on 32 bits, and the variances they then give.
    boolean[] ks32 = new boolean[pr.transitions.length];
    boolean[] conv32 = new boolean[m * m];
    double[] gv = s.groupVariance.clone();
    double[] ov = s.outputVariance.clone();
    if (s.mono == null) {
      keyswitch32(s, kn, ks32, conv32, gv, ov);
    } else {
      Arrays.fill(ks32, s.mono.keyswitch32());
    }
    boolean[] own32 = new boolean[m];
    for (int t = 0; t < pr.transitions.length; t++) {
      int from = pr.transitions[t][0];
      int to = pr.transitions[t][1];
      Front f = fronts.keyswitch(c.n[to]);
      Decomposition dec = new Decomposition(f.baseLog()[s.ksChoice[t]], f.levels()[s.ksChoice[t]]);
      if (s.mono != null) {
        dec = s.mono.parameters().ks();
      }
      if (from == to || own[to] == null) {
        own[to] = dec;
        own32[to] = ks32[t];
      }
      long each = CostModel.keyswitch(kn[from], c.n[to], dec.levels());
      partCost[to] += pr.transitionCount[t] * (double) each;
      if (from != to) {
        ksList.add(
            new PartitionedParameters.KeyswitchChoice(
                from,
                to,
                false,
                dec,
                pr.transitionCount[t],
                each,
                KeySizes.keyswitchKey(kn[from], dec.levels(), c.n[to]),
                KeySizes.keyswitchKeySeeded(kn[from], dec.levels()),
                ks32[t]));
      }
    }
    long[][] conversions = pr.part.conversions();
    for (int a = 0; a < m; a++) {
      for (int b = 0; b < m; b++) {
        int i = s.convChoice[a * m + b];
        if (i < 0) {
          continue;
        }
        Front f = DecompositionFronts.keyswitchInto(kn[b]);
        Decomposition dec = new Decomposition(f.baseLog()[i], f.levels()[i]);
        ksList.add(
            new PartitionedParameters.KeyswitchChoice(
                a,
                b,
                true,
                dec,
                conversions[a][b],
                CostModel.keyswitch(kn[a], kn[b], dec.levels()),
                KeySizes.keyswitchKey(kn[a], dec.levels(), kn[b]),
                KeySizes.keyswitchKeySeeded(kn[a], dec.levels()),
                conv32[a * m + b]));
      }
    }
    double[] pErr = new double[pr.src.length + pr.outSafe.length];
    long[] counts = new long[pErr.length];
    double[] partPErr = new double[m];
    for (int g = 0; g < pr.src.length; g++) {
      pErr[g] = NoiseModel.errorProbability(pr.precision[g], gv[g]);
      counts[g] = pr.count[g];
      partPErr[pr.dst[g]] = Math.max(partPErr[pr.dst[g]], pErr[g]);
    }
    for (int o = 0; o < pr.outSafe.length; o++) {
      double v = ov[o];
      pErr[pr.src.length + o] =
          v > 0 ? NoiseModel.errorProbability(pr.part.outputs().get(o).precision(), v) : 0;
      counts[pr.src.length + o] = pr.part.outputs().get(o).count();
    }
    double global = NoiseModel.globalErrorProbability(pErr, counts);
    if (s.mono != null) {
      // The single-parameter optimizer's own prediction: the variances above assumed keyswitch
      // decompositions chosen for a looser bound than the set's own.
      global = s.mono.globalPError();
      Arrays.fill(partPErr, s.mono.maxPError());
    }
    List<PartitionedParameters.Partition> parts = new ArrayList<>();
    for (int p = 0; p < m; p++) {
      int bigN = 1 << c.logN[p];
      Front br = fronts.blindRotation(c.k[p], c.logN[p]);
      Decomposition brDec = new Decomposition(br.baseLog()[c.br[p]], br.levels()[c.br[p]]);
      if (s.mono != null) {
        brDec = s.mono.parameters().pbs();
      }
      if (own[p] == null) {
        Front f = fronts.keyswitch(c.n[p]);
        own[p] = new Decomposition(f.baseLog()[0], f.levels()[0]);
      }
      int[] precs = precisionsOf.get(p).stream().mapToInt(Integer::intValue).sorted().toArray();
      String name =
          s.mono != null
              ? s.mono.parameters().name()
              : "OPT_P" + p + "_p" + Arrays.toString(precs).replaceAll("[\\[\\] ]", "");
      ParameterSet ps =
          new ParameterSet(
              name,
              new LweDimension(c.n[p]),
              new GlweDimension(c.k[p]),
              new PolynomialSize(bigN),
              brDec,
              own[p],
              SecurityCurve.minStd(c.n[p]),
              SecurityCurve.minStd(kn[p]));
      long bsk = KeySizes.bootstrapKey(c.n[p], c.k[p], bigN, brDec.levels());
      long bskSeeded = KeySizes.bootstrapKeySeeded(c.n[p], c.k[p], bigN, brDec.levels());
      partCost[p] +=
          pr.dstCount[p] * (double) CostModel.bootstrap(c.n[p], c.k[p], bigN, brDec.levels());
      parts.add(
          new PartitionedParameters.Partition(
              ps, precs, pr.dstCount[p], partPErr[p], partCost[p], bsk, bskSeeded));
      // The partition's own KSK (big → small of the same partition) belongs to its key set.
      if (countOf(pr, p, p) > 0) {
        ksList.add(
            0,
            new PartitionedParameters.KeyswitchChoice(
                p,
                p,
                false,
                own[p],
                countOf(pr, p, p),
                CostModel.keyswitch(kn[p], c.n[p], own[p].levels()),
                KeySizes.keyswitchKey(kn[p], own[p].levels(), c.n[p]),
                KeySizes.keyswitchKeySeeded(kn[p], own[p].levels()),
                own32[p]));
      }
    }
    ksList.sort(
        (x, y) ->
            x.toBigKey() != y.toBigKey()
                ? Boolean.compare(x.toBigKey(), y.toBigKey())
                : x.from() != y.from() ? x.from() - y.from() : x.to() - y.to());
    String why =
        String.format(
            Locale.ROOT,
            "%d partition%s, complexity %.4g, global p_error %.3g (target %.3g).%s Search: %s.",
            m,
            m == 1 ? "" : "s",
            s.complexity,
            global,
            target.value(),
            budget.describe(s.complexity, s.seeded, s.expanded),
            log);
    int[] boot = new int[pr.part.valuePartition().length];
    Arrays.fill(boot, -1);
    for (int l = 0; l < dag.lookups().size(); l++) {
      boot[dag.lookups().get(l).out()] = pr.lookupPartition[l];
    }
    return new PartitionedParameters(
        parts, pr.part.valuePartition(), boot, ksList, global, s.complexity, target, why, budget);
  }

  private static long countOf(Problem pr, int from, int to) {
    for (int t = 0; t < pr.transitions.length; t++) {
      if (pr.transitions[t][0] == from && pr.transitions[t][1] == to) {
        return pr.transitionCount[t];
      }
    }
    return 0;
  }
}
