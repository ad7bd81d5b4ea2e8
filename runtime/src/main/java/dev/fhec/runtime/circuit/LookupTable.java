package dev.fhec.runtime.circuit;

import java.util.Arrays;

/**
 * A univariate table for one programmable bootstrap.
 *
 * <p>Entry i is the output for the input index i ∈ [0, 2^inputWidth): for an unsigned input m = i,
 * for a signed input m = i − 2^(inputWidth−1). Entries are integers in [−2^w, 2^w) for the output
 * width w of the {@link Instruction.Tlu} that uses the table: normally representable at w (two's
 * complement when signed), possibly using the padding range for intermediate values (see {@link
 * Instruction.Tlu}); the executor encodes entry·Δ modulo 2^64.
 */
public record LookupTable(long[] entries) {
  public LookupTable {
    entries = entries.clone();
    if (entries.length < 2 || Integer.bitCount(entries.length) != 1) {
      throw new IllegalArgumentException(
          "table size must be a power of two >= 2, got " + entries.length);
    }
  }

  public int inputWidth() {
    return Integer.numberOfTrailingZeros(entries.length);
  }

  public long at(int index) {
    return entries[index];
  }

  @Override
  public long[] entries() {
    return entries.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LookupTable t && Arrays.equals(entries, t.entries);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(entries);
  }

  @Override
  public String toString() {
    return "LookupTable[" + entries.length + "]";
  }
}
