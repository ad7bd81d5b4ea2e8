package dev.fhec.compiler.diag;

import java.util.List;

/**
 * Thrown when a program cannot be compiled: carries every {@link Diagnostic} found, each with a
 * {@link dev.fhec.compiler.ir.Location} that points at the user's source. Unchecked, because
 * frontends and passes report from deep inside recursive code and lambdas; the CLI maps it to exit
 * code 1.
 */
public final class CompileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<Diagnostic> diagnostics;
  private final String rendered;

  /** With the diagnostics' own one-line rendering as message. */
  public CompileException(List<Diagnostic> diagnostics) {
    this(diagnostics, null);
  }

  /**
   * With a pre-rendered message (for example annotated IR from {@link DiagnosticRenderer}); {@code
   * null} renders the diagnostics one per line.
   */
  public CompileException(List<Diagnostic> diagnostics, String rendered) {
    super(rendered != null ? rendered : join(diagnostics));
    if (diagnostics.isEmpty()) {
      throw new IllegalArgumentException("a CompileException needs at least one diagnostic");
    }
    this.diagnostics = List.copyOf(diagnostics);
    this.rendered = getMessage();
  }

  /** A single error. */
  public CompileException(Diagnostic diagnostic) {
    this(List.of(diagnostic));
  }

  public List<Diagnostic> diagnostics() {
    return diagnostics;
  }

  /** The first diagnostic (there is always one). */
  public Diagnostic first() {
    return diagnostics.get(0);
  }

  /** The message as shown to users. */
  public String rendered() {
    return rendered;
  }

  private static String join(List<Diagnostic> diagnostics) {
    StringBuilder sb = new StringBuilder();
    for (Diagnostic d : diagnostics) {
      sb.append(sb.isEmpty() ? "" : "\n").append(d);
    }
    return sb.toString();
  }
}
