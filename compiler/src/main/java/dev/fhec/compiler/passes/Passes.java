package dev.fhec.compiler.passes;

import java.util.List;
import java.util.Optional;

/**
 * The catalogue of passes: one constant per pass, each a stateless singleton. Tools look passes up
 * by flag ({@code fhec opt --pass=<flag>}, golden files' {@code // RUN: <flag>}); every registered
 * pass has golden cases under {@code compiler/src/test/resources/passes/<flag>/}.
 */
public final class Passes {
  private Passes() {}

  /** Removes nodes no output depends on and renumbers the rest. */
  public static final Pass DEAD_CODE_ELIMINATION = new DeadCodeElimination();

  /** Turns single-value elementwise chains needing a bootstrap into one table lookup each. */
  public static final Pass FUSE_TABLE_LOOKUPS = new FuseTableLookups();

  /** Merges nodes computing the same op on the same operands (duplicated lookups). */
  public static final Pass ELIMINATE_COMMON_SUBEXPRESSIONS = new EliminateCommonSubexpressions();

  /** Absorbs a lookup that only feeds lookups (through leveled ops) into them: g ∘ … ∘ f. */
  public static final Pass COMPOSE_TABLE_LOOKUPS = new ComposeTableLookups();

  /** Value ranges: sound from the declared input ranges, calibrated where that does not fit. */
  public static final Pass MEASURE_BOUNDS = new MeasureBounds();

  /** Rounds wide table-lookup inputs to {@code --round-to} most significant bits. */
  public static final Pass ROUND_TABLE_INPUTS = new RoundTableInputs();

  /** Minimal encoding widths under the sharing rules; enforces the table-lookup limit. */
  public static final Pass ASSIGN_BIT_WIDTHS = new AssignBitWidths();

  /** ν² of every node and bootstrap input on the IR (analysis only). */
  public static final Pass COMPUTE_NORM2 = new ComputeNorm2();

  private static final List<Pass> ALL =
      List.of(
          DEAD_CODE_ELIMINATION,
          FUSE_TABLE_LOOKUPS,
          ELIMINATE_COMMON_SUBEXPRESSIONS,
          COMPOSE_TABLE_LOOKUPS,
          MEASURE_BOUNDS,
          ROUND_TABLE_INPUTS,
          ASSIGN_BIT_WIDTHS,
          COMPUTE_NORM2);

  /** Every registered pass, in declaration order. */
  public static List<Pass> all() {
    return ALL;
  }

  /** The pass whose {@link Pass#name()} is {@code flag}. */
  public static Optional<Pass> byName(String flag) {
    return ALL.stream().filter(p -> p.name().equals(flag)).findFirst();
  }

  /** Flags of every registered pass, for "unknown pass" messages. */
  public static List<String> names() {
    return ALL.stream().map(Pass::name).toList();
  }
}
