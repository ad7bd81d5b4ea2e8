package dev.fhec.compiler.optimizer;

/**
 * The box of parameters the optimizer explores: polynomial size N = 2^logN, GLWE dimension k,
 * internal LWE dimension n, and decompositions with baseLog·levels ≤ 64.
 */
public record SearchSpace(int minLogN, int maxLogN, int minK, int maxK, int minN, int maxN) {
  /** concrete-optimizer's CPU space: log2 N ∈ [8, 17], k ∈ [1, 6], n ∈ [512, 2047]. */
  public static final SearchSpace CONCRETE_CPU = new SearchSpace(8, 17, 1, 6, 512, 2047);

  /** Largest total decomposition width baseLog·levels (the 64-bit torus). */
  public static final int MAX_DECOMPOSITION_BITS = 64;

  public SearchSpace {
    if (minLogN < 1 || maxLogN > 20 || minLogN > maxLogN) {
      throw new IllegalArgumentException("bad log2 N range " + minLogN + ".." + maxLogN);
    }
    if (minK < 1 || minK > maxK) {
      throw new IllegalArgumentException("bad k range " + minK + ".." + maxK);
    }
    if (minN < 1 || minN > maxN) {
      throw new IllegalArgumentException("bad n range " + minN + ".." + maxN);
    }
  }
}
