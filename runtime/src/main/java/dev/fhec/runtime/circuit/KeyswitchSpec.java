package dev.fhec.runtime.circuit;

import dev.fhec.runtime.params.Decomposition;
import dev.fhec.runtime.params.NoiseModel;
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
 * @param bits32 whether the keyswitch runs on 32 bits (key rounded to 2^32, output modulo 2^32,
 *     then widened; {@link NoiseModel#keyswitch32}); false in every circuit written before it
 *     existed, whose text and digest do not change
 */
public record KeyswitchSpec(
    int from, int to, Kind kind, Decomposition decomposition, boolean bits32) {
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
    if (bits32 && !NoiseModel.fitsKeyswitch32(decomposition.baseLog(), decomposition.levels())) {
      throw new IllegalArgumentException(
          "a 32-bit keyswitch needs base log × levels ≤ "
              + NoiseModel.KEYSWITCH32_MAX_BITS
              + ", got "
              + decomposition);
    }
  }

  /** A 64-bit keyswitch. */
  public KeyswitchSpec(int from, int to, Kind kind, Decomposition decomposition) {
    this(from, to, kind, decomposition, false);
  }

  /**
   * On 32 bits wherever the decomposition allows (half the key bytes per keyswitch). For plans
   * built by hand (tests, library use); the compiler marks a keyswitch 32-bit only where the
   * optimizer found that its noise ({@link NoiseModel#keyswitch32}) keeps every bound.
   */
  public static KeyswitchSpec preferred(int from, int to, Kind kind, Decomposition decomposition) {
    return new KeyswitchSpec(
        from,
        to,
        kind,
        decomposition,
        NoiseModel.fitsKeyswitch32(decomposition.baseLog(), decomposition.levels()));
  }

  /** This keyswitch on 32 bits where its decomposition allows ({@link #preferred}). */
  public KeyswitchSpec preferred() {
    return preferred(from, to, kind, decomposition);
  }

  @Override
  public String toString() {
    return (kind == Kind.BIG_TO_SMALL ? "ks " : "convert ")
        + from
        + " -> "
        + to
        + " "
        + decomposition
        + (bits32 ? " (32-bit)" : "");
  }
}
