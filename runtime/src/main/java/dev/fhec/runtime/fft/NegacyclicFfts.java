package dev.fhec.runtime.fft;

/**
 * Chooses the negacyclic FFT implementation once per JVM: the Vector API path when the boot layer
 * has {@code jdk.incubator.vector} (the JVM was started with {@code --add-modules
 * jdk.incubator.vector}) and the system property {@code fhec.fft} is not {@code scalar}; the scalar
 * path otherwise. Both use the same Fourier layout and the same cached twiddle tables.
 *
 * <p>Every call to {@link #create} returns a fresh instance with its own scratch buffers: use one
 * instance per thread. Twiddle tables are shared, immutable and built once per N.
 */
public final class NegacyclicFfts {
  private static final boolean VECTOR = detectVector();

  private NegacyclicFfts() {}

  /** A new transform for polynomial size {@code polynomialSize} (a power of two, at least 2). */
  public static NegacyclicFft create(int polynomialSize) {
    if (VECTOR) {
      return VectorFactory.create(polynomialSize);
    }
    return new ScalarNegacyclicFft(polynomialSize);
  }

  /** A short name of the implementation {@link #create} returns, for reports and benchmarks. */
  public static String implementationName() {
    return VECTOR ? VectorFactory.name() : "scalar";
  }

  /** Whether {@link #create} returns the Vector API implementation. */
  public static boolean vectorized() {
    return VECTOR;
  }

  private static boolean detectVector() {
    if ("scalar".equals(System.getProperty("fhec.fft"))) {
      return false;
    }
    return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
  }

  /**
   * Keeps every reference to {@link VectorNegacyclicFft} (and so to jdk.incubator.vector) out of
   * the outer class, so the scalar path never loads it.
   */
  private static final class VectorFactory {
    static NegacyclicFft create(int polynomialSize) {
      return new VectorNegacyclicFft(polynomialSize);
    }

    static String name() {
      return VectorNegacyclicFft.description();
    }
  }
}
