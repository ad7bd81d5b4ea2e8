package dev.fhec.runtime.algorithms;

import dev.fhec.runtime.fft.NegacyclicFft;
import dev.fhec.runtime.fft.NegacyclicFfts;

/**
 * Where the engine gets its per-thread {@link NegacyclicFft} instances: {@link NegacyclicFfts}
 * (Vector API when available, scalar otherwise). Every Fourier-domain key must be made and used by
 * transforms of this provider, since the Fourier layout is private to the implementation.
 */
public final class FftProvider {
  private FftProvider() {}

  /** A new transform for polynomial size N (one per thread: instances keep scratch buffers). */
  public static NegacyclicFft create(int polynomialSize) {
    return NegacyclicFfts.create(polynomialSize);
  }
}
