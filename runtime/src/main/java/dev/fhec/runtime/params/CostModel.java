package dev.fhec.runtime.params;

/**
 * Concrete's complexity model: an abstract operation count for keyswitches, bootstraps and leveled
 * dot products ({@code concrete-optimizer/src/computing_cost/operators/{keyswitch_lwe, cmux,
 * pbs}.rs}).
 *
 * <p>Why it exists: the parameter optimizer minimizes it, and the compile report prints it as
 * Concrete's {@code complexity} statistic so fhec's numbers can be compared with Concrete's on the
 * same circuit. It is a relative cost, not a time.
 */
public final class CostModel {
  private CostModel() {}

  /**
   * Keyswitch from dimension n_in to n with ℓ levels: n_in·ℓ (decomposition) + n_in·ℓ·(n+1)
   * (multiplications) + (n_in·ℓ − 1)(n+1) (additions) + 1.
   */
  public static long keyswitch(int inputDimension, int outputDimension, int levels) {
    long rows = (long) inputDimension * levels;
    long width = outputDimension + 1L;
    return rows + rows * width + (rows - 1) * width + 1;
  }

  /**
   * Programmable bootstrap with n CMuxes: n·[ (k+1)ℓ(N log₂N + N) (forward FFTs) + (k+1)(N log₂N +
   * N) (inverse FFTs) + (k+1)²ℓN (Fourier-domain products) ].
   */
  public static long bootstrap(
      int lweDimension, int glweDimension, int polynomialSize, int levels) {
    long n = polynomialSize;
    long fftCost = n * Integer.numberOfTrailingZeros(polynomialSize) + n;
    long k1 = glweDimension + 1L;
    long perCmux = k1 * levels * fftCost + k1 * fftCost + k1 * k1 * levels * n;
    return lweDimension * perCmux;
  }

  /** A leveled dot product of {@code sumSize} terms on ciphertexts of dimension n_in. */
  public static long leveled(long sumSize, int inputDimension) {
    return sumSize * inputDimension;
  }

  /** One keyswitch + one bootstrap of the atomic pattern under {@code params}. */
  public static long lookup(ParameterSet params) {
    return keyswitch(params.bigLweDimension(), params.n(), params.ks().levels())
        + bootstrap(params.n(), params.k(), params.bigN(), params.pbs().levels());
  }
}
