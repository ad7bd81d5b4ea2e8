package dev.fhec.runtime.circuit;

import dev.fhec.runtime.params.Decomposition;
import java.util.Objects;

/**
 * One keyswitching key of a {@link ParameterPlan}: from the big key (k·N) of partition {@code from}
 * to the small key (n) of partition {@code to} ({@link Kind#BIG_TO_SMALL}, the keyswitch in front
 * of a bootstrap in {@code to}), or to the big key of {@code to} ({@link Kind#BIG_TO_BIG}, a
 * conversion for leveled operations mixing partitions).
 *
 * @param from partition whose big key the input lives under
 * @param to partition whose small (or big) key the output lives under
 * @param kind which key of {@code to} the output lives under
 * @param decomposition gadget decomposition of the key
 */
public record KeyswitchSpec(int from, int to, Kind kind, Decomposition decomposition) {
  /** Which key of the destination partition a keyswitch ends under. */
  public enum Kind {
    BIG_TO_SMALL,
    BIG_TO_BIG
  }

  public KeyswitchSpec {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(decomposition, "decomposition");
    if (from < 0 || to < 0) {
      throw new IllegalArgumentException("partition numbers must be >= 0: " + from + " -> " + to);
    }
    if (kind == Kind.BIG_TO_BIG && from == to) {
      throw new IllegalArgumentException(
          "a conversion keyswitch needs two partitions, got " + from);
    }
  }

  @Override
  public String toString() {
    return (kind == Kind.BIG_TO_SMALL ? "ks " : "convert ")
        + from
        + " -> "
        + to
        + " "
        + decomposition;
  }
}
