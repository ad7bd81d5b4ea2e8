package dev.fhec.runtime.params;

/**
 * The noise model of the atomic pattern dot(ν) → keyswitch → modulus switch → blind rotation, as
 * variances normalized to the torus (absolute variance divided by q², q = 2^64).
 *
 * <p>Why it exists: the parameter optimizer, the compile report and the simulator's error injection
 * all need the same prediction of how likely a table lookup is to return a wrong box. Keeping the
 * formulas in one place, in the runtime, lets a server check a circuit's claimed error probability
 * against the parameters it actually loads.
 *
 * <p>The unqualified methods are Concrete's formulas, used by concrete-optimizer (Bergerat et al.,
 * "Parameter Optimization and Larger Precision for (T)FHE", J. Cryptology 36, 2023, ePrint
 * 2022/704; {@code concrete:backends/concrete-cpu/noise-model/src/gaussian_noise/noise/*.rs}):
 * binary keys with Var(s) = 1/4 and E[s]² = 1/4. They reproduce the p_error column of Concrete's v0
 * reference table. The nested {@link TfheRs} class holds the tfhe-rs variants of the same
 * quantities ({@code tfhe-rs:tfhe/src/core_crypto/commons/noise_formulas/*.rs}) where they differ.
 *
 * <p>Failure model (one padding bit on each side of the message): a p-bit lookup fails when the
 * noise at the blind-rotation input exceeds 2^{−(p+2)} of the torus, so for a total variance V the
 * failure probability is erfc(2^{−(p+2)} / √(2V)).
 */
public final class NoiseModel {
  /** log2 of the ciphertext modulus. */
  public static final int LOG2_Q = 64;

  /** q² = 2^128, the normalization of every variance below. */
  static final double Q2 = 0x1p128;

  /** Mantissa bits of the f64 FFT (Concrete's fft_precision). */
  public static final int FFT_MANTISSA_BITS = 53;

  private static final double VAR_S = 0.25;
  private static final double MEAN_S_SQUARED = 0.25;

  /** Concrete's fitted FFT error constant 2^−2.57722494 (external_product_glwe.rs). */
  private static final double CONCRETE_FFT_CONSTANT = Math.pow(2.0, -2.57722494);

  private NoiseModel() {}

  /** The minimal variance for 128-bit security at this dimension ({@link SecurityCurve}). */
  public static double secureVariance(int dimension) {
    double s = SecurityCurve.minStd(dimension);
    return s * s;
  }

  /**
   * Variance of a fresh encryption under the big key of dimension k·N at the 128-bit curve: the
   * noise every circuit input carries before its first lookup.
   */
  public static double freshBigKeyVariance(int glweDimension, int polynomialSize) {
    return secureVariance(glweDimension * polynomialSize);
  }

  /**
   * Keyswitch from dimension {@code inputDimension} (= k·N) to n, with a KSK of variance {@code
   * kskVariance} (the secure variance at n) and decomposition 2^baseLog × levels: V_KS = n_in·[
   * (1/(12B^{2ℓ}) − 1/(12q²))·(Var_s + E_s²) + Var_s/(4q²) + ℓ·σ²_ksk·(B² + 2)/12 ].
   */
  public static double keyswitch(int inputDimension, int baseLog, int levels, double kskVariance) {
    double b2 = Math.scalb(1.0, 2 * baseLog);
    double b2l = Math.scalb(1.0, 2 * baseLog * levels);
    double truncation = (1.0 / (12.0 * b2l) - 1.0 / (12.0 * Q2)) * (VAR_S + MEAN_S_SQUARED);
    double keyTerm = levels * kskVariance * (b2 + 2.0) / 12.0;
    return inputDimension * (truncation + VAR_S / (4.0 * Q2) + keyTerm);
  }

  /** Largest base log × levels of a 32-bit keyswitch (its digits must fit the 2^32 output). */
  public static final int KEYSWITCH32_MAX_BITS = 32;

  /** Variance of rounding a uniform 64-bit torus value to 32 bits: (2^−64 − 2^−128)/12. */
  public static final double ROUNDING_TO_32 = (0x1p-64 - 0x1p-128) / 12.0;

  /** Whether a keyswitch of decomposition 2^baseLog × levels may run on 32 bits. */
  public static boolean fitsKeyswitch32(int baseLog, int levels) {
    return baseLog * levels <= KEYSWITCH32_MAX_BITS;
  }

  /**
   * Variance of one entry of the 32-bit key (the 64-bit key rounded entrywise to 2^32) encrypting
   * under a binary key of dimension {@code outputDimension}: σ² + (1 + n·E[s²])·Var(δ), with E[s²]
   * = 1/2 and Var(δ) = {@link #ROUNDING_TO_32} (the body's and the n mask entries' roundings).
   */
  public static double roundedKeyswitchKeyVariance(int outputDimension, double kskVariance) {
    return kskVariance + (1.0 + 0.5 * outputDimension) * ROUNDING_TO_32;
  }

  /**
   * The 32-bit keyswitch (output and key modulo 2^32, tfhe-rs's "KS32"; derivation in
   * bench/RESULTS.md "32-bit keyswitch (KS32)"): {@link #keyswitch} with the rounded key's variance
   * ({@link #roundedKeyswitchKeyVariance}; same digits, as the input stays modulo 2^64) plus the
   * body's rounding to 2^32, the term by which tfhe-rs's formula with distinct input and output
   * moduli differs from its one-modulus form ({@code
   * tfhe-rs:tfhe/src/core_crypto/commons/noise_formulas/lwe_keyswitch.rs}: −1/(12 q_in²) + 1/(12
   * q_out²)).
   */
  public static double keyswitch32(
      int inputDimension, int outputDimension, int baseLog, int levels, double kskVariance) {
    return keyswitch(
            inputDimension,
            baseLog,
            levels,
            roundedKeyswitchKeyVariance(outputDimension, kskVariance))
        + ROUNDING_TO_32;
  }

  /**
   * The modulus switch from 2^32 to 2N that follows a 32-bit keyswitch: {@link #modulusSwitch} with
   * q = 2^32, (1/12 + n/24)/(2N)² + (n/48 − 1/12)/2^64. Larger than the 64-bit one for n ≥ 5, so it
   * also bounds a plan's 64-bit keyswitches.
   */
  public static double modulusSwitch32(int lweDimension, int polynomialSize) {
    double twoN = 2.0 * polynomialSize;
    return (1.0 / 12.0 + lweDimension / 24.0) / (twoN * twoN)
        + (lweDimension / 48.0 - 1.0 / 12.0) * 0x1p-64;
  }

  /**
   * Modulus switch of an n-dimensional LWE ciphertext from q to 2N: V_MS = (1/12 + n/24)/(2N)² +
   * (−1/12 + n/48)/q².
   */
  public static double modulusSwitch(int lweDimension, int polynomialSize) {
    double twoN = 2.0 * polynomialSize;
    return (1.0 / 12.0 + lweDimension / 24.0) / (twoN * twoN)
        + (-1.0 / 12.0 + lweDimension / 48.0) / Q2;
  }

  /**
   * Concrete's FFT error of one external product: 2^−2.57722494 · 2^{2(64−53)} · ℓ·B²·N²·(k+1) /
   * q².
   */
  public static double fft(int glweDimension, int polynomialSize, int baseLog, int levels) {
    double n = polynomialSize;
    return CONCRETE_FFT_CONSTANT
        * Math.scalb(1.0, 2 * (LOG2_Q - FFT_MANTISSA_BITS))
        * levels
        * Math.scalb(1.0, 2 * baseLog)
        * n
        * n
        * (glweDimension + 1)
        / Q2;
  }

  /**
   * Variance added by one external product (CMux) with a GGSW of variance {@code bskVariance} (the
   * secure variance at k·N): key term ℓ(k+1)N(B² + 2)/12·σ²_bsk, decomposition term (1/(24 B^{2ℓ})
   * − 1/(24q²))·(1 + kN(Var_s + E_s²)), the rounding terms kN/8·Var_s/q² + (1 − kN)²·E_s²/ (16q²),
   * plus {@link #fft}.
   */
  public static double cmux(
      int glweDimension, int polynomialSize, int baseLog, int levels, double bskVariance) {
    double kn = (double) glweDimension * polynomialSize;
    double b2 = Math.scalb(1.0, 2 * baseLog);
    double b2l = Math.scalb(1.0, 2 * baseLog * levels);
    double keyTerm = levels * (glweDimension + 1) * (double) polynomialSize * (b2 + 2.0) / 12.0;
    double decomposition =
        (1.0 / (24.0 * b2l) - 1.0 / (24.0 * Q2)) * (1.0 + kn * (VAR_S + MEAN_S_SQUARED));
    double rounding =
        kn / 8.0 * VAR_S / Q2 + (1.0 - kn) * (1.0 - kn) * MEAN_S_SQUARED / (16.0 * Q2);
    return keyTerm * bskVariance
        + decomposition
        + rounding
        + fft(glweDimension, polynomialSize, baseLog, levels);
  }

  /**
   * Blind rotation over n key bits: V_BR = n·V_cmux. It does not depend on the input noise and is
   * also the variance of a PBS output (sample extraction adds none).
   */
  public static double blindRotation(
      int lweDimension,
      int glweDimension,
      int polynomialSize,
      int baseLog,
      int levels,
      double bskVariance) {
    return lweDimension * cmux(glweDimension, polynomialSize, baseLog, levels, bskVariance);
  }

  /** ν²·V_BR + V_KS + V_MS: the variance at the blind-rotation input of the next lookup. */
  public static double lookupInputVariance(
      double norm2Squared, double blindRotation, double keyswitch, double modulusSwitch) {
    return norm2Squared * blindRotation + keyswitch + modulusSwitch;
  }

  /** The three variances of one parameter set, with its own σs (secure or {@code TOY_}). */
  public record Breakdown(double blindRotation, double keyswitch, double modulusSwitch) {
    /** Total variance entering a lookup fed by a dot product of squared 2-norm ν². */
    public double lookupInput(double norm2Squared) {
      return lookupInputVariance(norm2Squared, blindRotation, keyswitch, modulusSwitch);
    }
  }

  /** Concrete's variances for {@code params}, using the σs stored in the set. */
  public static Breakdown breakdown(ParameterSet params) {
    double lweVar = params.lweNoiseStd() * params.lweNoiseStd();
    double glweVar = params.glweNoiseStd() * params.glweNoiseStd();
    return new Breakdown(
        blindRotation(
            params.n(),
            params.k(),
            params.bigN(),
            params.pbs().baseLog(),
            params.pbs().levels(),
            glweVar),
        keyswitch(params.bigLweDimension(), params.ks().baseLog(), params.ks().levels(), lweVar),
        modulusSwitch(params.n(), params.bigN()));
  }

  /**
   * The variances of {@code params} with its keyswitch on 32 bits ({@link #keyswitch32} and {@link
   * #modulusSwitch32}) where the decomposition allows, as {@link #breakdown} otherwise: what a
   * circuit whose plan marks the keyswitch 32-bit runs.
   */
  public static Breakdown breakdownAsCompiled(ParameterSet params) {
    Breakdown b = breakdown(params);
    if (!fitsKeyswitch32(params.ks().baseLog(), params.ks().levels())) {
      return b;
    }
    double lweVar = params.lweNoiseStd() * params.lweNoiseStd();
    return new Breakdown(
        b.blindRotation(),
        keyswitch32(
            params.bigLweDimension(),
            params.n(),
            params.ks().baseLog(),
            params.ks().levels(),
            lweVar),
        modulusSwitch32(params.n(), params.bigN()));
  }

  /**
   * Probability that a {@code precision}-bit lookup returns a wrong value when its blind-rotation
   * input has variance {@code totalVariance}: erfc(2^{−(p+2)}/√(2V)).
   */
  public static double errorProbability(int precision, double totalVariance) {
    requirePrecision(precision);
    if (!(totalVariance > 0)) {
      throw new IllegalArgumentException("variance must be positive, got " + totalVariance);
    }
    double halfBox = Math.scalb(1.0, -(precision + 2));
    return ErrorFunction.erfc(halfBox / Math.sqrt(2.0 * totalVariance));
  }

  /** Error probability of a p-bit lookup with squared norm ν² under {@code params}. */
  public static double errorProbability(ParameterSet params, int precision, double norm2Squared) {
    return errorProbability(precision, breakdown(params).lookupInput(norm2Squared));
  }

  /** κ = √2·erfc⁻¹(p_error): how many standard deviations fit in half a box. κ(6.334e−5) = 4. */
  public static double kappa(double pError) {
    if (!(pError > 0 && pError < 1)) {
      throw new IllegalArgumentException("p_error must be in (0, 1), got " + pError);
    }
    return Math.sqrt(2.0) * ErrorFunction.erfcInv(pError);
  }

  /**
   * The largest total variance a p-bit lookup tolerates at error {@code pError}: (2^{−(p+2)}/κ)².
   */
  public static double safeVariance(int precision, double pError) {
    requirePrecision(precision);
    double s = Math.scalb(1.0, -(precision + 2)) / kappa(pError);
    return s * s;
  }

  /**
   * The error probability of a whole circuit: 1 − Π(1 − pᵢ)^{countᵢ}, computed without
   * cancellation.
   */
  public static double globalErrorProbability(double[] perLookup, long[] counts) {
    if (perLookup.length != counts.length) {
      throw new IllegalArgumentException(
          "got " + perLookup.length + " probabilities for " + counts.length + " counts");
    }
    double logSurvival = 0.0;
    for (int i = 0; i < perLookup.length; i++) {
      if (!(perLookup[i] >= 0 && perLookup[i] <= 1) || counts[i] < 0) {
        throw new IllegalArgumentException(
            "lookup group " + i + ": p=" + perLookup[i] + " count=" + counts[i]);
      }
      logSurvival += counts[i] * Math.log1p(-perLookup[i]);
    }
    return 0.0 - Math.expm1(logSurvival); // 0.0 - x: no "-0.0" when nothing can fail
  }

  /** The per-lookup error that gives {@code global} over {@code count} independent lookups. */
  public static double perLookupErrorProbability(double global, long count) {
    if (!(global > 0 && global < 1) || count < 1) {
      throw new IllegalArgumentException("global p_error " + global + ", count " + count);
    }
    return -Math.expm1(Math.log1p(-global) / count);
  }

  private static void requirePrecision(int precision) {
    if (precision < 1 || precision > 60) {
      throw new IllegalArgumentException("precision must be 1..60 bits, got " + precision);
    }
  }

  /**
   * The tfhe-rs forms of the same quantities, where they differ from Concrete's ({@code
   * tfhe-rs:tfhe/src/core_crypto/commons/noise_formulas/}). Used to check fhec's runtime against
   * tfhe-rs's published failure probabilities and to model its centered modulus switch.
   */
  public static final class TfheRs {
    private TfheRs() {}

    /** Variance of T-uniform noise on [−2^b, 2^b] (endpoints half weight): (2^{2b+1} + 1)/6/q². */
    public static double tUniformVariance(int bound) {
      return (Math.scalb(1.0, 2 * bound + 1) + 1.0) / 6.0 / Q2;
    }

    /**
     * tfhe-rs's secure Gaussian variance (132-bit class, {@code secure_noise.rs}): 2^{4 − 128} +
     * 2^{5.31469187675068 − 0.0497829131652661·n}.
     */
    public static double secureGaussianVariance(int dimension) {
      return Math.scalb(1.0, 4 - 2 * LOG2_Q)
          + Math.pow(2.0, 5.31469187675068 - 0.0497829131652661 * dimension);
    }

    /**
     * Keyswitch (lwe_keyswitch.rs), same input and output modulus: ℓ·n_in·σ²_ksk·(B²/12 + 1/6) +
     * n_in·(1/(48q²) + 1/(24B^{2ℓ})).
     */
    public static double keyswitch(
        int inputDimension, int baseLog, int levels, double kskVariance) {
      double b2 = Math.scalb(1.0, 2 * baseLog);
      double b2l = Math.scalb(1.0, 2 * baseLog * levels);
      return levels * (double) inputDimension * kskVariance * (b2 / 12.0 + 1.0 / 6.0)
          + inputDimension * (1.0 / (48.0 * Q2) + 1.0 / (24.0 * b2l));
    }

    /** Standard modulus switch: n·(1/(48q²) + 1/(24(2N)²)) − 1/(12q²) + 1/(12(2N)²). */
    public static double modulusSwitch(int lweDimension, int polynomialSize) {
      double twoN2 = 4.0 * polynomialSize * (double) polynomialSize;
      return lweDimension * (1.0 / (48.0 * Q2) + 1.0 / (24.0 * twoN2))
          - 1.0 / (12.0 * Q2)
          + 1.0 / (12.0 * twoN2);
    }

    /** Centered-mean modulus switch (tfhe-rs v1 defaults): n·(1/(24q²) + 1/(48(2N)²)). */
    public static double modulusSwitchCenteredMean(int lweDimension, int polynomialSize) {
      double twoN2 = 4.0 * polynomialSize * (double) polynomialSize;
      return lweDimension * (1.0 / (24.0 * Q2) + 1.0 / (48.0 * twoN2));
    }

    /**
     * FFT error of one external product (lwe_programmable_bootstrap.rs): 0.00705·2^{2(64−53)}·B²/
     * q²·ℓ^1.01827·k^1.22003·N^2.22003·(k+1)^1.01827.
     */
    public static double fft(int glweDimension, int polynomialSize, int baseLog, int levels) {
      return 0.00705
          * Math.scalb(1.0, 2 * (LOG2_Q - FFT_MANTISSA_BITS) + 2 * baseLog)
          / Q2
          * Math.pow(levels, 1.01827)
          * Math.pow(glweDimension, 1.22003)
          * Math.pow(polynomialSize, 2.22003)
          * Math.pow(glweDimension + 1, 1.01827);
    }

    /**
     * External product: ℓ(k+1)N(B²/12 + 1/6)σ²_bsk + (kN/2)(1/(48q²) + 1/(24B^{2ℓ})) + 1/(24B^{2ℓ})
     * − 1/(24q²) + {@link #fft}.
     */
    public static double externalProduct(
        int glweDimension, int polynomialSize, int baseLog, int levels, double bskVariance) {
      double kn = (double) glweDimension * polynomialSize;
      double b2 = Math.scalb(1.0, 2 * baseLog);
      double b2l = Math.scalb(1.0, 2 * baseLog * levels);
      double key = levels * (glweDimension + 1) * (double) polynomialSize * (b2 / 12.0 + 1.0 / 6.0);
      double decomposition =
          0.5 * kn * (1.0 / (48.0 * Q2) + 1.0 / (24.0 * b2l))
              + 1.0 / (24.0 * b2l)
              - 1.0 / (24.0 * Q2);
      return key * bskVariance
          + decomposition
          + fft(glweDimension, polynomialSize, baseLog, levels);
    }

    /** n·{@link #externalProduct}. */
    public static double blindRotation(
        int lweDimension,
        int glweDimension,
        int polynomialSize,
        int baseLog,
        int levels,
        double bskVariance) {
      return lweDimension
          * externalProduct(glweDimension, polynomialSize, baseLog, levels, bskVariance);
    }
  }
}
