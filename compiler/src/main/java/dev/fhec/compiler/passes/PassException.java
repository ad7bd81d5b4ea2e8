package dev.fhec.compiler.passes;

import dev.fhec.compiler.ir.Node;

/**
 * A compilation error found by a pass, naming the pass, the offending node and its source location
 * so the user can find it.
 */
public final class PassException extends RuntimeException {
  private final String pass;
  private final int nodeId;

  public PassException(String pass, Node node, String message) {
    super(pass + ": %" + node.id() + " at " + node.location() + ": " + message);
    this.pass = pass;
    this.nodeId = node.id();
  }

  public String pass() {
    return pass;
  }

  public int nodeId() {
    return nodeId;
  }
}
