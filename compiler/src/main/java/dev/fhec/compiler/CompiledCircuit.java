package dev.fhec.compiler;

import dev.fhec.compiler.ir.Program;
import dev.fhec.compiler.optimizer.OptimizedParameters;
import dev.fhec.compiler.optimizer.PartitionedParameters;
import dev.fhec.compiler.stats.CompilationReport;
import dev.fhec.runtime.circuit.Circuit;
import java.util.List;
import java.util.Optional;

/**
 * The result of {@link Fhec#compile}: the analysed program, the executable circuit, and what to
 * tell the user about it.
 *
 * @param program the program after every pass (fused, bounded, widths assigned)
 * @param circuit the runtime circuit, parameters included
 * @param report statistics and the per-node table
 * @param optimization the single-parameter optimizer's choice, empty when parameters were fixed by
 *     the caller or the multi-parameter optimizer chose
 * @param partitioned the multi-parameter optimizer's choice (the default), empty otherwise
 * @param instructionOrigins for each circuit instruction, the program node it implements
 */
public record CompiledCircuit(
    Program program,
    Circuit circuit,
    CompilationReport report,
    Optional<OptimizedParameters> optimization,
    Optional<PartitionedParameters> partitioned,
    List<Integer> instructionOrigins) {
  public CompiledCircuit {
    instructionOrigins = List.copyOf(instructionOrigins);
  }

  /** "Circuit compiled with N bit-width" (compiler.md §5). */
  public String bitWidthLine() {
    return report.bitWidthLine();
  }

  /** Bootstraps per execution. */
  public long pbsCount() {
    return circuit.pbsCount();
  }
}
