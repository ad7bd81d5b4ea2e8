package dev.fhec.grammar;

import dev.fhec.grammar.ast.Span;
import java.util.Objects;

/**
 * One located problem in a source file: a syntax error from the parser or a semantic error from the
 * compiler's frontend. {@link #render(SourceText)} gives the user-facing form:
 *
 * <pre>
 * model.fhe:3:12: expected ':' but found end of line
 *     def f(x)
 *             ^
 * </pre>
 *
 * @param span where the problem is
 * @param message what is wrong and, where possible, what was expected
 */
public record Diagnostic(Span span, String message) {
  public Diagnostic {
    Objects.requireNonNull(span, "span");
    Objects.requireNonNull(message, "message");
  }

  /** {@code file:line:col: message}, then the source line and a caret line under the span. */
  public String render(SourceText source) {
    StringBuilder sb = new StringBuilder();
    sb.append(span.file())
        .append(':')
        .append(span.line())
        .append(':')
        .append(span.col())
        .append(": ")
        .append(message);
    String line = source.line(span.line());
    if (line != null) {
      String shown = line.replace('\t', ' ');
      sb.append('\n').append("    ").append(shown).append('\n').append("    ");
      int start = Math.min(span.col() - 1, shown.length());
      int end = span.endLine() == span.line() ? span.endCol() - 1 : shown.length();
      end = Math.min(Math.max(end, start + 1), Math.max(shown.length(), start + 1));
      sb.append(" ".repeat(start)).append("^".repeat(end - start));
    }
    return sb.toString();
  }
}
