package dev.fhec.compiler.diag;

import dev.fhec.compiler.ir.Location;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * One problem found while compiling: what is wrong, where in the user's source, and (when the
 * problem is about an IR value) which node, so it can be rendered as annotated IR with a {@code
 * ^^^^ message} marker under that node's line.
 *
 * @param severity how bad it is
 * @param message a sentence naming the offending values and what was expected
 * @param location where in the user's source (JSON pointer, source span, ONNX node, ...)
 * @param node the IR node id the problem is about, if any
 */
public record Diagnostic(Severity severity, String message, Location location, OptionalInt node) {
  public Diagnostic {
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(node, "node");
  }

  /** An error at a source location, not tied to an IR node. */
  public static Diagnostic error(String message, Location location) {
    return new Diagnostic(Severity.ERROR, message, location, OptionalInt.empty());
  }

  /** An error about IR node {@code node}. */
  public static Diagnostic error(String message, Location location, int node) {
    return new Diagnostic(Severity.ERROR, message, location, OptionalInt.of(node));
  }

  /** How serious a diagnostic is. */
  public enum Severity {
    ERROR,
    WARNING,
    NOTE
  }

  /** {@code <location>: error: <message>}. */
  @Override
  public String toString() {
    return location + ": " + severity.name().toLowerCase(java.util.Locale.ROOT) + ": " + message;
  }
}
