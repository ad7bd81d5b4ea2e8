package dev.fhec.runtime.params;

import java.util.Objects;

/**
 * One TFHE parameter set for the atomic pattern KS → PBS (inputs encrypted under the big GLWE key
 * of dimension k·N, keyswitched to n before each bootstrap).
 *
 * <p>Noise standard deviations are normalized to the torus (absolute σ divided by 2^64).
 *
 * @param name a stable identifier; names starting with {@code TOY_} mark insecure test-only sets
 * @param lweDimension n, the small key used by the blind rotation
 * @param glweDimension k
 * @param polynomialSize N
 * @param pbs the bootstrapping-key decomposition
 * @param ks the keyswitching-key decomposition
 * @param lweNoiseStd σ of fresh LWE encryptions under the small key (and of the KSK)
 * @param glweNoiseStd σ of GLWE encryptions (BSK, and fresh inputs under the big key)
 */
public record ParameterSet(
    String name,
    LweDimension lweDimension,
    GlweDimension glweDimension,
    PolynomialSize polynomialSize,
    Decomposition pbs,
    Decomposition ks,
    double lweNoiseStd,
    double glweNoiseStd) {

  /** Prefix of insecure parameter sets that only tests may use. */
  public static final String TOY_PREFIX = "TOY_";

  /** System property that test runs set to allow {@code TOY_} sets. */
  public static final String ALLOW_TOY_PROPERTY = "fhec.allowToyParameters";

  public ParameterSet {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(lweDimension, "lweDimension");
    Objects.requireNonNull(glweDimension, "glweDimension");
    Objects.requireNonNull(polynomialSize, "polynomialSize");
    Objects.requireNonNull(pbs, "pbs");
    Objects.requireNonNull(ks, "ks");
    if (!(lweNoiseStd > 0 && lweNoiseStd < 1) || !(glweNoiseStd > 0 && glweNoiseStd < 1)) {
      throw new IllegalArgumentException(
          "noise std must be in (0, 1), got lwe=" + lweNoiseStd + " glwe=" + glweNoiseStd);
    }
  }

  public int n() {
    return lweDimension.value();
  }

  public int k() {
    return glweDimension.value();
  }

  public int bigN() {
    return polynomialSize.value();
  }

  /** Dimension k·N of the big LWE key (the GLWE key flattened). */
  public int bigLweDimension() {
    return glweDimension.value() * polynomialSize.value();
  }

  public boolean isToy() {
    return name.startsWith(TOY_PREFIX);
  }

  /**
   * Throws unless this set is 128-bit secure by {@link SecurityCurve}, or is a {@code TOY_} set and
   * the JVM runs tests (system property {@value #ALLOW_TOY_PROPERTY} = true).
   */
  public ParameterSet requireUsable() {
    if (isToy()) {
      if (!Boolean.getBoolean(ALLOW_TOY_PROPERTY)) {
        throw new InsecureParametersException(
            "parameter set "
                + name
                + " is an insecure TOY_ set for tests only; it refuses to run outside tests");
      }
      return this;
    }
    SecurityCurve.requireSecure(this);
    return this;
  }

  /** A 64-bit fingerprint of the parameters, stored in key and ciphertext files. */
  public long fingerprint() {
    long h = 0xcbf29ce484222325L;
    long[] fields = {
      n(),
      k(),
      bigN(),
      pbs.baseLog(),
      pbs.levels(),
      ks.baseLog(),
      ks.levels(),
      Double.doubleToLongBits(lweNoiseStd),
      Double.doubleToLongBits(glweNoiseStd)
    };
    for (long f : fields) {
      for (int i = 0; i < 8; i++) {
        h ^= (f >>> (8 * i)) & 0xff;
        h *= 0x100000001b3L;
      }
    }
    return h;
  }

  @Override
  public String toString() {
    return String.format(
        "%s(n=%d, k=%d, N=%d, pbs=%s, ks=%s, σlwe=2^%.2f, σglwe=2^%.2f)",
        name,
        n(),
        k(),
        bigN(),
        pbs,
        ks,
        Math.log(lweNoiseStd) / Math.log(2),
        Math.log(glweNoiseStd) / Math.log(2));
  }
}
