package dev.fhec.runtime.algorithms;

import dev.fhec.runtime.entities.KeyswitchKey;

/**
 * Key switching from the big key (k·N) to the small key (n) (tfhe.md §2.6): out = (0, b) − Σ_i Σ_j
 * d_ij·KSK[i][j], with d_ij the balanced digits of input mask coefficient a_i. Allocation-free: the
 * caller passes the digit scratch.
 */
public final class Keyswitch {
  private final KeyswitchKey key;
  private final Decomposer decomposer;
  private final long[] digits;

  public Keyswitch(KeyswitchKey key) {
    this.key = key;
    this.decomposer = new Decomposer(key.decomposition());
    this.digits = new long[key.decomposition().levels()];
  }

  public KeyswitchKey key() {
    return key;
  }

  /**
   * Keyswitches {@code in[inOff .. inOff + kN]} (mask and body under the big key) into {@code
   * out[outOff .. outOff + n]}.
   */
  public void apply(long[] in, int inOff, long[] out, int outOff) {
    int nIn = key.inputDimension();
    int n = key.outputDimension();
    int levels = decomposer.levels();
    long[] ksk = key.data();
    java.util.Arrays.fill(out, outOff, outOff + n, 0L);
    out[outOff + n] = in[inOff + nIn];
    for (int i = 0; i < nIn; i++) {
      decomposer.decompose(in[inOff + i], digits, 0, 1);
      for (int level = 0; level < levels; level++) {
        long d = digits[level];
        if (d == 0) {
          continue;
        }
        int row = key.offset(i, level);
        for (int j = 0; j <= n; j++) {
          out[outOff + j] -= d * ksk[row + j];
        }
      }
    }
  }
}
