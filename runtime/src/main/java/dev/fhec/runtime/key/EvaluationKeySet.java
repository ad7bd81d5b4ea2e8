package dev.fhec.runtime.key;

import dev.fhec.runtime.algorithms.Keyswitch32;
import dev.fhec.runtime.circuit.KeyswitchSpec;
import dev.fhec.runtime.circuit.ParameterPlan;
import dev.fhec.runtime.entities.FourierBootstrapKey;
import dev.fhec.runtime.entities.KeyswitchKey;
import dev.fhec.runtime.params.Decomposition;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.random.Seed;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The server's keys for a whole {@link ParameterPlan}: one bootstrapping key per partition and one
 * keyswitching key per {@link ParameterPlan#keyswitches()} entry, with the key-set identity. Masks
 * generated from public seeds keep their seeds (seeded compression on disk).
 *
 * <p>Each bootstrapping key exists in two forms of equal size: the coefficient form, which files
 * hold, and the Fourier form, which runs use. The Fourier form cannot be turned back into the
 * coefficient form exactly (doubles hold 53 of the 64 bits), so a set that will be written keeps
 * both; a set that will only run drops the coefficient form ({@link #forComputing()}), which halves
 * the bootstrapping keys' memory.
 */
public record EvaluationKeySet(
    KeySetIdentity identity,
    ParameterPlan plan,
    List<BootstrapKey> bootstrapKeys,
    List<SwitchKey> keyswitchKeys) {

  /**
   * A partition's bootstrapping key.
   *
   * @param standard the GGSWs in coefficient form (not copied; read-only by convention), or null
   *     once dropped for computing
   * @param fourier the same in the Fourier domain, for computing
   * @param maskSeed seed of the masks, or null when they are not seeded
   */
  public record BootstrapKey(long[] standard, FourierBootstrapKey fourier, Seed maskSeed) {
    public BootstrapKey {
      Objects.requireNonNull(fourier, "fourier");
      if (standard != null && standard.length != fourier.data().length) {
        throw new IllegalArgumentException(
            "coefficient form of "
                + standard.length
                + " words for a Fourier form of "
                + fourier.data().length);
      }
    }

    /**
     * The coefficient form, which only writing the keys needs.
     *
     * @throws IllegalStateException when it was dropped ({@link EvaluationKeySet#forComputing()})
     */
    @Override
    public long[] standard() {
      if (standard == null) {
        throw new IllegalStateException(
            "this key set holds the bootstrapping keys in the Fourier domain only (loaded for"
                + " computing); write evaluation keys from the key set keygen produced");
      }
      return standard;
    }

    /** Whether the coefficient form is still held. */
    public boolean hasStandard() {
      return standard != null;
    }

    /** This key without its coefficient form. */
    public BootstrapKey fourierOnly() {
      return standard == null ? this : new BootstrapKey(null, fourier, maskSeed);
    }

    public Optional<Seed> seed() {
      return Optional.ofNullable(maskSeed);
    }
  }

  /**
   * The keyswitching key of one {@link KeyswitchSpec}: the 64-bit key, which files hold, and for a
   * 32-bit keyswitch its rounding ({@link Keyswitch32#round}), which runs use.
   *
   * @param key the key (not copied), or null once dropped for computing (a 32-bit keyswitch's)
   * @param maskSeed seed of the masks, or null when they are not seeded
   * @param rounded the 32-bit key, or null where not derived (yet)
   */
  public record SwitchKey(KeyswitchKey key, Seed maskSeed, Keyswitch32.Key rounded) {
    public SwitchKey {
      if (key == null && rounded == null) {
        throw new IllegalArgumentException("a keyswitching key needs its 64- or 32-bit form");
      }
      if (key != null
          && rounded != null
          && (key.inputDimension() != rounded.inputDimension()
              || key.outputDimension() != rounded.outputDimension()
              || !key.decomposition().equals(rounded.decomposition()))) {
        throw new IllegalArgumentException("the 32-bit key is not the 64-bit key's rounding");
      }
    }

    /** The 64-bit key only (as keygen and files give it). */
    public SwitchKey(KeyswitchKey key, Seed maskSeed) {
      this(java.util.Objects.requireNonNull(key, "key"), maskSeed, null);
    }

    /**
     * The 64-bit key, which writing the keys and 64-bit keyswitches need.
     *
     * @throws IllegalStateException when it was dropped ({@link EvaluationKeySet#forComputing()})
     */
    @Override
    public KeyswitchKey key() {
      if (key == null) {
        throw new IllegalStateException(
            "this key set holds a 32-bit keyswitch's key in its rounded form only (loaded for"
                + " computing); write evaluation keys from the key set keygen produced");
      }
      return key;
    }

    /** Whether the 64-bit key is still held. */
    public boolean hasKey() {
      return key != null;
    }

    /** The 32-bit key: the one held, or derived now from the 64-bit key. */
    public Keyswitch32.Key roundedKey() {
      return rounded != null ? rounded : Keyswitch32.round(key);
    }

    int inputDimension() {
      return key != null ? key.inputDimension() : rounded.inputDimension();
    }

    int outputDimension() {
      return key != null ? key.outputDimension() : rounded.outputDimension();
    }

    Decomposition decomposition() {
      return key != null ? key.decomposition() : rounded.decomposition();
    }

    /** Bytes of the forms held. */
    long bytes() {
      return (key != null ? 8L * key.data().length : 0) + (rounded != null ? rounded.bytes() : 0);
    }

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
          || !b.decomposition().equals(ps.pbs())) {
        throw new IllegalArgumentException(
            "bootstrapping key of partition " + p + " does not match " + ps);
      }
    }
    for (int i = 0; i < keyswitchKeys.size(); i++) {
      KeyswitchSpec s = plan.keyswitches().get(i);
      SwitchKey k = keyswitchKeys.get(i);
      if (k.inputDimension() != inputDimension(plan, s)
          || k.outputDimension() != outputDimension(plan, s)
          || !k.decomposition().equals(s.decomposition())) {
        throw new IllegalArgumentException("keyswitching key " + i + " does not match " + s);
      }
      if (!k.hasKey() && !s.bits32()) {
        throw new IllegalArgumentException(
            "keyswitching key " + i + " (" + s + ") needs its 64-bit form");
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

  /** The 32-bit form of keyswitching key {@code index} (the plan's): held, or derived now. */
  public Keyswitch32.Key roundedKeyswitchKey(int index) {
    return keyswitchKeys.get(index).roundedKey();
  }

  /**
   * The same keys as a run uses them: without the bootstrapping keys' coefficient form (runs read
   * only the Fourier form; results are bit-identical), and each 32-bit keyswitch's key in its
   * rounded form only (half the bytes; the 64-bit form serves only files). What a server or {@code
   * fhec run} holds once the keys are parsed. The dropped arrays are freed once the caller lets go
   * of this set.
   */
  public EvaluationKeySet forComputing() {
    List<SwitchKey> switches = new java.util.ArrayList<>();
    boolean narrowed = false;
    for (int i = 0; i < keyswitchKeys.size(); i++) {
      SwitchKey k = keyswitchKeys.get(i);
      if (plan.keyswitches().get(i).bits32() && k.hasKey() && Keyswitch32.enabled()) {
        switches.add(new SwitchKey(null, k.maskSeed(), k.roundedKey()));
        narrowed = true;
      } else {
        switches.add(k);
      }
    }
    if (!narrowed && bootstrapKeys.stream().noneMatch(BootstrapKey::hasStandard)) {
      return this;
    }
    return new EvaluationKeySet(
        identity, plan, bootstrapKeys.stream().map(BootstrapKey::fourierOnly).toList(), switches);
  }

  /**
   * Bytes of the key arrays held in memory: the Fourier BSKs, their coefficient form where still
   * held, and the KSKs in the forms held (u64, and u32 for 32-bit keyswitches once rounded).
   */
  public long memoryBytes() {
    long total = 0;
    for (BootstrapKey b : bootstrapKeys) {
      total += 8L * b.fourier().data().length;
      if (b.hasStandard()) {
        total += 8L * b.standard.length;
      }
    }
    for (SwitchKey k : keyswitchKeys) {
      total += k.bytes();
    }
    return total;
  }

  @Override
  public String toString() {
    return "EvaluationKeySet[" + plan.describe() + ", " + identity + "]";
  }
}
