package dev.fhec.compiler.passes;

import dev.fhec.compiler.diag.CompileException;
import dev.fhec.compiler.diag.Diagnostic;
import dev.fhec.compiler.ir.Node;

/** Builds the located {@link CompileException} a pass throws about one node. */
public final class PassErrors {
  private PassErrors() {}

  /** "{@code <pass>: %id: message}" at the node's source location. */
  public static CompileException at(String pass, Node node, String message) {
    return new CompileException(
        Diagnostic.error(pass + ": %" + node.id() + ": " + message, node.location(), node.id()));
  }
}
