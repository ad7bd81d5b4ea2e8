package dev.fhec.compiler.optimizer;

import java.util.List;

/**
 * What the parameter optimizer needs to know about a circuit: its lookup groups and the total
 * number of terms of its leveled dot products.
 *
 * @param groups the lookups, grouped by (precision, ν²); at least one
 * @param leveledTerms Σ over leveled dot products of their number of terms (Concrete's sum_size);
 *     each term costs k·N, so it slightly favours small big-key dimensions
 */
public record CircuitProfile(List<LookupGroup> groups, long leveledTerms) {
  public CircuitProfile {
    groups = List.copyOf(groups);
    if (groups.isEmpty()) {
      throw new IllegalArgumentException(
          "a circuit without table lookups needs no bootstrapping parameters");
    }
    if (leveledTerms < 0) {
      throw new IllegalArgumentException("leveled terms must be >= 0, got " + leveledTerms);
    }
  }

  /** One lookup group and no leveled work. */
  public static CircuitProfile of(LookupGroup... groups) {
    return new CircuitProfile(List.of(groups), 0);
  }

  /** Total number of lookups (each one keyswitch + one bootstrap). */
  public long lookupCount() {
    long total = 0;
    for (LookupGroup g : groups) {
      total = Math.addExact(total, g.count());
    }
    return total;
  }

  public int maxPrecision() {
    return groups.stream().mapToInt(LookupGroup::precision).max().orElseThrow();
  }

  public double maxNorm2Squared() {
    return groups.stream().mapToDouble(LookupGroup::norm2Squared).max().orElseThrow();
  }
}
