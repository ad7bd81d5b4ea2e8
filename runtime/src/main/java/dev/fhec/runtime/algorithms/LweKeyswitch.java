package dev.fhec.runtime.algorithms;

/**
 * A keyswitch worker (one per thread) with 64-bit input and output, whatever width it computes on:
 * {@link Keyswitch} on 64 bits, {@link Keyswitch32} on 32 bits widened back (the blind rotation's
 * modulus switch and the leveled operations read the 64-bit form).
 */
public sealed interface LweKeyswitch permits Keyswitch, Keyswitch32 {
  /** Dimension of the inputs (k·N of the source big key). */
  int inputDimension();

  /** Dimension of the outputs. */
  int outputDimension();

  /** {@code in[inOff .. inOff + inputDimension]} into {@code out[outOff .. outOff + n]}. */
  void apply(long[] in, int inOff, long[] out, int outOff);

  /**
   * {@code ins[j]} into {@code outs[j]} (offsets 0) for j < {@code count}, one pass over the key.
   */
  void applyBatch(long[][] ins, long[][] outs, int count);
}
