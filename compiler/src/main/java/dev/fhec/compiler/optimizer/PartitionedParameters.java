package dev.fhec.compiler.optimizer;

import dev.fhec.runtime.params.Decomposition;
import dev.fhec.runtime.params.ParameterSet;
import java.util.List;
import java.util.Locale;

/**
 * The multi-parameter optimizer's choice (compiler.md §8.8): one {@link ParameterSet} per
 * partition, where every encrypted value lives, and the keyswitches between partitions.
 *
 * <p>Execution model the figures assume: every encrypted value is an LWE ciphertext under the big
 * key (k·N) of its partition. A lookup in partition d on a value under partition s keyswitches s's
 * big key → d's small key (n_d) with {@link KeyswitchChoice}{@code (s, d, false, …)} — for s = d
 * that is d's own {@code ParameterSet.ks()} — then bootstraps with d's BSK into d's big key. A
 * leveled operation whose encrypted operand lives in another partition than its result ({@code
 * valuePartition}) first converts that operand big → big with {@link KeyswitchChoice}{@code (a, b,
 * true, …)}; the counts assume one conversion per (value before single-source {@code Gather}s,
 * destination), so a broadcast operand is converted before it is broadcast. A lookup whose {@code
 * bootstrapPartition} differs from its {@code valuePartition} is converted right after its
 * bootstrap. A circuit input is encrypted by the client under its {@code valuePartition}'s big key.
 *
 * @param partitions the parameter sets and their statistics, by partition index
 * @param valuePartition for every circuit value id, the partition whose big key it lives under; −1
 *     for clear values
 * @param bootstrapPartition for every circuit value id defined by a lookup, the partition it
 *     bootstraps in (−1 for other values); where it differs from {@code valuePartition}, the
 *     lookup's output is converted big → big into {@code valuePartition} right after the bootstrap
 * @param keyswitches every transition actually used, small (lookup) and big (conversion) ones
 * @param globalPError predicted 1 − Π(1 − pᵢ)^{countᵢ} over every lookup and output element
 * @param complexity Concrete's cost model: Σ lookups·(KS(src→dst) + PBS(dst)) + Σ conversions·KS +
 *     Σ leveled terms·k·N of their partition
 * @param target the error target it meets
 * @param why a human-readable account: partitions, merges, binding constraints
 * @param budget the key budget it was chosen under and what that cost ({@link KeyBudget#NONE} when
 *     none)
 */
public record PartitionedParameters(
    List<Partition> partitions,
    int[] valuePartition,
    int[] bootstrapPartition,
    List<KeyswitchChoice> keyswitches,
    double globalPError,
    double complexity,
    ErrorTarget target,
    String why,
    KeyBudget.Outcome budget) {

  public PartitionedParameters {
    java.util.Objects.requireNonNull(budget, "budget");
    partitions = List.copyOf(partitions);
    valuePartition = valuePartition.clone();
    bootstrapPartition = bootstrapPartition.clone();
    keyswitches = List.copyOf(keyswitches);
  }

  /** These parameters with another account of the key budget. */
  public PartitionedParameters withBudget(KeyBudget.Outcome outcome) {
    return new PartitionedParameters(
        partitions,
        valuePartition,
        bootstrapPartition,
        keyswitches,
        globalPError,
        complexity,
        target,
        why,
        outcome);
  }

  @Override
  public int[] valuePartition() {
    return valuePartition.clone();
  }

  @Override
  public int[] bootstrapPartition() {
    return bootstrapPartition.clone();
  }

  /** The keyswitch from {@code from} to {@code to} (big or small), or null if unused. */
  public KeyswitchChoice keyswitch(int from, int to, boolean toBigKey) {
    for (KeyswitchChoice k : keyswitches) {
      if (k.from() == from && k.to() == to && k.toBigKey() == toBigKey) {
        return k;
      }
    }
    return null;
  }

  /**
   * One partition.
   *
   * @param parameters its (k, N, n, BR and own KS decompositions), 128-bit secure
   * @param precisions the lookup input precisions it serves
   * @param lookupCount bootstraps it performs
   * @param pError the largest predicted error probability of one of its lookups
   * @param complexity Σ over its lookups of KS(src→this) + PBS
   * @param bootstrapKeyBytes BSK size in memory ({@link dev.fhec.compiler.report.KeySizes})
   * @param bootstrapKeySeededBytes seeded BSK (masks from a seed)
   */
  public record Partition(
      ParameterSet parameters,
      int[] precisions,
      long lookupCount,
      double pError,
      double complexity,
      long bootstrapKeyBytes,
      long bootstrapKeySeededBytes) {
    public Partition {
      precisions = precisions.clone();
    }

    @Override
    public int[] precisions() {
      return precisions.clone();
    }
  }

  /**
   * One keyswitching key in use.
   *
   * @param from the source partition (its big key)
   * @param to the destination partition
   * @param toBigKey true for a big → big conversion, false for big → small before a lookup
   * @param decomposition its decomposition
   * @param count keyswitches per execution
   * @param complexity Concrete cost of one
   * @param keyBytes KSK size in memory ({@link dev.fhec.compiler.report.KeySizes})
   * @param keySeededBytes seeded KSK (one body per row)
   * @param bits32 whether it runs on 32 bits ({@code KeyswitchSpec.bits32}; the predicted errors
   *     count {@code NoiseModel.keyswitch32}); {@code keyBytes} is the 64-bit key's either way
   */
  public record KeyswitchChoice(
      int from,
      int to,
      boolean toBigKey,
      Decomposition decomposition,
      long count,
      long complexity,
      long keyBytes,
      long keySeededBytes,
      boolean bits32) {}

  /** Total evaluation-key bytes (all BSKs and KSKs), standard. */
  public long evaluationKeyBytes() {
    return partitions.stream().mapToLong(Partition::bootstrapKeyBytes).sum()
        + keyswitches.stream().mapToLong(KeyswitchChoice::keyBytes).sum();
  }

  /** Total evaluation-key bytes, seeded (what a client uploads with seeded compression). */
  public long evaluationKeySeededBytes() {
    return partitions.stream().mapToLong(Partition::bootstrapKeySeededBytes).sum()
        + keyswitches.stream().mapToLong(KeyswitchChoice::keySeededBytes).sum();
  }

  /** The largest per-lookup error probability among the partitions (0 with no lookups). */
  public double maxPError() {
    return partitions.stream().mapToDouble(Partition::pError).max().orElse(0);
  }

  /**
   * Whether this plan is the better of two for the same computation under the same budget: within
   * the key budget where the other is not; both within it (or no budget), of lower complexity; both
   * over it, with the smaller keys (what the user asked for), then of lower complexity.
   */
  public boolean preferableTo(PartitionedParameters other) {
    if (budget.met() != other.budget.met()) {
      return budget.met();
    }
    if (!budget.met()) {
      double mine = keyExcess();
      double theirs = other.keyExcess();
      if (mine != theirs) {
        return mine < theirs;
      }
    }
    return complexity < other.complexity;
  }

  /** The larger ratio of this plan's evaluation keys to the budget's caps. */
  private double keyExcess() {
    KeyBudget b = budget.budget();
    return Math.max(
        (double) evaluationKeySeededBytes() / b.seededBytes(),
        (double) evaluationKeyBytes() / b.expandedBytes());
  }

  /** Total bootstraps. */
  public long lookupCount() {
    return partitions.stream().mapToLong(Partition::lookupCount).sum();
  }

  /** A multi-line table for the command line: partitions, transitions, totals. */
  public String summary() {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < partitions.size(); i++) {
      Partition p = partitions.get(i);
      ParameterSet ps = p.parameters();
      s.append(
          String.format(
              Locale.ROOT,
              "partition %d: p_in %s: k=%d N=2^%d n=%d BR 2^%dx%d KS 2^%dx%d; %d lookups,"
                  + " p_error %.2e, complexity %.3e, BSK %.1f MB (seeded %.1f MB)%n",
              i,
              java.util.Arrays.toString(p.precisions()),
              ps.k(),
              Integer.numberOfTrailingZeros(ps.bigN()),
              ps.n(),
              ps.pbs().baseLog(),
              ps.pbs().levels(),
              ps.ks().baseLog(),
              ps.ks().levels(),
              p.lookupCount(),
              p.pError(),
              p.complexity(),
              p.bootstrapKeyBytes() / 1e6,
              p.bootstrapKeySeededBytes() / 1e6));
    }
    for (KeyswitchChoice k : keyswitches) {
      s.append(
          String.format(
              Locale.ROOT,
              "keyswitch %d -> %d %s: 2^%dx%d, %d per run, KSK %.1f MB (seeded %.1f MB)%n",
              k.from(),
              k.to(),
              k.toBigKey() ? "big (conversion)" : "small",
              k.decomposition().baseLog(),
              k.decomposition().levels(),
              k.count(),
              k.keyBytes() / 1e6,
              k.keySeededBytes() / 1e6));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "total: complexity %.4e, global p_error %.3e (target %.1e), evaluation keys %.1f MB"
                + " (seeded %.1f MB)%n",
            complexity,
            globalPError,
            target.value(),
            evaluationKeyBytes() / 1e6,
            evaluationKeySeededBytes() / 1e6));
    return s.toString();
  }
}
