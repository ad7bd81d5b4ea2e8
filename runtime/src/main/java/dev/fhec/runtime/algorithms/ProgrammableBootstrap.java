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
 * benchmark can time keyswitch and bootstrap separately on preallocated buffers.
 */
public final class ProgrammableBootstrap {
  private final Keyswitch keyswitch;
  private final BlindRotation rotation;
  private final int k;
  private final int n;
  private final long[] small;

  public ProgrammableBootstrap(KeyswitchKey ksk, FourierBootstrapKey bsk, NegacyclicFft fft) {
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
    this.keyswitch = new Keyswitch(ksk);
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
}
