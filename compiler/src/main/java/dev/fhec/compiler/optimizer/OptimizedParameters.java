package dev.fhec.compiler.optimizer;

import dev.fhec.runtime.params.ParameterSet;
import java.util.List;

/**
 * The optimizer's choice and the evidence for it.
 *
 * @param parameters the chosen set, 128-bit secure, σs on the security curve
 * @param keyswitchComplexity Concrete complexity of one keyswitch k·N → n
 * @param bootstrapComplexity Concrete complexity of one bootstrap
 * @param complexity the circuit's objective: lookups·(KS + PBS) + leveled terms·k·N
 * @param groups the predicted error probability of each lookup group
 * @param globalPError 1 − Π(1 − pᵢ)^{countᵢ}
 * @param target the requested error target
 * @param bindingGroup index in {@code groups} of the tightest group (least noise margin)
 * @param marginBits how far, in bits of standard deviation, that group's noise is below its bound
 * @param runnerUpComplexity the cheapest feasible complexity with another (k, N); NaN if none
 * @param why a human-readable account: binding constraint, margin, noise shares, runner-up
 * @param searchNanos wall time of the search (not part of the choice)
 * @param outputs the predicted error probability of each output constraint
 * @param keyswitch32 whether the keyswitch runs on 32 bits ({@code KeyswitchSpec.bits32}): the
 *     predictions above then use {@code NoiseModel.keyswitch32} and {@code modulusSwitch32}
 */
public record OptimizedParameters(
    ParameterSet parameters,
    long keyswitchComplexity,
    long bootstrapComplexity,
    double complexity,
    List<GroupPrediction> groups,
    double globalPError,
    ErrorTarget target,
    int bindingGroup,
    double marginBits,
    double runnerUpComplexity,
    String why,
    long searchNanos,
    List<OutputPrediction> outputs,
    boolean keyswitch32) {

  public OptimizedParameters {
    groups = List.copyOf(groups);
    outputs = List.copyOf(outputs);
  }

  /** Complexity of one lookup (keyswitch + bootstrap). */
  public long lookupComplexity() {
    return keyswitchComplexity + bootstrapComplexity;
  }

  /** The largest per-lookup error probability among the groups and outputs. */
  public double maxPError() {
    return Math.max(
        groups.stream().mapToDouble(GroupPrediction::pError).max().orElse(0),
        outputs.stream().mapToDouble(OutputPrediction::pError).max().orElse(0));
  }

  /**
   * Prediction for one lookup group.
   *
   * @param group the lookups
   * @param variance ν²·V_BR + V_KS + V_MS at their blind-rotation input
   * @param pError probability that one of them returns a wrong value
   */
  public record GroupPrediction(LookupGroup group, double variance, double pError) {}

  /**
   * Prediction for one output constraint.
   *
   * @param output the constraint
   * @param variance its noise variance at decryption
   * @param pError probability that one of its elements decrypts wrong
   */
  public record OutputPrediction(OutputConstraint output, double variance, double pError) {}
}
