package dev.fhec.pipeline;

import java.util.Locale;

/**
 * Per-node bit-widths of head 0 as {@link PerNodeHead} quantizes it: one width per lookup group
 * instead of the seed's one n_bits for every activation.
 *
 * @param inputBits the client's quantization of x (per-channel scales, folded into the weights)
 * @param weightBits the clear Q/K/V weights (per output column)
 * @param qkBits the Q and K requantization lookups (Q carries the 1/√d)
 * @param vBits the V requantization lookup
 * @param scoreBits the score requantization lookup (after Q·Kᵀ)
 * @param expBits the softmax numerators exp(s − max s), unnormalized
 * @param accKeep bits of the Q/K/V accumulators kept by rounding before their lookups (0: no
 *     rounding)
 * @param scoreKeep bits of the Q·Kᵀ accumulator kept before the score lookup (0: no rounding)
 * @param clipPercentile per-channel percentile of |x| on the calibration sentences that fixes each
 *     input channel's scale (100: the maximum)
 * @param nodeClip percentile of |Q|, |K| and |V| on the calibration sentences that fixes the range
 *     of their requantization lookups (100: the maximum; beyond it values saturate)
 * @param exactRounding how the two roundings are done: exact (one bootstrap per removed bit, the
 *     encrypted result equals the simulated one) or approximate (no bootstrap: the lookup reads the
 *     rounded bits, and a value within the noise of a tie rounds either way, so a decrypted output
 *     may differ from the simulated one; only for simulated sweeps, {@code PipelineMain encrypted}
 *     refuses it)
 */
public record HeadPlan(
    int inputBits,
    int weightBits,
    int qkBits,
    int vBits,
    int scoreBits,
    int expBits,
    int accKeep,
    int scoreKeep,
    double clipPercentile,
    double nodeClip,
    boolean exactRounding) {

  public HeadPlan {
    for (int b : new int[] {inputBits, weightBits, qkBits, vBits, scoreBits, expBits}) {
      if (b < 2 || b > 12) {
        throw new IllegalArgumentException("bit-widths must be in 2..12: " + this);
      }
    }
    if (accKeep < 0 || accKeep > 16 || scoreKeep < 0 || scoreKeep > 16) {
      throw new IllegalArgumentException("kept bits must be in 0..16: " + this);
    }
    if (!(clipPercentile > 0 && clipPercentile <= 100) || !(nodeClip > 0 && nodeClip <= 100)) {
      throw new IllegalArgumentException(
          "percentiles must be in (0, 100]: " + clipPercentile + ", " + nodeClip);
    }
  }

  /** A plan with approximate rounding and Q/K/V ranges at their maximum. */
  public HeadPlan(
      int inputBits,
      int weightBits,
      int qkBits,
      int vBits,
      int scoreBits,
      int expBits,
      int accKeep,
      int scoreKeep,
      double clipPercentile) {
    this(
        inputBits,
        weightBits,
        qkBits,
        vBits,
        scoreBits,
        expBits,
        accKeep,
        scoreKeep,
        clipPercentile,
        100,
        false);
  }

  /**
   * Every group at {@code n} bits, accumulators rounded to n + 2 bits, at most 9, before their
   * lookups (what keeps 7- and 8-bit heads under the 16-bit table limit and within the precision
   * that 128-bit parameters allow after the 8-bit weights' matmul: at its noise growth, nu = 2^9.9,
   * no 11-bit lookup has parameters), per-channel input scales at the max.
   */
  public static HeadPlan uniform(int n) {
    int keep = Math.min(n + 2, 9);
    return new HeadPlan(n, n, n, n, n, n, keep, keep, 100);
  }

  /** Whether the circuit rounds approximately anywhere (some bits kept, approximately). */
  public boolean approximate() {
    return !exactRounding && (accKeep > 0 || scoreKeep > 0);
  }

  /** This plan with exact ({@code true}) or approximate rounding. */
  public HeadPlan withExactRounding(boolean exact) {
    int[] v = fields();
    return new HeadPlan(
        v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], clipPercentile, nodeClip, exact);
  }

  /** The lookup groups the search varies, in the order {@link #with} takes. */
  public enum Group {
    WEIGHTS,
    QK,
    V,
    SCORES,
    EXP,
    ACC_ROUNDING,
    SCORE_ROUNDING
  }

  public int bits(Group g) {
    return switch (g) {
      case WEIGHTS -> weightBits;
      case QK -> qkBits;
      case V -> vBits;
      case SCORES -> scoreBits;
      case EXP -> expBits;
      case ACC_ROUNDING -> accKeep;
      case SCORE_ROUNDING -> scoreKeep;
    };
  }

  public HeadPlan with(Group g, int b) {
    int[] v = fields();
    v[1 + g.ordinal()] = b;
    return new HeadPlan(
        v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], clipPercentile, nodeClip, exactRounding);
  }

  /** The eight widths in label order: x, w, qk, v, s, e, acc, sacc. */
  private int[] fields() {
    return new int[] {inputBits, weightBits, qkBits, vBits, scoreBits, expBits, accKeep, scoreKeep};
  }

  /** This plan with Q/K/V ranges at the {@code p}-th percentile. */
  public HeadPlan withNodeClip(double p) {
    int[] v = fields();
    return new HeadPlan(
        v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], clipPercentile, p, exactRounding);
  }

  /** x4 w6 qk4 v5 s4 e4 acc6 sacc6 [p99.9] [n99] [exact]: one line for tables. */
  public String label() {
    return String.format(
        Locale.ROOT,
        "x%d w%d qk%d v%d s%d e%d acc%s sacc%s%s%s%s",
        inputBits,
        weightBits,
        qkBits,
        vBits,
        scoreBits,
        expBits,
        accKeep == 0 ? "-" : Integer.toString(accKeep),
        scoreKeep == 0 ? "-" : Integer.toString(scoreKeep),
        clipPercentile == 100 ? "" : " p" + clipPercentile,
        nodeClip == 100 ? "" : " n" + nodeClip,
        exactRounding ? " exact" : "");
  }

  /** The inverse of {@link #label()}; commas may separate the fields too. */
  public static HeadPlan parse(String label) {
    int[] v = new int[8];
    boolean[] seen = new boolean[8];
    double clip = 100;
    boolean exact = false;
    double node = 100;
    String[] keys = {"x", "w", "qk", "v", "s", "e", "acc", "sacc"};
    for (String t : label.trim().split("[ ,]+")) {
      if (t.equals("exact")) {
        exact = true;
        continue;
      }
      if (t.matches("n[0-9.]+")) {
        node = Double.parseDouble(t.substring(1));
        continue;
      }
      if (t.startsWith("p")) {
        clip = Double.parseDouble(t.substring(1));
        continue;
      }
      int i = 0;
      while (i < t.length() && Character.isLetter(t.charAt(i))) {
        i++;
      }
      String key = t.substring(0, i);
      int k = java.util.Arrays.asList(keys).indexOf(key);
      if (k < 0 || i == t.length()) {
        throw new IllegalArgumentException(
            "bad plan field '"
                + t
                + "' (expected x4 w6 qk4 v5 s4 e4 acc6 sacc6 [p99.9] [n99] [exact])");
      }
      String num = t.substring(i);
      v[k] = num.equals("-") ? 0 : Integer.parseInt(num);
      seen[k] = true;
    }
    for (int k = 0; k < keys.length; k++) {
      if (!seen[k]) {
        throw new IllegalArgumentException("plan '" + label + "' lacks " + keys[k] + "N");
      }
    }
    return new HeadPlan(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], clip, node, exact);
  }
}
