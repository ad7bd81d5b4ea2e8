package dev.fhec.runtime.algorithms;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API form of {@link KeyRows#subtractScaled}; loaded only when the boot layer has {@code
 * jdk.incubator.vector} (through {@link KeyRows}). The species is a {@code static final} constant,
 * which C2 needs to intrinsify the operations (tfhe.md §8.4); the preferred one (512-bit on
 * AVX-512). Two vectors per iteration keep two independent key loads in flight.
 */
final class VectorKeyRows {
  private static final VectorSpecies<Long> SPECIES = LongVector.SPECIES_PREFERRED;
  private static final int LANES = SPECIES.length();
  private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
  private static final int INT_LANES = INTS.length();

  private VectorKeyRows() {}

  static void subtractScaled(long[] out, int off, long[] key, int row, int len, long d) {
    LongVector dv = LongVector.broadcast(SPECIES, d);
    int j = 0;
    for (int end = len - len % (2 * LANES); j < end; j += 2 * LANES) {
      LongVector k0 = LongVector.fromArray(SPECIES, key, row + j);
      LongVector k1 = LongVector.fromArray(SPECIES, key, row + j + LANES);
      LongVector.fromArray(SPECIES, out, off + j).sub(k0.mul(dv)).intoArray(out, off + j);
      LongVector.fromArray(SPECIES, out, off + j + LANES)
          .sub(k1.mul(dv))
          .intoArray(out, off + j + LANES);
    }
    for (int end = len - len % LANES; j < end; j += LANES) {
      LongVector k = LongVector.fromArray(SPECIES, key, row + j);
      LongVector.fromArray(SPECIES, out, off + j).sub(k.mul(dv)).intoArray(out, off + j);
    }
    for (; j < len; j++) {
      out[off + j] -= d * key[row + j];
    }
  }

  /** The 32-bit form: twice the lanes per vector, half the key bytes per row. */
  static void subtractScaled(int[] out, int off, int[] key, int row, int len, int d) {
    IntVector dv = IntVector.broadcast(INTS, d);
    int j = 0;
    for (int end = len - len % (2 * INT_LANES); j < end; j += 2 * INT_LANES) {
      IntVector k0 = IntVector.fromArray(INTS, key, row + j);
      IntVector k1 = IntVector.fromArray(INTS, key, row + j + INT_LANES);
      IntVector.fromArray(INTS, out, off + j).sub(k0.mul(dv)).intoArray(out, off + j);
      IntVector.fromArray(INTS, out, off + j + INT_LANES)
          .sub(k1.mul(dv))
          .intoArray(out, off + j + INT_LANES);
    }
    for (int end = len - len % INT_LANES; j < end; j += INT_LANES) {
      IntVector k = IntVector.fromArray(INTS, key, row + j);
      IntVector.fromArray(INTS, out, off + j).sub(k.mul(dv)).intoArray(out, off + j);
    }
    for (; j < len; j++) {
      out[off + j] -= d * key[row + j];
    }
  }
}
