package dev.fhec.compiler.lowering;

import dev.fhec.compiler.optimizer.PartitionedParameters;

/**
 * The outcome of a cost-driven lowering choice ({@link ManyLookups#choose}, {@link
 * HalvingLookups#choose}): the circuit kept, the optimizer's plan for it, and the report's account
 * of what was compared.
 */
public record LoweringChoice(
    LoweredCircuit lowered, PartitionedParameters parameters, String account) {}
