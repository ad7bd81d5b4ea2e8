package dev.fhec.runtime.algorithms;

import dev.fhec.runtime.fft.NegacyclicFft;

/** Where the engine gets its per-thread {@link NegacyclicFft} instances. */
public final class FftProvider {
  private FftProvider() {}

  /** A new transform for polynomial size N (one per thread: instances keep scratch buffers). */
  public static NegacyclicFft create(int polynomialSize) {
    return new CoefficientDomainFft(polynomialSize);
  }
}
