package dev.fhec.grammar.ast;

import java.util.List;
import java.util.Optional;

/**
 * Expressions of the language, close to Python's {@code ast} module so that readers who know Python
 * recognise them. What a call means (which numpy function, which annotation) is decided by the
 * compiler's frontend, not here.
 */
public sealed interface Expr {
  /** Where the expression is in the source. */
  Span span();

  /** A variable, module or function name. */
  record Name(String id, Span span) implements Expr {}

  /** An integer literal (decimal, hex or binary; underscores allowed). */
  record IntLiteral(long value, Span span) implements Expr {}

  /** A float literal. */
  record FloatLiteral(double value, Span span) implements Expr {}

  /** A string literal (adjacent literals are concatenated). */
  record StringLiteral(String value, Span span) implements Expr {}

  /** {@code True} or {@code False}. */
  record BoolLiteral(boolean value, Span span) implements Expr {}

  /** {@code None} (also numpy's {@code newaxis} in subscripts). */
  record NoneLiteral(Span span) implements Expr {}

  /** {@code ...} (numpy's "all remaining axes" in subscripts). */
  record EllipsisLiteral(Span span) implements Expr {}

  /** {@code -x} or {@code +x}. */
  record Unary(UnaryOp op, Expr operand, Span span) implements Expr {}

  /** Arithmetic and {@code @}. */
  record Binary(BinaryOp op, Expr left, Expr right, Span span) implements Expr {}

  /** One comparison (chains such as {@code a < b < c} are rejected by the parser). */
  record Compare(CompareOp op, Expr left, Expr right, Span span) implements Expr {}

  /** {@code function(args..., name=value...)}. */
  record Call(Expr function, List<Expr> args, List<Keyword> keywords, Span span) implements Expr {
    public Call {
      args = List.copyOf(args);
      keywords = List.copyOf(keywords);
    }
  }

  /** {@code value.name}. */
  record Attribute(Expr value, String name, Span span) implements Expr {}

  /** {@code value[i, j:k, ...]}; an index is any expression or a {@link Slice}. */
  record Subscript(Expr value, List<Expr> indices, Span span) implements Expr {
    public Subscript {
      indices = List.copyOf(indices);
    }
  }

  /** {@code lower:upper:step} inside a subscript; absent parts are empty. */
  record Slice(Optional<Expr> lower, Optional<Expr> upper, Optional<Expr> step, Span span)
      implements Expr {}

  /** {@code (a, b)} or a bare {@code a, b}. */
  record TupleExpr(List<Expr> elements, Span span) implements Expr {
    public TupleExpr {
      elements = List.copyOf(elements);
    }
  }

  /** {@code [a, b]}. */
  record ListExpr(List<Expr> elements, Span span) implements Expr {
    public ListExpr {
      elements = List.copyOf(elements);
    }
  }
}
