package dev.fhec.runtime.params;

/**
 * The 128-bit security curve: the minimal noise for a given LWE dimension.
 *
 * <p>Formal definition: log2 σ_min(n) = max(slope·n + bias, 2 − 64), σ normalized to q = 2^64,
 * valid for n ≥ 450; for GLWE use n = k·N. Slope and bias are Concrete's lattice-estimator fit
 * (RC.BDGL16, binary keys), from concrete-security-curves-rust {@code gaussian/curves_gen.rs}.
 */
public final class SecurityCurve {
  public static final double SLOPE_128 = -0.025696778711484593;
  public static final double BIAS_128 = 2.675931372549016;

  /** Dimensions below this are outside the fitted range and never considered secure. */
  public static final int MIN_DIMENSION = 450;

  private SecurityCurve() {}

  /** log2 of the minimal normalized σ for 128-bit security at dimension {@code dimension}. */
  public static double minLog2Std(int dimension) {
    return Math.max(SLOPE_128 * dimension + BIAS_128, 2.0 - 64.0);
  }

  public static double minStd(int dimension) {
    return Math.pow(2.0, minLog2Std(dimension));
  }

  /** Whether a σ at this dimension meets the curve (a 1e-9 relative slack absorbs rounding). */
  public static boolean isSecure(int dimension, double std) {
    return dimension >= MIN_DIMENSION && std >= minStd(dimension) * (1 - 1e-9);
  }

  static void requireSecure(ParameterSet p) {
    if (!isSecure(p.n(), p.lweNoiseStd())) {
      throw new InsecureParametersException(
          String.format(
              "%s is not 128-bit secure: LWE n=%d needs σ >= 2^%.2f, has 2^%.2f",
              p.name(), p.n(), minLog2Std(p.n()), Math.log(p.lweNoiseStd()) / Math.log(2)));
    }
    int big = p.bigLweDimension();
    if (!isSecure(big, p.glweNoiseStd())) {
      throw new InsecureParametersException(
          String.format(
              "%s is not 128-bit secure: GLWE k·N=%d needs σ >= 2^%.2f, has 2^%.2f",
              p.name(), big, minLog2Std(big), Math.log(p.glweNoiseStd()) / Math.log(2)));
    }
  }
}
