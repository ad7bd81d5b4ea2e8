package dev.fhec.compiler.report;

import java.util.List;
import java.util.Objects;

/**
 * What the parameter optimizer says about its choice, for the "parameters and why" section of a
 * report. Filled by whoever chose the parameters; a fixed parameter set gives {@link #fixed}.
 *
 * @param cost the optimizer's cost of one execution (its unit: one cost-model operation), or NaN
 * @param pErrorPerPbs predicted error probability of one table lookup, or NaN
 * @param globalPError predicted error probability of the whole circuit, or NaN
 * @param target the error target the optimizer had to meet, e.g. "global p_error ≤ 1e-05"
 * @param reason one or two sentences: why this set and not a cheaper one
 * @param alternatives the next candidates and why each lost (may be empty)
 */
public record ParameterChoice(
    double cost,
    double pErrorPerPbs,
    double globalPError,
    String target,
    String reason,
    List<Candidate> alternatives) {

  public ParameterChoice {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(reason, "reason");
    alternatives = List.copyOf(alternatives);
  }

  /** A choice the optimizer did not make (parameters given by the user or a test). */
  public static ParameterChoice fixed(String reason) {
    return new ParameterChoice(Double.NaN, Double.NaN, Double.NaN, "none", reason, List.of());
  }

  /**
   * One candidate the optimizer considered.
   *
   * @param parameters the set's one-line description
   * @param cost its cost, or NaN
   * @param pErrorPerPbs its predicted per-PBS error probability, or NaN
   * @param verdict why it was rejected or ranked lower
   */
  public record Candidate(String parameters, double cost, double pErrorPerPbs, String verdict) {}
}
