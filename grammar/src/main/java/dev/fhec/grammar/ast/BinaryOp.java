package dev.fhec.grammar.ast;

/** Binary operators, with their Python spelling. */
public enum BinaryOp {
  ADD("+"),
  SUB("-"),
  MUL("*"),
  DIV("/"),
  FLOOR_DIV("//"),
  MOD("%"),
  POW("**"),
  MATMUL("@");

  private final String symbol;

  BinaryOp(String symbol) {
    this.symbol = symbol;
  }

  /** The operator as written in source. */
  public String symbol() {
    return symbol;
  }
}
