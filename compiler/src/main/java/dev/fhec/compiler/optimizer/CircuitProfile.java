package dev.fhec.compiler.optimizer;

import java.util.List;

/**
 * What the parameter optimizer needs to know about a circuit: its lookup groups, its outputs' noise
 * constraints and the total number of terms of its leveled dot products.
 *
 * @param groups the lookups, grouped by (precision, ν²); may be empty when there are outputs
 * @param leveledTerms Σ over leveled dot products of their number of terms (Concrete's sum_size);
 *     each term costs k·N, so it slightly favours small big-key dimensions
 * @param outputs the decrypted outputs' constraints (see {@link OutputConstraint}); a circuit
 *     without lookups is constrained by these alone
 */
public record CircuitProfile(
    List<LookupGroup> groups, long leveledTerms, List<OutputConstraint> outputs) {
  public CircuitProfile {
    groups = List.copyOf(groups);
    outputs = List.copyOf(outputs);
    if (groups.isEmpty() && outputs.isEmpty()) {
      throw new IllegalArgumentException(
          "a circuit without table lookups and outputs constrains no parameters");
    }
    if (leveledTerms < 0) {
      throw new IllegalArgumentException("leveled terms must be >= 0, got " + leveledTerms);
    }
  }

  /** Lookups only, no output constraints (the profile before issue 9). */
  public CircuitProfile(List<LookupGroup> groups, long leveledTerms) {
    this(groups, leveledTerms, List.of());
  }

  /** One lookup group and no leveled work. */
  public static CircuitProfile of(LookupGroup... groups) {
    return new CircuitProfile(List.of(groups), 0);
  }

  /** Total number of decrypted output elements. */
  public long outputCount() {
    long total = 0;
    for (OutputConstraint o : outputs) {
      total = Math.addExact(total, o.count());
    }
    return total;
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
    return groups.stream().mapToInt(LookupGroup::precision).max().orElse(0);
  }

  /** The largest ν² of a lookup group, 0 without lookups. */
  public double maxNorm2Squared() {
    return groups.stream().mapToDouble(LookupGroup::norm2Squared).max().orElse(0);
  }
}
