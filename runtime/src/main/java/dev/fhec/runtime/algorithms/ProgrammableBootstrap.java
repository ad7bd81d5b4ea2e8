package dev.fhec.runtime.algorithms;

import dev.fhec.runtime.entities.FourierBootstrapKey;
import dev.fhec.runtime.entities.KeyswitchKey;
import dev.fhec.runtime.entities.LweCiphertext;
import dev.fhec.runtime.fft.NegacyclicFft;

/**
 * The atomic pattern KS → PBS on one ciphertext at a time: keyswitch from the big key to the small
 * key, blind-rotate the test polynomial of a {@link LutAccumulator}, sample-extract one LWE per
 * table under the big key.
 *
 * <p>One instance per thread (it owns an FFT and every scratch buffer); the steps are public so a
 * benchmark can time keyswitch and bootstrap separately on preallocated buffers. {@link
 * #applyBatch} runs a batch of KS + PBS as a batched keyswitch and a batched blind rotation (one
 * pass over each key per batch), bit-identical to one {@link #apply} after another.
 */
public final class ProgrammableBootstrap {
  private final LweKeyswitch keyswitch;
  private final BlindRotation rotation;
  private final int k;
  private final int n;
  private final long[] small;
  private long[][] smallBatch = new long[0][];

  public ProgrammableBootstrap(KeyswitchKey ksk, FourierBootstrapKey bsk, NegacyclicFft fft) {
    this(new Keyswitch(ksk), bsk, fft);
  }

  /** With a keyswitch worker of either width ({@link Keyswitch32} for a 32-bit keyswitch). */
  public ProgrammableBootstrap(LweKeyswitch ksk, FourierBootstrapKey bsk, NegacyclicFft fft) {
    if (ksk.outputDimension() != bsk.lweDimension()
        || ksk.inputDimension() != bsk.glweDimension() * bsk.polynomialSize()) {
      throw new IllegalArgumentException(
          "keyswitching key "
              + ksk.inputDimension()
              + "→"
              + ksk.outputDimension()
              + " does not match bootstrapping key n="
              + bsk.lweDimension()
              + ", k·N="
              + bsk.glweDimension() * bsk.polynomialSize());
    }
    this.keyswitch = ksk;
    this.rotation = new BlindRotation(bsk, fft);
    this.k = bsk.glweDimension();
    this.n = bsk.polynomialSize();
    this.small = new long[bsk.lweDimension() + 1];
  }

  /** Dimension of inputs and outputs (k·N). */
  public int bigDimension() {
    return k * n;
  }

  /** Dimension of the keyswitched ciphertext (n). */
  public int smallDimension() {
    return small.length - 1;
  }

  /** Keyswitch only: {@code in} (big key) into {@code out} (n+1 longs, small key). */
  public void keyswitch(long[] in, long[] out) {
    keyswitch.apply(in, 0, out, 0);
  }

  /**
   * PBS only: bootstrap the small-key ciphertext {@code smallIn} with {@code lut}; output j (big
   * key) receives table j. {@code outs.length} must equal {@link LutAccumulator#tableCount()}.
   */
  public void bootstrap(long[] smallIn, LutAccumulator lut, LweCiphertext[] outs) {
    if (lut.raw().length != n) {
      throw new IllegalArgumentException(
          "test polynomial of size " + lut.raw().length + " for N = " + n);
    }
    int[] indices = lut.rawIndices();
    if (outs.length != indices.length) {
      throw new IllegalArgumentException(
          outs.length + " outputs for a bootstrap of " + indices.length + " tables");
    }
    rotation.rotate(smallIn, 0, lut.inputOffset(), lut.raw());
    long[] acc = rotation.accumulator();
    for (int t = 0; t < indices.length; t++) {
      SampleExtraction.extract(acc, k, n, indices[t], outs[t].data(), 0);
    }
  }

  /** KS + PBS into preallocated outputs (one per table). */
  public void apply(LweCiphertext in, LutAccumulator lut, LweCiphertext[] outs) {
    if (in.dimension() != k * n) {
      throw new IllegalArgumentException(
          "bootstrap input has dimension " + in.dimension() + ", expected k·N = " + k * n);
    }
    keyswitch.apply(in.data(), 0, small, 0);
    bootstrap(small, lut, outs);
  }

  /** KS + PBS of a single-table accumulator into a new ciphertext. */
  public LweCiphertext apply(LweCiphertext in, LutAccumulator lut) {
    LweCiphertext out = new LweCiphertext(k * n);
    apply(in, lut, new LweCiphertext[] {out});
    return out;
  }

  /** KS + PBS with every table of {@code lut} (many-LUT), one new ciphertext per table. */
  public LweCiphertext[] applyMany(LweCiphertext in, LutAccumulator lut) {
    LweCiphertext[] outs = new LweCiphertext[lut.tableCount()];
    for (int t = 0; t < outs.length; t++) {
      outs[t] = new LweCiphertext(k * n);
    }
    apply(in, lut, outs);
    return outs;
  }

  /**
   * KS + PBS of {@code in[j]} with {@code luts[j]} into the preallocated {@code outs[j]} (one per
   * table of {@code luts[j]}), j < {@code count}, as one batch: bit-identical to {@link
   * #apply(LweCiphertext, LutAccumulator, LweCiphertext[])} on each.
   */
  public void applyBatch(
      LweCiphertext[] in, LutAccumulator[] luts, LweCiphertext[][] outs, int count) {
    long[][] inputs = new long[count][];
    for (int j = 0; j < count; j++) {
      if (in[j].dimension() != k * n) {
        throw new IllegalArgumentException(
            "bootstrap input has dimension " + in[j].dimension() + ", expected k·N = " + k * n);
      }
      inputs[j] = in[j].data();
    }
    if (smallBatch.length < count) {
      long[][] grown = java.util.Arrays.copyOf(smallBatch, count);
      for (int j = smallBatch.length; j < count; j++) {
        grown[j] = new long[small.length];
      }
      smallBatch = grown;
    }
    keyswitch.applyBatch(inputs, smallBatch, count);
    bootstrapBatch(smallBatch, luts, outs, count);
  }

  /**
   * PBS only of a batch: the small-key ciphertexts {@code smallIn[j]} with {@code luts[j]} into
   * {@code outs[j]} (one per table), j < {@code count}, in one pass over the bootstrapping key:
   * bit-identical to {@link #bootstrap} on each. For inputs keyswitched elsewhere (a lookup that
   * reads a value of another partition).
   */
  public void bootstrapBatch(
      long[][] smallIn, LutAccumulator[] luts, LweCiphertext[][] outs, int count) {
    long[] bodyOffsets = new long[count];
    long[][] tests = new long[count][];
    for (int j = 0; j < count; j++) {
      LutAccumulator lut = luts[j];
      if (lut.raw().length != n) {
        throw new IllegalArgumentException(
            "test polynomial of size " + lut.raw().length + " for N = " + n);
      }
      if (outs[j].length != lut.rawIndices().length) {
        throw new IllegalArgumentException(
            outs[j].length + " outputs for a bootstrap of " + lut.rawIndices().length + " tables");
      }
      bodyOffsets[j] = lut.inputOffset();
      tests[j] = lut.raw();
    }
    rotation.rotateBatch(smallIn, bodyOffsets, tests, count);
    for (int j = 0; j < count; j++) {
      long[] acc = rotation.batchAccumulator(j);
      int[] indices = luts[j].rawIndices();
      for (int t = 0; t < indices.length; t++) {
        SampleExtraction.extract(acc, k, n, indices[t], outs[j][t].data(), 0);
      }
    }
  }
}
