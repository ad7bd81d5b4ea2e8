package dev.fhec.compiler;

import dev.fhec.compiler.passes.AssignBitWidths;
import dev.fhec.compiler.passes.FuseTableLookups;
import dev.fhec.compiler.passes.MeasureBounds;
import dev.fhec.compiler.passes.Pass;
import dev.fhec.compiler.passes.RoundTableInputs;
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
    passes.add(new FuseTableLookups());
    passes.add(new MeasureBounds());
    if (options.roundTo().isPresent()) {
      passes.add(new RoundTableInputs());
    }
    passes.add(new AssignBitWidths());
    return List.copyOf(passes);
  }
}
