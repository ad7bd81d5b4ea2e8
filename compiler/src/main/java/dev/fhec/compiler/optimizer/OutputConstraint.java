package dev.fhec.compiler.optimizer;

/**
 * A circuit output the client decrypts: {@code count} elements at {@code precision} message bits,
 * whose noise is {@code freshNorm2Squared}·V_fresh (circuit inputs, encrypted under the big key at
 * the 128-bit σ of k·N) plus {@code lookupNorm2Squared}·V_BR (outputs of bootstraps), grown through
 * the leveled instructions between them and the output.
 *
 * <p>Why: decryption rounds to the nearest multiple of Δ = 2^(63−w), so it fails exactly like a
 * lookup on a w-bit input, when the noise exceeds 2^{−(w+2)} of the torus. Lookups and outputs are
 * the only places a leveled chain is ever read, so constraining both bounds every chain (issue 9):
 * without it {@code x * 3000} or a 20,001-term sum decrypt wrong while every lookup is safe.
 *
 * @param label names the output in messages (e.g. "output 0 (value 12)")
 * @param precision the output's width w in bits, 1..{@value #MAX_PRECISION}
 * @param freshNorm2Squared weight of fresh-encryption noise (ν² over the circuit inputs), ≥ 0
 * @param lookupNorm2Squared weight of bootstrap-output noise (ν² over the lookups), ≥ 0
 * @param count number of elements with this constraint
 */
public record OutputConstraint(
    String label, int precision, double freshNorm2Squared, double lookupNorm2Squared, long count) {
  /**
   * The widest output the noise model accepts: at 61 or 62 bits half a step of Δ is below the torus
   * resolution ({@link dev.fhec.runtime.params.NoiseModel} checks 1..60).
   */
  public static final int MAX_PRECISION = 60;

  public OutputConstraint {
    java.util.Objects.requireNonNull(label, "label");
    if (precision < 1 || precision > MAX_PRECISION) {
      throw new IllegalArgumentException(
          "output precision must be 1.." + MAX_PRECISION + " bits, got " + precision);
    }
    if (!(freshNorm2Squared >= 0) || !(lookupNorm2Squared >= 0)) {
      throw new IllegalArgumentException(
          "noise weights must be >= 0, got " + freshNorm2Squared + ", " + lookupNorm2Squared);
    }
    if (Double.isInfinite(freshNorm2Squared) || Double.isInfinite(lookupNorm2Squared)) {
      throw new IllegalArgumentException("noise weights must be finite");
    }
    if (count < 1) {
      throw new IllegalArgumentException("output count must be positive, got " + count);
    }
  }

  /** The output's variance for a fresh-encryption variance and a blind-rotation variance. */
  public double variance(double freshVariance, double blindRotationVariance) {
    return freshNorm2Squared * freshVariance + lookupNorm2Squared * blindRotationVariance;
  }
}
