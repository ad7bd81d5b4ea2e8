package dev.fhec.runtime.fft;

/**
 * The one place that picks a negacyclic FFT implementation, so callers never name one. For now it
 * always returns {@link ScalarNegacyclicFft}; the Vector API path is added behind this factory.
 *
 * <p>Every call to {@link #create} returns a fresh instance with its own scratch buffers: use one
 * instance per thread. Twiddle tables are shared, immutable and built once per N.
 */
public final class NegacyclicFfts {
  private NegacyclicFfts() {}

  /** A new transform for polynomial size {@code polynomialSize} (a power of two, at least 2). */
  public static NegacyclicFft create(int polynomialSize) {
    return new ScalarNegacyclicFft(polynomialSize);
  }

  /** A short name of the implementation {@link #create} returns, for reports and benchmarks. */
  public static String implementationName() {
    return "scalar";
  }
}
