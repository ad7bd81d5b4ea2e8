package dev.fhec.runtime.circuit;

import dev.fhec.runtime.params.ParameterSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The parameters of a circuit: one or more partitions (each a {@link ParameterSet} with its own
 * keys) and the keyswitching keys between them. Every encrypted value lives under the big key of
 * one partition ({@link ValueInfo#partition()}); every bootstrap runs in one partition ({@link
 * Instruction.Tlu#partition()}) after a {@link KeyswitchSpec.Kind#BIG_TO_SMALL} keyswitch from its
 * input's partition; {@link Instruction.Keyswitch} converts a value between partitions' big keys.
 *
 * <p>A single-partition plan ({@link #single}) is the classic circuit: one parameter set, one
 * keyswitch from its big to its small key with the set's own decomposition.
 *
 * @param partitions parameter sets, numbered by position
 * @param keyswitches the keyswitching keys the circuit uses, at most one per (from, to, kind);
 *     same-partition keyswitches use the partition's own {@link ParameterSet#ks()}
 */
public record ParameterPlan(List<ParameterSet> partitions, List<KeyswitchSpec> keyswitches) {
  public ParameterPlan {
    partitions = List.copyOf(partitions);
    keyswitches = List.copyOf(keyswitches);
    if (partitions.isEmpty()) {
      throw new IllegalArgumentException("a parameter plan needs at least one partition");
    }
    List<String> seen = new ArrayList<>();
    for (KeyswitchSpec s : keyswitches) {
      if (s.from() >= partitions.size() || s.to() >= partitions.size()) {
        throw new IllegalArgumentException(
            "keyswitch " + s + " names a partition outside 0.." + (partitions.size() - 1));
      }
      if (s.from() == s.to() && !s.decomposition().equals(partitions.get(s.from()).ks())) {
        throw new IllegalArgumentException(
            "keyswitch " + s + " within a partition must use its decomposition");
      }
      String key = s.from() + ">" + s.to() + s.kind();
      if (seen.contains(key)) {
        throw new IllegalArgumentException("keyswitch " + s + " is listed twice");
      }
      seen.add(key);
    }
  }

  /** The classic plan: one partition and its own big-to-small keyswitch. */
  public static ParameterPlan single(ParameterSet parameters) {
    return new ParameterPlan(
        List.of(parameters),
        List.of(new KeyswitchSpec(0, 0, KeyswitchSpec.Kind.BIG_TO_SMALL, parameters.ks())));
  }

  public ParameterSet partition(int i) {
    return partitions.get(i);
  }

  public int size() {
    return partitions.size();
  }

  /** Index into {@link #keyswitches()} of the key (from, to, kind), if the plan has it. */
  public Optional<Integer> keyswitch(int from, int to, KeyswitchSpec.Kind kind) {
    for (int i = 0; i < keyswitches.size(); i++) {
      KeyswitchSpec s = keyswitches.get(i);
      if (s.from() == from && s.to() == to && s.kind() == kind) {
        return Optional.of(i);
      }
    }
    return Optional.empty();
  }

  /**
   * Whether {@code other} needs the same keys: the same partitions and keyswitches, whatever width
   * each keyswitch runs on (a 32-bit keyswitch uses the rounding of the same 64-bit key).
   */
  public boolean sameKeys(ParameterPlan other) {
    if (!partitions.equals(other.partitions) || keyswitches.size() != other.keyswitches.size()) {
      return false;
    }
    for (int i = 0; i < keyswitches.size(); i++) {
      KeyswitchSpec a = keyswitches.get(i);
      KeyswitchSpec b = other.keyswitches.get(i);
      if (a.from() != b.from()
          || a.to() != b.to()
          || a.kind() != b.kind()
          || !a.decomposition().equals(b.decomposition())) {
        return false;
      }
    }
    return true;
  }

  /** Every partition usable (TOY sets only where allowed); returns this. */
  public ParameterPlan requireUsable() {
    partitions.forEach(ParameterSet::requireUsable);
    return this;
  }

  /** Names of the partitions' parameter sets, joined. */
  public String describe() {
    return partitions.size() == 1
        ? partitions.get(0).name()
        : partitions.stream().map(ParameterSet::name).toList().toString();
  }
}
