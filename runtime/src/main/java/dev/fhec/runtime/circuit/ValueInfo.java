package dev.fhec.runtime.circuit;

import java.util.Arrays;

/**
 * Type of one SSA value of a {@link Circuit}: a tensor of integers, encrypted or clear.
 *
 * <p>Encoding of an encrypted value of width w: each element m is an LWE ciphertext (under the big
 * key of its partition, dimension k·N) of the torus value m·Δ with Δ = 2^(63−w); the one bit above
 * the message is the padding bit. Signed values are in [−2^(w−1), 2^(w−1)) and wrap into the
 * padding half of the torus; unsigned values are in [0, 2^w). Leveled instructions require their
 * encrypted operands to share width and produce that width.
 *
 * @param shape tensor shape (row-major); {@code []} is a scalar
 * @param width message bits w (1..16 for TLU inputs; leveled values may be wider up to 62)
 * @param signed whether elements are interpreted in two's complement of {@code width} bits
 * @param encrypted whether the value is a tensor of ciphertexts (otherwise clear integers)
 * @param partition the {@link ParameterPlan} partition whose big key an encrypted value lives under
 *     (0 for clear values and single-partition circuits)
 */
public record ValueInfo(int[] shape, int width, boolean signed, boolean encrypted, int partition) {
  public static final int MAX_WIDTH = 62;

  /** A value of partition 0 (every value of a single-partition circuit). */
  public ValueInfo(int[] shape, int width, boolean signed, boolean encrypted) {
    this(shape, width, signed, encrypted, 0);
  }

  public ValueInfo {
    shape = shape.clone();
    if (partition < 0 || (!encrypted && partition != 0)) {
      throw new IllegalArgumentException(
          "partition " + partition + " for " + (encrypted ? "an encrypted" : "a clear") + " value");
    }
    for (int d : shape) {
      if (d < 1) {
        throw new IllegalArgumentException(
            "shape dimensions must be >= 1: " + Arrays.toString(shape));
      }
    }
    if (width < 1 || width > MAX_WIDTH) {
      throw new IllegalArgumentException("width must be in 1.." + MAX_WIDTH + ", got " + width);
    }
  }

  /** The same value type under partition {@code p}'s big key. */
  public ValueInfo inPartition(int p) {
    return new ValueInfo(shape, width, signed, encrypted, p);
  }

  public int size() {
    int s = 1;
    for (int d : shape) {
      s = Math.multiplyExact(s, d);
    }
    return s;
  }

  /** Smallest representable value at this width and signedness. */
  public long min() {
    return signed ? -(1L << (width - 1)) : 0;
  }

  /** Largest representable value at this width and signedness. */
  public long max() {
    return signed ? (1L << (width - 1)) - 1 : (1L << width) - 1;
  }

  @Override
  public int[] shape() {
    return shape.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ValueInfo v
        && Arrays.equals(shape, v.shape)
        && width == v.width
        && signed == v.signed
        && encrypted == v.encrypted
        && partition == v.partition;
  }

  @Override
  public int hashCode() {
    return (Arrays.hashCode(shape) * 31 + width * 4 + (signed ? 2 : 0) + (encrypted ? 1 : 0)) * 31
        + partition;
  }

  @Override
  public String toString() {
    return (encrypted ? "Encrypted" : "Clear")
        + (signed ? "Int<" : "UInt<")
        + width
        + ">"
        + Arrays.toString(shape)
        + (partition == 0 ? "" : "@p" + partition);
  }
}
