package dev.fhec.compiler;

import dev.fhec.compiler.passes.Pass;
import dev.fhec.compiler.passes.Passes;
import java.util.ArrayList;
import java.util.List;

/**
 * The pass pipelines, as readable straight lists (like Concrete's {@code Converter.process} and
 * HEIR's pipeline functions). Lowering to a circuit and parameter optimization follow them in
 * {@link Fhec#compile}.
 */
public final class Pipelines {
  private Pipelines() {}

  /**
   * fuse → (cse → compose → cse, unless {@code optimizeLookups} is off) → bounds → (round → bounds)
   * → widths.
   */
  public static List<Pass> defaultPipeline(CompileOptions options) {
    List<Pass> passes = new ArrayList<>();
    passes.add(Passes.FUSE_TABLE_LOOKUPS);
    if (options.optimizeLookups()) {
      passes.add(Passes.ELIMINATE_COMMON_SUBEXPRESSIONS);
      passes.add(Passes.COMPOSE_TABLE_LOOKUPS);
      // Composing moves data onto the same inputs from several consumers: merge the copies.
      passes.add(Passes.ELIMINATE_COMMON_SUBEXPRESSIONS);
    }
    passes.add(Passes.MEASURE_BOUNDS);
    if (options.roundTo().isPresent()) {
      passes.add(Passes.ROUND_TABLE_INPUTS);
      // Rounding changes values (a rounded-up input can map past the old range): measure again.
      passes.add(Passes.MEASURE_BOUNDS);
    }
    passes.add(Passes.ASSIGN_BIT_WIDTHS);
    return List.copyOf(passes);
  }
}
