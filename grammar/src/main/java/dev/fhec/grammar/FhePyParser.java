package dev.fhec.grammar;

import dev.fhec.grammar.ast.Module;
import dev.fhec.grammar.internal.ParseDriver;

/**
 * Parses fhec's Python-like language into {@link Module} AST records with source spans. This and
 * the {@code ast} package are the grammar module's whole public API; ANTLR types stay inside.
 *
 * <p>Example: {@code FhePyParser.parse(Files.readString(path), path.toString())}.
 */
public final class FhePyParser {
  /** Most errors reported for one file; parsing stops after that many. */
  public static final int MAX_ERRORS = 20;

  private FhePyParser() {}

  /**
   * Parses {@code source}.
   *
   * @param source the whole file
   * @param fileName the name used in spans and messages
   * @return the module's AST
   * @throws FhePySyntaxException with every syntax error found (at most {@link #MAX_ERRORS})
   */
  public static Module parse(String source, String fileName) {
    return ParseDriver.parse(source, fileName, MAX_ERRORS);
  }
}
