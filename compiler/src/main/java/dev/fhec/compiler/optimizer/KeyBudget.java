package dev.fhec.compiler.optimizer;

import java.util.Locale;

/**
 * A cap on the evaluation keys a multi-parameter plan may need, in the figures the reports show
 * ({@link dev.fhec.compiler.report.KeySizes}): the seeded form (what {@code fhec keygen} writes and
 * a client uploads) and the expanded form (what the server holds in memory). The optimizer
 * minimises complexity within both caps; when no plan fits, it returns the smallest keys it found
 * and says so.
 *
 * @param seededBytes largest seeded evaluation-key material, bytes ({@link Long#MAX_VALUE}: none)
 * @param expandedBytes largest expanded evaluation keys, bytes ({@link Long#MAX_VALUE}: none)
 */
public record KeyBudget(long seededBytes, long expandedBytes) {
  /** No cap: complexity alone decides. */
  public static final KeyBudget NONE = new KeyBudget(Long.MAX_VALUE, Long.MAX_VALUE);

  public KeyBudget {
    if (seededBytes <= 0 || expandedBytes <= 0) {
      throw new IllegalArgumentException("key budgets must be positive");
    }
  }

  /** A cap on the seeded (on-disk) evaluation keys only. */
  public static KeyBudget seeded(long bytes) {
    return new KeyBudget(bytes, Long.MAX_VALUE);
  }

  public boolean unlimited() {
    return seededBytes == Long.MAX_VALUE && expandedBytes == Long.MAX_VALUE;
  }

  /** Whether keys of these sizes fit. */
  public boolean admits(long seeded, long expanded) {
    return seeded <= seededBytes && expanded <= expandedBytes;
  }

  /** E.g. "1.0 GB seeded" or "1.0 GB seeded, 8.0 GB expanded". */
  public String describe() {
    if (unlimited()) {
      return "none";
    }
    StringBuilder b = new StringBuilder();
    if (seededBytes != Long.MAX_VALUE) {
      b.append(human(seededBytes)).append(" seeded");
    }
    if (expandedBytes != Long.MAX_VALUE) {
      b.append(b.isEmpty() ? "" : ", ").append(human(expandedBytes)).append(" expanded");
    }
    return b.toString();
  }

  private static String human(long bytes) {
    return dev.fhec.compiler.report.KeySizes.human(bytes);
  }

  /**
   * What a budget did to the choice.
   *
   * @param budget the cap
   * @param met whether the chosen plan fits it
   * @param freeComplexity complexity of the best plan without the cap
   * @param freeSeededBytes that plan's seeded evaluation keys
   * @param freeExpandedBytes that plan's expanded evaluation keys
   * @param freePartitions that plan's partition count
   */
  public record Outcome(
      KeyBudget budget,
      boolean met,
      double freeComplexity,
      long freeSeededBytes,
      long freeExpandedBytes,
      int freePartitions) {

    /**
     * This outcome measured against the better of its own unbudgeted plan and {@code other}'s: when
     * a compiler weighs several forms of one circuit (lowered, narrowed, fused), "what the budget
     * cost" is against the best of them all, not the one that won under the cap.
     */
    public Outcome againstBestOf(Outcome other) {
      return other.freeComplexity < freeComplexity
          ? new Outcome(
              budget,
              met,
              other.freeComplexity,
              other.freeSeededBytes,
              other.freeExpandedBytes,
              other.freePartitions)
          : this;
    }

    /** Whether the cap changed the choice. */
    public boolean binding(double complexity) {
      return complexity != freeComplexity;
    }

    /** One sentence for the report, given the chosen plan's complexity. */
    public String describe(double complexity, long seeded, long expanded) {
      if (budget.unlimited()) {
        return "";
      }
      if (!binding(complexity)) {
        return String.format(
            Locale.ROOT,
            " Key budget %s: met without cost (%s seeded, %s expanded).",
            budget.describe(),
            human(seeded),
            human(expanded));
      }
      return String.format(
          Locale.ROOT,
          " Key budget %s: %s; the unbudgeted plan (%d partitions, complexity %.4g) needs %s"
              + " seeded, %s expanded; this one %s seeded, %s expanded at complexity %.4g (%+.1f%%).",
          budget.describe(),
          met ? "met" : "NOT met, smallest keys found",
          freePartitions,
          freeComplexity,
          human(freeSeededBytes),
          human(freeExpandedBytes),
          human(seeded),
          human(expanded),
          complexity,
          100 * (complexity / freeComplexity - 1));
    }
  }
}
