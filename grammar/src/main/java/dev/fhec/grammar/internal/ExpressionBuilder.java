package dev.fhec.grammar.internal;

import dev.fhec.grammar.ast.BinaryOp;
import dev.fhec.grammar.ast.CompareOp;
import dev.fhec.grammar.ast.Expr;
import dev.fhec.grammar.ast.Keyword;
import dev.fhec.grammar.ast.Span;
import dev.fhec.grammar.ast.UnaryOp;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.TerminalNode;

/** Builds {@link Expr} records from expression parse trees. */
final class ExpressionBuilder extends FhePyGrammarBaseVisitor<Expr> {
  private final Spans spans;
  private final ErrorCollector errors;

  ExpressionBuilder(Spans spans, ErrorCollector errors) {
    this.spans = spans;
    this.errors = errors;
  }

  /** A bare {@code a, b} list: a tuple when it has a comma, else the single expression. */
  Expr testlist(FhePyGrammarParser.TestlistContext ctx) {
    if (ctx.test().size() == 1 && ctx.COMMA().isEmpty()) {
      return visit(ctx.test(0));
    }
    return new Expr.TupleExpr(ctx.test().stream().map(this::visit).toList(), spans.of(ctx));
  }

  @Override
  public Expr visitTest(FhePyGrammarParser.TestContext ctx) {
    Expr left = visit(ctx.expr(0));
    if (ctx.comp_op().isEmpty()) {
      return left;
    }
    if (ctx.comp_op().size() > 1) {
      errors.add(
          spans.of(ctx),
          "chained comparisons such as a < b < c are not supported; compare two values at a time");
    }
    CompareOp op =
        switch (ctx.comp_op(0).getStart().getType()) {
          case FhePyGrammarParser.LT -> CompareOp.LT;
          case FhePyGrammarParser.LE -> CompareOp.LE;
          case FhePyGrammarParser.GT -> CompareOp.GT;
          case FhePyGrammarParser.GE -> CompareOp.GE;
          case FhePyGrammarParser.EQ -> CompareOp.EQ;
          default -> CompareOp.NE;
        };
    return new Expr.Compare(op, left, visit(ctx.expr(1)), spans.of(ctx));
  }

  @Override
  public Expr visitAtomExpr(FhePyGrammarParser.AtomExprContext ctx) {
    return visit(ctx.atom());
  }

  @Override
  public Expr visitCallExpr(FhePyGrammarParser.CallExprContext ctx) {
    List<Expr> args = new ArrayList<>();
    List<Keyword> keywords = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    if (ctx.arguments() != null) {
      for (FhePyGrammarParser.ArgumentContext a : ctx.arguments().argument()) {
        if (a instanceof FhePyGrammarParser.KeywordArgumentContext k) {
          String name = k.NAME().getText();
          if (!seen.add(name)) {
            errors.add(spans.of(k), "keyword argument '" + name + "' repeated");
          }
          keywords.add(new Keyword(name, visit(k.test()), spans.of(k)));
        } else if (a instanceof FhePyGrammarParser.PositionalArgumentContext p) {
          if (!keywords.isEmpty()) {
            errors.add(spans.of(p), "positional argument follows keyword argument");
          }
          args.add(visit(p.test()));
        }
      }
    }
    return new Expr.Call(visit(ctx.expr()), args, keywords, spans.of(ctx));
  }

  @Override
  public Expr visitSubscriptExpr(FhePyGrammarParser.SubscriptExprContext ctx) {
    List<Expr> indices = new ArrayList<>();
    for (FhePyGrammarParser.SubscriptContext s : ctx.subscripts().subscript()) {
      indices.add(subscript(s));
    }
    return new Expr.Subscript(visit(ctx.expr()), indices, spans.of(ctx));
  }

  private Expr subscript(FhePyGrammarParser.SubscriptContext s) {
    if (s instanceof FhePyGrammarParser.IndexSubscriptContext i) {
      return visit(i.test());
    }
    FhePyGrammarParser.SliceSubscriptContext sl = (FhePyGrammarParser.SliceSubscriptContext) s;
    // Parts are positioned relative to the colons: lower ':' upper [':' step].
    Optional<Expr> lower = Optional.empty();
    Optional<Expr> upper = Optional.empty();
    Optional<Expr> step = Optional.empty();
    int colonsSeen = 0;
    for (int i = 0; i < sl.getChildCount(); i++) {
      if (sl.getChild(i) instanceof TerminalNode) {
        colonsSeen++;
      } else if (sl.getChild(i) instanceof FhePyGrammarParser.TestContext t) {
        Optional<Expr> e = Optional.of(visit(t));
        switch (colonsSeen) {
          case 0 -> lower = e;
          case 1 -> upper = e;
          default -> step = e;
        }
      }
    }
    return new Expr.Slice(lower, upper, step, spans.of(sl));
  }

  @Override
  public Expr visitAttributeExpr(FhePyGrammarParser.AttributeExprContext ctx) {
    return new Expr.Attribute(visit(ctx.expr()), ctx.NAME().getText(), spans.of(ctx));
  }

  @Override
  public Expr visitPowerExpr(FhePyGrammarParser.PowerExprContext ctx) {
    return new Expr.Binary(BinaryOp.POW, visit(ctx.expr(0)), visit(ctx.expr(1)), spans.of(ctx));
  }

  @Override
  public Expr visitUnaryExpr(FhePyGrammarParser.UnaryExprContext ctx) {
    UnaryOp op = ctx.op.getType() == FhePyGrammarParser.MINUS ? UnaryOp.NEG : UnaryOp.PLUS;
    return new Expr.Unary(op, visit(ctx.expr()), spans.of(ctx));
  }

  @Override
  public Expr visitMulExpr(FhePyGrammarParser.MulExprContext ctx) {
    BinaryOp op =
        switch (ctx.op.getType()) {
          case FhePyGrammarParser.STAR -> BinaryOp.MUL;
          case FhePyGrammarParser.SLASH -> BinaryOp.DIV;
          case FhePyGrammarParser.DSLASH -> BinaryOp.FLOOR_DIV;
          case FhePyGrammarParser.PERCENT -> BinaryOp.MOD;
          default -> BinaryOp.MATMUL;
        };
    return new Expr.Binary(op, visit(ctx.expr(0)), visit(ctx.expr(1)), spans.of(ctx));
  }

  @Override
  public Expr visitAddExpr(FhePyGrammarParser.AddExprContext ctx) {
    BinaryOp op = ctx.op.getType() == FhePyGrammarParser.PLUS ? BinaryOp.ADD : BinaryOp.SUB;
    return new Expr.Binary(op, visit(ctx.expr(0)), visit(ctx.expr(1)), spans.of(ctx));
  }

  @Override
  public Expr visitParenAtom(FhePyGrammarParser.ParenAtomContext ctx) {
    if (ctx.test().size() == 1 && ctx.COMMA().isEmpty()) {
      return visit(ctx.test(0));
    }
    return new Expr.TupleExpr(ctx.test().stream().map(this::visit).toList(), spans.of(ctx));
  }

  @Override
  public Expr visitListAtom(FhePyGrammarParser.ListAtomContext ctx) {
    return new Expr.ListExpr(ctx.test().stream().map(this::visit).toList(), spans.of(ctx));
  }

  @Override
  public Expr visitNameAtom(FhePyGrammarParser.NameAtomContext ctx) {
    return new Expr.Name(ctx.NAME().getText(), spans.of(ctx));
  }

  @Override
  public Expr visitIntAtom(FhePyGrammarParser.IntAtomContext ctx) {
    Span span = spans.of(ctx);
    String text = ctx.INTEGER().getText().replace("_", "");
    int radix = 10;
    if (text.length() > 2 && (text.charAt(1) == 'x' || text.charAt(1) == 'X')) {
      radix = 16;
      text = text.substring(2);
    } else if (text.length() > 2 && (text.charAt(1) == 'b' || text.charAt(1) == 'B')) {
      radix = 2;
      text = text.substring(2);
    } else if (text.length() > 1 && text.chars().anyMatch(c -> c != '0') && text.charAt(0) == '0') {
      errors.add(span, "leading zeros in an integer literal are not allowed (Python 3 syntax)");
      return new Expr.IntLiteral(0, span);
    }
    BigInteger value = new BigInteger(text, radix);
    if (value.bitLength() > 63) {
      errors.add(span, "integer literal " + ctx.INTEGER().getText() + " does not fit in 64 bits");
      return new Expr.IntLiteral(0, span);
    }
    return new Expr.IntLiteral(value.longValue(), span);
  }

  @Override
  public Expr visitFloatAtom(FhePyGrammarParser.FloatAtomContext ctx) {
    Span span = spans.of(ctx);
    double v = Double.parseDouble(ctx.FLOAT_NUMBER().getText().replace("_", ""));
    if (Double.isInfinite(v)) {
      errors.add(span, "float literal " + ctx.FLOAT_NUMBER().getText() + " is too large");
    }
    return new Expr.FloatLiteral(v, span);
  }

  @Override
  public Expr visitStringAtom(FhePyGrammarParser.StringAtomContext ctx) {
    StringBuilder sb = new StringBuilder();
    for (TerminalNode s : ctx.STRING()) {
      sb.append(StringLiterals.decode(s.getSymbol()));
    }
    return new Expr.StringLiteral(sb.toString(), spans.of(ctx));
  }

  @Override
  public Expr visitNoneAtom(FhePyGrammarParser.NoneAtomContext ctx) {
    return new Expr.NoneLiteral(spans.of(ctx));
  }

  @Override
  public Expr visitEllipsisAtom(FhePyGrammarParser.EllipsisAtomContext ctx) {
    return new Expr.EllipsisLiteral(spans.of(ctx));
  }

  @Override
  public Expr visitTrueAtom(FhePyGrammarParser.TrueAtomContext ctx) {
    return new Expr.BoolLiteral(true, spans.of(ctx));
  }

  @Override
  public Expr visitFalseAtom(FhePyGrammarParser.FalseAtomContext ctx) {
    return new Expr.BoolLiteral(false, spans.of(ctx));
  }

  /** Used by the statement builder for single tokens. */
  Span span(Token t) {
    return spans.of(t);
  }
}
