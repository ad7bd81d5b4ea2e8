package dev.fhec.compiler.passes;

import dev.fhec.compiler.ir.Program;
import java.util.Set;

/**
 * One rewriting or analysis step over a {@link Program}. Passes are stateless singletons; options
 * travel in the {@link PassContext}. The pass manager checks {@link #requires()} before running a
 * pass, records {@link #establishes()} after it, and runs the verifier in between.
 */
public interface Pass {
  /** Kebab-case flag name, e.g. {@code assign-bit-widths}. */
  String name();

  Set<Property> requires();

  Set<Property> establishes();

  Program run(Program program, PassContext context);

  /** Facts about a program that passes establish and later passes rely on. */
  enum Property {
    /** No float values remain: every float chain became a table lookup. */
    FUSED,
    /** Every integer node has bounds. */
    BOUNDED,
    /** Every integer node has an assigned width. */
    WIDTHS_ASSIGNED,
    /** No table-lookup input exceeds the rounding limit. */
    ROUNDED
  }
}
