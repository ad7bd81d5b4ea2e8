package dev.fhec.runtime.algorithms;

import dev.fhec.runtime.entities.KeyswitchKey;
import dev.fhec.runtime.params.Decomposition;
import dev.fhec.runtime.params.NoiseModel;

/**
 * Keyswitch whose output and key live modulo 2^32 (tfhe-rs's "KS32": {@code
 * tfhe-rs:tfhe/src/shortint/parameters/v1_8/ks32/}, a 64-bit input, {@code
 * post_keyswitch_ciphertext_modulus} 2^32): the key rows are {@code int}s, so a pass over the key
 * reads half the bytes of {@link Keyswitch} and a vector holds twice the lanes. The output feeds
 * the modulus switch to 2N, which only needs its top log2(2N) bits anyway ({@link #widen} gives the
 * 64-bit form the blind rotation takes, with the same switched values).
 *
 * <p>Used for every keyswitch a plan marks 32-bit ({@code KeyswitchSpec.bits32}); its noise is
 * {@link NoiseModel#keyswitch32}, which the parameter optimizer counts for exactly those.
 *
 * <p>The key is the 64-bit key rounded entrywise to the nearest multiple of 2^32 ({@link #of}), so
 * no new key material exists: row (i, j) of the 64-bit key encrypts s_i·2^(64 − b(j+1)) and, since
 * bℓ ≤ 32, its rounding encrypts s_i·2^(32 − b(j+1)) modulo 2^32 exactly, with extra noise δ_b −
 * Σ_k δ_k·s'_k (δ the rounding errors). Digits are those of the 64-bit keyswitch (input rounded to
 * its top bℓ bits), so the only other new error is the body's rounding to 2^32.
 */
public final class Keyswitch32 implements LweKeyswitch {
  /**
   * The rounded key, shared read-only by every thread's {@link Keyswitch32}: rows of n+1 {@code
   * int}s at the 64-bit key's offsets. Holds no reference to the 64-bit key, which a key set that
   * only keyswitches on 32 bits may then drop.
   */
  public record Key(
      int inputDimension, int outputDimension, Decomposition decomposition, int[] data) {
    public Key {
      long expected = (long) inputDimension * decomposition.levels() * (outputDimension + 1);
      if (data.length != expected) {
        throw new IllegalArgumentException(
            "32-bit keyswitching key needs " + expected + " ints, got " + data.length);
      }
      if (!NoiseModel.fitsKeyswitch32(decomposition.baseLog(), decomposition.levels())) {
        throw new IllegalArgumentException(
            "a 32-bit keyswitch needs base log × levels ≤ 32, got " + decomposition);
      }
    }

    /** Offset of row (input coefficient i, level j), as {@link KeyswitchKey#offset}. */
    int offset(int i, int level) {
      return (i * decomposition.levels() + level) * (outputDimension + 1);
    }

    /** Bytes in memory: half of the 64-bit key's. */
    public long bytes() {
      return 4L * data.length;
    }
  }

  /**
   * System property that, set to {@code off}, runs the keyswitches a plan marks 32-bit on 64 bits
   * (and keeps their 64-bit keys): for side-by-side benchmarks of the two widths on one circuit.
   */
  public static final String PROPERTY = "fhec.ks32";

  /** Whether keyswitches marked 32-bit run on 32 bits ({@value #PROPERTY} is not {@code off}). */
  public static boolean enabled() {
    return !"off".equals(System.getProperty(PROPERTY, "").strip());
  }

  private final int inputDimension;
  private final int outputDimension;
  private final Key key;
  private final Decomposer decomposer;
  private final long[] digits;
  private long[] batchDigits = new long[0];
  private int[][] narrow = new int[0][];

  /** A worker (digit and output scratch; one per thread) on a shared rounded key. */
  public Keyswitch32(Key key) {
    this.key = key;
    this.inputDimension = key.inputDimension();
    this.outputDimension = key.outputDimension();
    this.decomposer = new Decomposer(key.decomposition());
    this.digits = new long[key.decomposition().levels()];
  }

  /**
   * The 32-bit key: every entry of {@code key64} rounded to the nearest multiple of 2^32. A public
   * function of the public 64-bit key, so key files never hold it: derived where keys are loaded.
   */
  public static Key round(KeyswitchKey key64) {
    int bl = key64.decomposition().baseLog() * key64.decomposition().levels();
    if (!NoiseModel.fitsKeyswitch32(
        key64.decomposition().baseLog(), key64.decomposition().levels())) {
      throw new IllegalArgumentException(
          "a 32-bit keyswitch needs base log × levels ≤ 32, got " + bl);
    }
    long[] d = key64.data();
    int[] k = new int[d.length];
    for (int i = 0; i < d.length; i++) {
      k[i] = toTorus32(d[i]);
    }
    return new Key(key64.inputDimension(), key64.outputDimension(), key64.decomposition(), k);
  }

  /** A worker on {@code key64} rounded ({@link #round}). */
  public static Keyswitch32 of(KeyswitchKey key64) {
    return new Keyswitch32(round(key64));
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

  public Key key() {
    return key;
  }

  @Override
  public int inputDimension() {
    return inputDimension;
  }

  @Override
  public int outputDimension() {
    return outputDimension;
  }

  /** Key bytes one keyswitch reads: half of the 64-bit key's. */
  public long keyBytes() {
    return key.bytes();
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
        KeyRows.subtractScaled(out, outOff, key.data(), key.offset(i, level), n + 1, d);
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
        int row = key.offset(i, level);
        for (int j = 0; j < count; j++) {
          int digit = (int) d[level * count + j];
          if (digit == 0) {
            continue;
          }
          KeyRows.subtractScaled(outs[j], 0, key.data(), row, n + 1, digit);
        }
      }
    }
  }

  /** {@link #apply}, widened ({@link #widen}) into {@code out[outOff .. outOff + n]}. */
  @Override
  public void apply(long[] in, int inOff, long[] out, int outOff) {
    int[] o = scratch(1)[0];
    apply(in, inOff, o, 0);
    for (int i = 0; i <= outputDimension; i++) {
      out[outOff + i] = (long) o[i] << 32;
    }
  }

  /** {@link #applyBatch(long[][], int[][], int)}, widened into {@code outs[j]} (offsets 0). */
  @Override
  public void applyBatch(long[][] ins, long[][] outs, int count) {
    int[][] o = scratch(count);
    applyBatch(ins, o, count);
    for (int j = 0; j < count; j++) {
      widen(o[j], outs[j], outputDimension + 1);
    }
  }

  private int[][] scratch(int count) {
    if (narrow.length < count) {
      int[][] grown = java.util.Arrays.copyOf(narrow, count);
      for (int j = narrow.length; j < count; j++) {
        grown[j] = new int[outputDimension + 1];
      }
      narrow = grown;
    }
    return narrow;
  }

  /**
   * Output variance of this keyswitch (torus-normalized): {@link NoiseModel#keyswitch32}, where the
   * derivation is.
   */
  public static double variance(
      int inputDimension, int outputDimension, int baseLog, int levels, double kskVariance64) {
    return NoiseModel.keyswitch32(inputDimension, outputDimension, baseLog, levels, kskVariance64);
  }

  /** The modulus switch 2^32 → 2N that follows: {@link NoiseModel#modulusSwitch32}. */
  public static double modulusSwitchVariance(int lweDimension, int polynomialSize) {
    return NoiseModel.modulusSwitch32(lweDimension, polynomialSize);
  }
}
