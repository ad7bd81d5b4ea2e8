package dev.fhec.grammar.ast;

/** Prefix operators. */
public enum UnaryOp {
  NEG,
  PLUS
}
