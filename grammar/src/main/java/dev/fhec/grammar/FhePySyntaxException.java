package dev.fhec.grammar;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown by {@link FhePyParser#parse} when the source does not parse. It carries every error found
 * (up to a bound), each located and rendered with its source line and a caret.
 */
public final class FhePySyntaxException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<Diagnostic> diagnostics;

  /** Creates the exception; the message is the rendered diagnostics, one block per error. */
  public FhePySyntaxException(List<Diagnostic> diagnostics, SourceText source) {
    super(render(diagnostics, source));
    this.diagnostics = List.copyOf(diagnostics);
  }

  /** The errors, in source order. */
  public List<Diagnostic> diagnostics() {
    return diagnostics;
  }

  private static String render(List<Diagnostic> diagnostics, SourceText source) {
    return diagnostics.stream().map(d -> d.render(source)).collect(Collectors.joining("\n"));
  }
}
