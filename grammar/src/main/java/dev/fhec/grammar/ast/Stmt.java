package dev.fhec.grammar.ast;

import java.util.List;
import java.util.Optional;

/** Statements of the language. Function definitions are statements, as in Python. */
public sealed interface Stmt {
  /** Where the statement is in the source. */
  Span span();

  /**
   * {@code t1 = t2 = value}; each target is a name or a (possibly nested) tuple/list of names, or
   * another expression the frontend rejects with a located error.
   */
  record Assign(List<Expr> targets, Expr value, Span span) implements Stmt {
    public Assign {
      targets = List.copyOf(targets);
    }
  }

  /** {@code target op= value}. */
  record AugAssign(Expr target, BinaryOp op, Expr value, Span span) implements Stmt {}

  /** An expression on its own line (docstrings are string-literal expression statements). */
  record ExprStmt(Expr value, Span span) implements Stmt {}

  /** {@code return} with an optional value (a tuple for several results). */
  record Return(Optional<Expr> value, Span span) implements Stmt {}

  /** {@code for target in iterable:} with its body. */
  record For(Expr target, Expr iterable, List<Stmt> body, Span span) implements Stmt {
    public For {
      body = List.copyOf(body);
    }
  }

  /**
   * {@code if condition: body else: orElse}; an {@code elif} chain is a nested {@code If} as the
   * only statement of {@code orElse}.
   */
  record If(Expr condition, List<Stmt> body, List<Stmt> orElse, Span span) implements Stmt {
    public If {
      body = List.copyOf(body);
      orElse = List.copyOf(orElse);
    }
  }

  /** {@code while condition:} with its body. */
  record While(Expr condition, List<Stmt> body, Span span) implements Stmt {
    public While {
      body = List.copyOf(body);
    }
  }

  /** {@code pass}. */
  record Pass(Span span) implements Stmt {}

  /** {@code import a.b [as c]}. */
  record Import(String module, Optional<String> alias, Span span) implements Stmt {}

  /** {@code from a.b import c [as d], ...}. */
  record FromImport(String module, List<ImportAlias> names, Span span) implements Stmt {
    public FromImport {
      names = List.copyOf(names);
    }
  }

  /** {@code def name(params) [-> returns]:} with its body. */
  record FunctionDef(
      String name, List<Param> params, Optional<Expr> returns, List<Stmt> body, Span span)
      implements Stmt {
    public FunctionDef {
      params = List.copyOf(params);
      body = List.copyOf(body);
    }

    /** The docstring: the body's first statement when it is a string literal. */
    public Optional<String> docstring() {
      if (!body.isEmpty()
          && body.get(0) instanceof ExprStmt(Expr.StringLiteral(var text, var s), var st)) {
        return Optional.of(text);
      }
      return Optional.empty();
    }
  }
}
