package dev.fhec.runtime.algorithms;

import dev.fhec.runtime.entities.KeyswitchKey;

/**
 * Key switching from the big key (k·N) to the small key (n) (tfhe.md §2.6): out = (0, b) − Σ_i Σ_j
 * d_ij·KSK[i][j], with d_ij the balanced digits of input mask coefficient a_i. Allocation-free: the
 * caller passes the digit scratch.
 *
 * <p>{@link #applyBatch} keyswitches many ciphertexts as one blocked product against the key: each
 * key row (n+1 longs) is read once for the whole batch instead of once per ciphertext. Integer
 * arithmetic modulo 2^64 makes the result bit-identical to {@link #apply} in any order.
 */
public final class Keyswitch implements LweKeyswitch {
  private final KeyswitchKey key;
  private final Decomposer decomposer;
  private final long[] digits;
  private long[] batchDigits = new long[0];

  public Keyswitch(KeyswitchKey key) {
    this.key = key;
    this.decomposer = new Decomposer(key.decomposition());
    this.digits = new long[key.decomposition().levels()];
  }

  public KeyswitchKey key() {
    return key;
  }

  @Override
  public int inputDimension() {
    return key.inputDimension();
  }

  @Override
  public int outputDimension() {
    return key.outputDimension();
  }

  /**
   * Keyswitches {@code in[inOff .. inOff + kN]} (mask and body under the big key) into {@code
   * out[outOff .. outOff + n]}.
   */
  @Override
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
        KeyRows.subtractScaled(out, outOff, ksk, key.offset(i, level), n + 1, d);
      }
    }
  }

  /**
   * {@link #apply} of {@code ins[j]} (offset 0) into {@code outs[j]} (offset 0) for j < {@code
   * count}, input coefficient by input coefficient so every key row serves the whole batch.
   */
  @Override
  public void applyBatch(long[][] ins, long[][] outs, int count) {
    int nIn = key.inputDimension();
    int n = key.outputDimension();
    int levels = decomposer.levels();
    long[] ksk = key.data();
    if (batchDigits.length < count * levels) {
      batchDigits = new long[count * levels];
    }
    long[] d = batchDigits;
    for (int j = 0; j < count; j++) {
      java.util.Arrays.fill(outs[j], 0, n, 0L);
      outs[j][n] = ins[j][nIn];
    }
    for (int i = 0; i < nIn; i++) {
      for (int j = 0; j < count; j++) {
        decomposer.decompose(ins[j][i], d, j, count);
      }
      for (int level = 0; level < levels; level++) {
        int row = key.offset(i, level);
        for (int j = 0; j < count; j++) {
          long digit = d[level * count + j];
          if (digit == 0) {
            continue;
          }
          KeyRows.subtractScaled(outs[j], 0, ksk, row, n + 1, digit);
        }
      }
    }
  }
}
