package dev.fhec.compiler.optimizer;

import dev.fhec.runtime.params.NoiseModel;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pareto fronts of decompositions, precomputed once per search space.
 *
 * <p>For a fixed (k, N) the cost of a bootstrap grows with the level count ℓ only, and for a fixed
 * ℓ the best base is the one with the least CMux variance; so the useful BR decompositions are, for
 * each ℓ, the best base, kept only when its variance beats every smaller ℓ (compiler.md §8.5). The
 * same holds for keyswitch decompositions at each n; their variance is linear in the input
 * dimension k·N, so one front per n serves every (k, N).
 */
final class DecompositionFronts {
  /** One front: entries by increasing levels (cost) and strictly decreasing variance. */
  record Front(int[] baseLog, int[] levels, double[] variance) {
    int size() {
      return levels.length;
    }
  }

  private static final ConcurrentHashMap<SearchSpace, DecompositionFronts> CACHE =
      new ConcurrentHashMap<>();

  private final SearchSpace space;
  private final Front[][] blindRotation; // [k - minK][logN - minLogN], variance = one CMux
  private final Front[] keyswitch; // [n - minN], variance per input coefficient

  private DecompositionFronts(SearchSpace space) {
    this.space = space;
    blindRotation =
        new Front[space.maxK() - space.minK() + 1][space.maxLogN() - space.minLogN() + 1];
    for (int k = space.minK(); k <= space.maxK(); k++) {
      for (int logN = space.minLogN(); logN <= space.maxLogN(); logN++) {
        int bigN = 1 << logN;
        double bskVar = NoiseModel.secureVariance(k * bigN);
        int kk = k;
        blindRotation[k - space.minK()][logN - space.minLogN()] =
            front((b, l) -> NoiseModel.cmux(kk, bigN, b, l, bskVar));
      }
    }
    keyswitch = new Front[space.maxN() - space.minN() + 1];
    for (int n = space.minN(); n <= space.maxN(); n++) {
      double kskVar = NoiseModel.secureVariance(n);
      keyswitch[n - space.minN()] = front((b, l) -> NoiseModel.keyswitch(1, b, l, kskVar));
    }
  }

  private static final ConcurrentHashMap<Integer, Front> BIG_KEYSWITCH = new ConcurrentHashMap<>();

  /**
   * The keyswitch front into an LWE key of any dimension (a big key, for conversion keyswitches
   * between partitions), with the KSK at that dimension's secure variance; variance per input
   * coefficient.
   */
  static Front keyswitchInto(int outputDimension) {
    return BIG_KEYSWITCH.computeIfAbsent(
        outputDimension,
        d -> {
          double kskVar = NoiseModel.secureVariance(d);
          return front((b, l) -> NoiseModel.keyswitch(1, b, l, kskVar));
        });
  }

  static DecompositionFronts of(SearchSpace space) {
    return CACHE.computeIfAbsent(space, DecompositionFronts::new);
  }

  Front blindRotation(int k, int logN) {
    return blindRotation[k - space.minK()][logN - space.minLogN()];
  }

  Front keyswitch(int n) {
    return keyswitch[n - space.minN()];
  }

  private interface Variance {
    double of(int baseLog, int levels);
  }

  private static Front front(Variance v) {
    int[] bases = new int[SearchSpace.MAX_DECOMPOSITION_BITS];
    int[] levels = new int[SearchSpace.MAX_DECOMPOSITION_BITS];
    double[] vars = new double[SearchSpace.MAX_DECOMPOSITION_BITS];
    int size = 0;
    double last = Double.POSITIVE_INFINITY;
    for (int l = 1; l <= SearchSpace.MAX_DECOMPOSITION_BITS; l++) {
      int bestBase = 0;
      double best = Double.POSITIVE_INFINITY;
      for (int b = 1; b * l <= SearchSpace.MAX_DECOMPOSITION_BITS; b++) {
        double x = v.of(b, l);
        if (x < best) {
          best = x;
          bestBase = b;
        }
      }
      if (best < last) {
        bases[size] = bestBase;
        levels[size] = l;
        vars[size] = best;
        size++;
        last = best;
      }
    }
    return new Front(
        java.util.Arrays.copyOf(bases, size),
        java.util.Arrays.copyOf(levels, size),
        java.util.Arrays.copyOf(vars, size));
  }
}
