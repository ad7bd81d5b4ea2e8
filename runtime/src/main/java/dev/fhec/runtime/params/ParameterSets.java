package dev.fhec.runtime.params;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Named parameter sets for the KS → PBS atomic pattern.
 *
 * <ul>
 *   <li>{@code TOY_*}: insecure, tiny, for fast tests only ({@link ParameterSet#requireUsable()}
 *       refuses them outside test JVMs).
 *   <li>{@code CONCRETE_V0_P1..P8}: Concrete's v0 reference table at ν = 1, p_error 6.3e−5
 *       (concrete-optimizer {@code v0-parameters/ref/v0_last_128}, reference/compiler.md §8.7),
 *       with σ on the 128-bit {@link SecurityCurve} at n and at k·N.
 *   <li>{@code CONCRETE_DOCS_EXAMPLE}: the Concrete documentation's 2-bit example circuit
 *       (reference/tfhe.md §6.1).
 *   <li>{@code TFHE_RS_M*C*_GAUSSIAN_2M64}: tfhe-rs V1 classic Gaussian sets at p_fail 2^−64
 *       ({@code shortint/parameters/v1_0/classic/gaussian/p_fail_2_minus_64/ks_pbs.rs},
 *       reference/tfhe.md §6.7), σ as published (log2 of the normalized std). All four lie above
 *       Concrete's 128-bit curve, so no σ had to be raised (checked by ParameterSetsTest).
 * </ul>
 */
public final class ParameterSets {
  private ParameterSets() {}

  // ---- insecure test sets -------------------------------------------------------------------

  /** Tiny set for up to 4-bit lookups; negligible noise. */
  public static final ParameterSet TOY_N256 =
      toy("TOY_N256", 10, 1, 256, 18, 1, 4, 4, Math.pow(2, -30), Math.pow(2, -45));

  /** Tiny set with N = 512 for up to 6-bit lookups. */
  public static final ParameterSet TOY_N512 =
      toy("TOY_N512", 10, 1, 512, 18, 1, 4, 4, Math.pow(2, -30), Math.pow(2, -45));

  /**
   * Tiny set for 7-bit lookups behind deep leveled sums (large ν²): N = 2048 quarters the modulus
   * switch noise of TOY_N512, and two PBS levels of 2^12 shrink the blind-rotation term that ν²
   * multiplies (NoiseModel: p_fail ≈ 1e-28 for a 7-bit lookup at ν² = 16).
   */
  public static final ParameterSet TOY_N2048 =
      toy("TOY_N2048", 10, 1, 2048, 12, 2, 3, 6, Math.pow(2, -30), Math.pow(2, -45));

  /** Tiny set with k = 2 and two decomposition levels (exercises k > 1, ℓ > 1). */
  public static final ParameterSet TOY_K2_L2 =
      toy("TOY_K2_L2", 12, 2, 128, 9, 2, 3, 5, Math.pow(2, -30), Math.pow(2, -45));

  /**
   * A deliberately noisy set: 3-bit lookups fail with a probability of about 5% (keyswitch noise
   * dominates), so failure-rate predictions can be checked by counting.
   */
  public static final ParameterSet TOY_NOISY =
      toy("TOY_NOISY", 32, 1, 256, 18, 1, 4, 4, Math.pow(2, -13.2), Math.pow(2, -45));

  /**
   * A set whose blind-rotation noise is large and dominated by the BSK key term (σ_glwe 2^−30, B =
   * 2^10, ℓ = 2), so the PBS output variance can be measured against the formula.
   */
  public static final ParameterSet TOY_NOISY_BSK =
      toy("TOY_NOISY_BSK", 32, 1, 512, 10, 2, 4, 4, Math.pow(2, -30), Math.pow(2, -30));

  // ---- Concrete v0 reference table, ν = 1 ---------------------------------------------------

  public static final ParameterSet CONCRETE_V0_P1 =
      onCurve("CONCRETE_V0_P1", 592, 5, 256, 15, 1, 3, 3);
  public static final ParameterSet CONCRETE_V0_P2 =
      onCurve("CONCRETE_V0_P2", 700, 5, 256, 15, 1, 4, 3);
  public static final ParameterSet CONCRETE_V0_P3 =
      onCurve("CONCRETE_V0_P3", 722, 3, 512, 18, 1, 4, 3);
  public static final ParameterSet CONCRETE_V0_P4 =
      onCurve("CONCRETE_V0_P4", 801, 2, 1024, 23, 1, 4, 3);
  public static final ParameterSet CONCRETE_V0_P5 =
      onCurve("CONCRETE_V0_P5", 783, 1, 2048, 23, 1, 3, 5);
  public static final ParameterSet CONCRETE_V0_P6 =
      onCurve("CONCRETE_V0_P6", 880, 1, 4096, 22, 1, 4, 4);
  public static final ParameterSet CONCRETE_V0_P7 =
      onCurve("CONCRETE_V0_P7", 915, 1, 8192, 22, 1, 3, 6);
  public static final ParameterSet CONCRETE_V0_P8 =
      onCurve("CONCRETE_V0_P8", 1006, 1, 16384, 15, 2, 4, 5);

  /**
   * Concrete docs example {@code (x**2)+(2*x)+4} on 2 bits: n=781, k=1, N=2048, 2^23×1, KS 2^3×5.
   */
  public static final ParameterSet CONCRETE_DOCS_EXAMPLE =
      onCurve("CONCRETE_DOCS_EXAMPLE", 781, 1, 2048, 23, 1, 3, 5);

  // ---- tfhe-rs V1 Gaussian, p_fail 2^−64 ----------------------------------------------------

  public static final ParameterSet TFHE_RS_M1C1_GAUSSIAN_2M64 =
      published("TFHE_RS_M1C1_GAUSSIAN_2M64", 781, 4, 512, 23, 1, 4, 3, -16.78, -48.32);
  public static final ParameterSet TFHE_RS_M2C2_GAUSSIAN_2M64 =
      published("TFHE_RS_M2C2_GAUSSIAN_2M64", 833, 1, 2048, 23, 1, 3, 5, -18.08, -48.32);
  public static final ParameterSet TFHE_RS_M3C3_GAUSSIAN_2M64 =
      published("TFHE_RS_M3C3_GAUSSIAN_2M64", 977, 1, 8192, 15, 2, 3, 6, -21.66, -62);
  public static final ParameterSet TFHE_RS_M4C4_GAUSSIAN_2M64 =
      published("TFHE_RS_M4C4_GAUSSIAN_2M64", 1110, 1, 32768, 11, 3, 2, 11, -24.97, -62);

  /** Concrete v0 set for p message bits at ν = 1 (p in 1..8). */
  public static ParameterSet concreteV0(int precision) {
    return switch (precision) {
      case 1 -> CONCRETE_V0_P1;
      case 2 -> CONCRETE_V0_P2;
      case 3 -> CONCRETE_V0_P3;
      case 4 -> CONCRETE_V0_P4;
      case 5 -> CONCRETE_V0_P5;
      case 6 -> CONCRETE_V0_P6;
      case 7 -> CONCRETE_V0_P7;
      case 8 -> CONCRETE_V0_P8;
      default ->
          throw new IllegalArgumentException(
              "Concrete v0 reference sets exist for 1..8 bits, not " + precision);
    };
  }

  /** Every named set, by name, in declaration order. */
  public static Map<String, ParameterSet> all() {
    Map<String, ParameterSet> m = new LinkedHashMap<>();
    for (ParameterSet p :
        List.of(
            TOY_N256,
            TOY_N512,
            TOY_K2_L2,
            TOY_NOISY,
            TOY_NOISY_BSK,
            CONCRETE_V0_P1,
            CONCRETE_V0_P2,
            CONCRETE_V0_P3,
            CONCRETE_V0_P4,
            CONCRETE_V0_P5,
            CONCRETE_V0_P6,
            CONCRETE_V0_P7,
            CONCRETE_V0_P8,
            CONCRETE_DOCS_EXAMPLE,
            TFHE_RS_M1C1_GAUSSIAN_2M64,
            TFHE_RS_M2C2_GAUSSIAN_2M64,
            TFHE_RS_M3C3_GAUSSIAN_2M64,
            TFHE_RS_M4C4_GAUSSIAN_2M64)) {
      m.put(p.name(), p);
    }
    return m;
  }

  /** The named set, if any. */
  public static Optional<ParameterSet> byName(String name) {
    return Optional.ofNullable(all().get(name));
  }

  private static ParameterSet toy(
      String name,
      int n,
      int k,
      int bigN,
      int pbsBase,
      int pbsLevels,
      int ksBase,
      int ksLevels,
      double lweStd,
      double glweStd) {
    if (!name.startsWith(ParameterSet.TOY_PREFIX)) {
      throw new IllegalArgumentException("insecure set " + name + " must be named TOY_*");
    }
    return new ParameterSet(
        name,
        new LweDimension(n),
        new GlweDimension(k),
        new PolynomialSize(bigN),
        new Decomposition(pbsBase, pbsLevels),
        new Decomposition(ksBase, ksLevels),
        lweStd,
        glweStd);
  }

  private static ParameterSet onCurve(
      String name, int n, int k, int bigN, int pbsBase, int pbsLevels, int ksBase, int ksLevels) {
    return new ParameterSet(
        name,
        new LweDimension(n),
        new GlweDimension(k),
        new PolynomialSize(bigN),
        new Decomposition(pbsBase, pbsLevels),
        new Decomposition(ksBase, ksLevels),
        SecurityCurve.minStd(n),
        SecurityCurve.minStd(k * bigN));
  }

  private static ParameterSet published(
      String name,
      int n,
      int k,
      int bigN,
      int pbsBase,
      int pbsLevels,
      int ksBase,
      int ksLevels,
      double log2LweStd,
      double log2GlweStd) {
    return new ParameterSet(
        name,
        new LweDimension(n),
        new GlweDimension(k),
        new PolynomialSize(bigN),
        new Decomposition(pbsBase, pbsLevels),
        new Decomposition(ksBase, ksLevels),
        Math.pow(2, log2LweStd),
        Math.pow(2, log2GlweStd));
  }
}
