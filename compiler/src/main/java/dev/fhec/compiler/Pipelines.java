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

  /** fuse → bounds → (round) → widths. */
  public static List<Pass> defaultPipeline(CompileOptions options) {
    List<Pass> passes = new ArrayList<>();
    passes.add(Passes.FUSE_TABLE_LOOKUPS);
    passes.add(Passes.MEASURE_BOUNDS);
    if (options.roundTo().isPresent()) {
      passes.add(Passes.ROUND_TABLE_INPUTS);
    }
    passes.add(Passes.ASSIGN_BIT_WIDTHS);
    return List.copyOf(passes);
  }
}
