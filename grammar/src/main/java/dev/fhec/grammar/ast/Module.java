package dev.fhec.grammar.ast;

import java.util.List;
import java.util.Objects;

/**
 * A parsed source file: its top-level statements (imports, constant loads, function definitions).
 *
 * @param file the file name given to the parser, used in every span
 * @param source the full source text, kept so later diagnostics can quote the offending line
 * @param body the top-level statements in order
 */
public record Module(String file, String source, List<Stmt> body) {
  public Module {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(source, "source");
    body = List.copyOf(body);
  }
}
