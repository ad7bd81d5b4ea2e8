package dev.fhec.runtime.algorithms;

import dev.fhec.runtime.entities.KeyswitchKey;
import dev.fhec.runtime.params.NoiseModel;

/**
 * Keyswitch whose output and key live modulo 2^32 (tfhe-rs's "KS32": {@code
 * tfhe-rs:tfhe/src/shortint/parameters/v1_8/ks32/}, a 64-bit input, {@code
 * post_keyswitch_ciphertext_modulus} 2^32): the key rows are {@code int}s, so a pass over the key
 * reads half the bytes of {@link Keyswitch} and a vector holds twice the lanes. The output feeds
 * the modulus switch to 2N, which only needs its top log2(2N) bits anyway ({@link #widen} gives the
 * 64-bit form the blind rotation takes, with the same switched values).
 *
 * <p>Built, measured and tested, but used by nothing: its noise ({@link #variance}) differs from
 * {@link NoiseModel#keyswitch}, and no circuit may use it before the parameter optimizer accounts
 * for that (issue 11).
 *
 * <p>The key is the 64-bit key rounded entrywise to the nearest multiple of 2^32 ({@link #of}), so
 * no new key material exists: row (i, j) of the 64-bit key encrypts s_i·2^(64 − b(j+1)) and, since
 * bℓ ≤ 32, its rounding encrypts s_i·2^(32 − b(j+1)) modulo 2^32 exactly, with extra noise δ_b −
 * Σ_k δ_k·s'_k (δ the rounding errors). Digits are those of the 64-bit keyswitch (input rounded to
 * its top bℓ bits), so the only other new error is the body's rounding to 2^32.
 */
public final class Keyswitch32 {
  private final int inputDimension;
  private final int outputDimension;
  private final KeyswitchKey source;
  private final Decomposer decomposer;
  private final int[] key;
  private final long[] digits;
  private long[] batchDigits = new long[0];

  private Keyswitch32(KeyswitchKey source, int[] key) {
    this.source = source;
    this.inputDimension = source.inputDimension();
    this.outputDimension = source.outputDimension();
    this.decomposer = new Decomposer(source.decomposition());
    this.key = key;
    this.digits = new long[source.decomposition().levels()];
  }

  /** The 32-bit key: every entry of {@code key64} rounded to the nearest multiple of 2^32. */
  public static Keyswitch32 of(KeyswitchKey key64) {
    int bl = key64.decomposition().baseLog() * key64.decomposition().levels();
    if (bl > 32) {
      throw new IllegalArgumentException(
          "a 32-bit keyswitch needs base log × levels ≤ 32, got " + bl);
    }
    long[] d = key64.data();
    int[] k = new int[d.length];
    for (int i = 0; i < d.length; i++) {
      k[i] = toTorus32(d[i]);
    }
    return new Keyswitch32(key64, k);
  }

  /** round(value / 2^32) mod 2^32: a torus value on 64 bits to its nearest one on 32. */
  public static int toTorus32(long value) {
    return (int) ((value >>> 32) + ((value >>> 31) & 1));
  }

  /**
   * The 64-bit form of a 32-bit torus value (low bits zero): its modulus switch to any 2N ≤ 2^32
   * rounds exactly as that of the 32-bit value.
   */
  public static void widen(int[] in, long[] out, int len) {
    for (int i = 0; i < len; i++) {
      out[i] = (long) in[i] << 32;
    }
  }

  public KeyswitchKey sourceKey() {
    return source;
  }

  /** Key bytes one keyswitch reads: half of the 64-bit key's. */
  public long keyBytes() {
    return 4L * key.length;
  }

  /**
   * Keyswitches {@code in[inOff .. inOff + kN]} (mask and body under the big key, modulo 2^64) into
   * {@code out[outOff .. outOff + n]} modulo 2^32.
   */
  public void apply(long[] in, int inOff, int[] out, int outOff) {
    int n = outputDimension;
    int levels = decomposer.levels();
    java.util.Arrays.fill(out, outOff, outOff + n, 0);
    out[outOff + n] = toTorus32(in[inOff + inputDimension]);
    for (int i = 0; i < inputDimension; i++) {
      decomposer.decompose(in[inOff + i], digits, 0, 1);
      for (int level = 0; level < levels; level++) {
        int d = (int) digits[level];
        if (d == 0) {
          continue;
        }
        KeyRows.subtractScaled(out, outOff, key, source.offset(i, level), n + 1, d);
      }
    }
  }

  /**
   * {@link #apply} of {@code ins[j]} into {@code outs[j]} (offsets 0) for j < {@code count}, input
   * coefficient by input coefficient so every key row serves the whole batch (as {@link
   * Keyswitch#applyBatch}; integer arithmetic modulo 2^32, so the same bits as {@link #apply}).
   */
  public void applyBatch(long[][] ins, int[][] outs, int count) {
    int n = outputDimension;
    int levels = decomposer.levels();
    if (batchDigits.length < count * levels) {
      batchDigits = new long[count * levels];
    }
    long[] d = batchDigits;
    for (int j = 0; j < count; j++) {
      java.util.Arrays.fill(outs[j], 0, n, 0);
      outs[j][n] = toTorus32(ins[j][inputDimension]);
    }
    for (int i = 0; i < inputDimension; i++) {
      for (int j = 0; j < count; j++) {
        decomposer.decompose(ins[j][i], d, j, count);
      }
      for (int level = 0; level < levels; level++) {
        int row = source.offset(i, level);
        for (int j = 0; j < count; j++) {
          int digit = (int) d[level * count + j];
          if (digit == 0) {
            continue;
          }
          KeyRows.subtractScaled(outs[j], 0, key, row, n + 1, digit);
        }
      }
    }
  }

  /** Variance (torus-normalized) of rounding a uniform 64-bit torus value to 32 bits. */
  private static final double ROUNDING_TO_32 = (0x1p-64 - 0x1p-128) / 12.0;

  /**
   * Variance of one entry of the rounded key ({@link #of}) given the 64-bit key's σ²: σ² + (1 +
   * n·E[s²])·Var(δ), with E[s²] = 1/2 for the binary small key and Var(δ) = (2^−64 − 2^−128)/12.
   */
  public static double roundedKeyVariance(int outputDimension, double kskVariance64) {
    return kskVariance64 + (1.0 + 0.5 * outputDimension) * ROUNDING_TO_32;
  }

  /**
   * Output variance of this keyswitch (torus-normalized; derivation in the class comment and
   * bench/RESULTS.md "#11 throughput (this session)"): Concrete's keyswitch ({@link
   * NoiseModel#keyswitch}, input modulus 2^64, the same digits) with the rounded key's variance,
   * plus the body's rounding (1/q_out² − 1/q_in²)/12 — the term by which tfhe-rs's keyswitch
   * formula with distinct input and output moduli differs from its one-modulus form ({@code
   * tfhe-rs:tfhe/src/core_crypto/commons/noise_formulas/lwe_keyswitch.rs}: −1/(12 q_in²) + 1/(12
   * q_out²)).
   */
  public static double variance(
      int inputDimension, int outputDimension, int baseLog, int levels, double kskVariance64) {
    return NoiseModel.keyswitch(
            inputDimension, baseLog, levels, roundedKeyVariance(outputDimension, kskVariance64))
        + ROUNDING_TO_32;
  }

  /**
   * The modulus switch 2^32 → 2N that follows: Concrete's {@link NoiseModel#modulusSwitch} with q =
   * 2^32, (1/12 + n/24)/(2N)² + (n/48 − 1/12)/2^64.
   */
  public static double modulusSwitchVariance(int lweDimension, int polynomialSize) {
    double twoN = 2.0 * polynomialSize;
    return (1.0 / 12.0 + lweDimension / 24.0) / (twoN * twoN)
        + (lweDimension / 48.0 - 1.0 / 12.0) * 0x1p-64;
  }
}
