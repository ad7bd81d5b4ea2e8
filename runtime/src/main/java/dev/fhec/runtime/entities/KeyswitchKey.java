package dev.fhec.runtime.entities;

import dev.fhec.runtime.params.Decomposition;

/**
 * The keyswitching key from the big key (dimension k·N) to the small key (n): for input coefficient
 * i and level j (j = 0 most significant, factor 2^(64 − b(j+1))), an LWE encryption under the small
 * key of s_big[i]·2^(64 − b(j+1)). Rows of n+1 longs at {@link #offset}. Public.
 */
public final class KeyswitchKey {
  private final int inputDimension;
  private final int outputDimension;
  private final Decomposition decomposition;
  private final long[] data;

  public KeyswitchKey(
      int inputDimension, int outputDimension, Decomposition decomposition, long[] data) {
    long expected = (long) inputDimension * decomposition.levels() * (outputDimension + 1);
    if (data.length != expected) {
      throw new IllegalArgumentException(
          "keyswitching key needs " + expected + " longs, got " + data.length);
    }
    this.inputDimension = inputDimension;
    this.outputDimension = outputDimension;
    this.decomposition = decomposition;
    this.data = data;
  }

  public int inputDimension() {
    return inputDimension;
  }

  public int outputDimension() {
    return outputDimension;
  }

  public Decomposition decomposition() {
    return decomposition;
  }

  /** Offset of row (input coefficient i, level j). */
  public int offset(int i, int level) {
    return (i * decomposition.levels() + level) * (outputDimension + 1);
  }

  /** Row index (i, level) as used for per-row random streams. */
  public int row(int i, int level) {
    return i * decomposition.levels() + level;
  }

  public long[] data() {
    return data;
  }
}
