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

  private static final List<Pass> ALL = List.of(DEAD_CODE_ELIMINATION);

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
