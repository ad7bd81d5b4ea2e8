package dev.fhec.runtime.key;

import dev.fhec.runtime.circuit.KeyswitchSpec;
import dev.fhec.runtime.circuit.ParameterPlan;
import dev.fhec.runtime.entities.FourierBootstrapKey;
import dev.fhec.runtime.entities.KeyswitchKey;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.random.Seed;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The server's keys for a whole {@link ParameterPlan}: one bootstrapping key per partition and one
 * keyswitching key per {@link ParameterPlan#keyswitches()} entry, with the key-set identity. Masks
 * generated from public seeds keep their seeds (seeded compression on disk).
 */
public record EvaluationKeySet(
    KeySetIdentity identity,
    ParameterPlan plan,
    List<BootstrapKey> bootstrapKeys,
    List<SwitchKey> keyswitchKeys) {

  /**
   * A partition's bootstrapping key.
   *
   * @param standard the GGSWs in coefficient form (not copied; read-only by convention)
   * @param fourier the same in the Fourier domain, for computing
   * @param maskSeed seed of the masks, or null when they are not seeded
   */
  public record BootstrapKey(long[] standard, FourierBootstrapKey fourier, Seed maskSeed) {
    public Optional<Seed> seed() {
      return Optional.ofNullable(maskSeed);
    }
  }

  /**
   * The keyswitching key of one {@link KeyswitchSpec}.
   *
   * @param key the key (not copied)
   * @param maskSeed seed of the masks, or null when they are not seeded
   */
  public record SwitchKey(KeyswitchKey key, Seed maskSeed) {
    public Optional<Seed> seed() {
      return Optional.ofNullable(maskSeed);
    }
  }

  public EvaluationKeySet {
    Objects.requireNonNull(identity, "identity");
    bootstrapKeys = List.copyOf(bootstrapKeys);
    keyswitchKeys = List.copyOf(keyswitchKeys);
    if (bootstrapKeys.size() != plan.size() || keyswitchKeys.size() != plan.keyswitches().size()) {
      throw new IllegalArgumentException(
          bootstrapKeys.size()
              + " bootstrapping and "
              + keyswitchKeys.size()
              + " keyswitching keys for a plan of "
              + plan.size()
              + " partitions and "
              + plan.keyswitches().size()
              + " keyswitches");
    }
    for (int p = 0; p < plan.size(); p++) {
      ParameterSet ps = plan.partition(p);
      FourierBootstrapKey b = bootstrapKeys.get(p).fourier();
      if (b.lweDimension() != ps.n()
          || b.glweDimension() != ps.k()
          || b.polynomialSize() != ps.bigN()
          || !b.decomposition().equals(ps.pbs())
          || bootstrapKeys.get(p).standard().length != b.data().length) {
        throw new IllegalArgumentException(
            "bootstrapping key of partition " + p + " does not match " + ps);
      }
    }
    for (int i = 0; i < keyswitchKeys.size(); i++) {
      KeyswitchSpec s = plan.keyswitches().get(i);
      KeyswitchKey k = keyswitchKeys.get(i).key();
      if (k.inputDimension() != inputDimension(plan, s)
          || k.outputDimension() != outputDimension(plan, s)
          || !k.decomposition().equals(s.decomposition())) {
        throw new IllegalArgumentException("keyswitching key " + i + " does not match " + s);
      }
    }
  }

  /** LWE dimension a keyswitch of {@code s} reads (the big key of its source). */
  public static int inputDimension(ParameterPlan plan, KeyswitchSpec s) {
    return plan.partition(s.from()).bigLweDimension();
  }

  /** LWE dimension a keyswitch of {@code s} produces. */
  public static int outputDimension(ParameterPlan plan, KeyswitchSpec s) {
    ParameterSet to = plan.partition(s.to());
    return switch (s.kind()) {
      case BIG_TO_SMALL -> to.n();
      case BIG_TO_BIG -> to.bigLweDimension();
    };
  }

  /** The single-partition key set of classic evaluation keys (library use: unbound). */
  public static EvaluationKeySet of(EvaluationKeys keys) {
    return of(keys, KeySetIdentity.unbound());
  }

  /** The single-partition key set of classic evaluation keys, with an identity. */
  public static EvaluationKeySet of(EvaluationKeys keys, KeySetIdentity identity) {
    return new EvaluationKeySet(
        identity,
        ParameterPlan.single(keys.parameters()),
        List.of(
            new BootstrapKey(
                keys.standardBootstrapKey(),
                keys.bootstrapKey(),
                keys.bootstrapMaskSeed().orElse(null))),
        List.of(new SwitchKey(keys.keyswitchKey(), keys.keyswitchMaskSeed().orElse(null))));
  }

  public BootstrapKey bootstrapKey(int partition) {
    return bootstrapKeys.get(partition);
  }

  /** The keyswitching key (from, to, kind), which the plan must list. */
  public KeyswitchKey keyswitchKey(int from, int to, KeyswitchSpec.Kind kind) {
    int i =
        plan.keyswitch(from, to, kind)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "no " + kind + " keyswitching key from partition " + from + " to " + to));
    return keyswitchKeys.get(i).key();
  }

  /** Bytes of the Fourier BSKs plus the u64 KSKs held in memory. */
  public long memoryBytes() {
    long total = 0;
    for (BootstrapKey b : bootstrapKeys) {
      total += 8L * b.fourier().data().length;
    }
    for (SwitchKey k : keyswitchKeys) {
      total += 8L * k.key().data().length;
    }
    return total;
  }

  @Override
  public String toString() {
    return "EvaluationKeySet[" + plan.describe() + ", " + identity + "]";
  }
}
