package dev.fhec.runtime.algorithms;

import dev.fhec.runtime.fft.NegacyclicFfts;

/**
 * The keyswitch's inner loop, out −= d·row (mod 2^64), on the Vector API when the FFT is vectorized
 * (the JVM has {@code jdk.incubator.vector} and {@code fhec.fft} is not {@code scalar}), as a plain
 * loop otherwise. Integer arithmetic modulo 2^64: both paths give the same bits.
 *
 * <p>Why not leave it to C2: its auto-vectorized form of the plain loop streamed a 68 MiB
 * keyswitching key (TFHE_RS_M2C2) at 8.0 GB/s against 11.9 GB/s for explicit 512-bit vectors
 * unrolled twice, on the AVX-512 development VM with JDK 25 (thread CPU time, best of 15); the
 * keyswitch is one such pass over the key, so that is its speed.
 */
final class KeyRows {
  private static final boolean VECTOR = NegacyclicFfts.vectorized();

  private KeyRows() {}

  /** out[off .. off + len) −= d · key[row .. row + len), wrapping modulo 2^64. */
  static void subtractScaled(long[] out, int off, long[] key, int row, int len, long d) {
    if (VECTOR) {
      VectorKeyRows.subtractScaled(out, off, key, row, len, d);
    } else {
      for (int j = 0; j < len; j++) {
        out[off + j] -= d * key[row + j];
      }
    }
  }

  /**
   * out[off .. off + len) −= d · key[row .. row + len), wrapping modulo 2^32 ({@link Keyswitch32}).
   */
  static void subtractScaled(int[] out, int off, int[] key, int row, int len, int d) {
    if (VECTOR) {
      VectorKeyRows.subtractScaled(out, off, key, row, len, d);
    } else {
      for (int j = 0; j < len; j++) {
        out[off + j] -= d * key[row + j];
      }
    }
  }
}
