package dev.fhec.grammar.internal;

import dev.fhec.grammar.ast.BinaryOp;
import dev.fhec.grammar.ast.Expr;
import dev.fhec.grammar.ast.ImportAlias;
import dev.fhec.grammar.ast.Stmt;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Builds {@link Stmt} records from statement parse trees (function definitions are delegated). */
final class StatementBuilder {
  private final Spans spans;
  private final ExpressionBuilder expressions;
  private final Function<FhePyGrammarParser.FuncdefContext, Stmt> functions;

  StatementBuilder(
      Spans spans,
      ExpressionBuilder expressions,
      Function<FhePyGrammarParser.FuncdefContext, Stmt> functions) {
    this.spans = spans;
    this.expressions = expressions;
    this.functions = functions;
  }

  /** One grammar statement; a line such as {@code a = 1; b = 2} yields several. */
  List<Stmt> statement(FhePyGrammarParser.StmtContext ctx) {
    if (ctx.simple_stmts() != null) {
      return simpleStatements(ctx.simple_stmts());
    }
    FhePyGrammarParser.Compound_stmtContext c = ctx.compound_stmt();
    if (c.funcdef() != null) {
      return List.of(functions.apply(c.funcdef()));
    }
    if (c.if_stmt() != null) {
      return List.of(ifStatement(c.if_stmt(), 0));
    }
    if (c.while_stmt() != null) {
      FhePyGrammarParser.While_stmtContext w = c.while_stmt();
      return List.of(new Stmt.While(expressions.visit(w.test()), block(w.block()), spans.of(w)));
    }
    return List.of(forStatement(c.for_stmt()));
  }

  /** The {@code if} (k = 0) or the k-th {@code elif} of {@code ctx}, with what follows as else. */
  private Stmt ifStatement(FhePyGrammarParser.If_stmtContext ctx, int k) {
    int conditions = ctx.test().size();
    List<Stmt> orElse;
    if (k + 1 < conditions) {
      orElse = List.of(ifStatement(ctx, k + 1));
    } else if (ctx.ELSE() != null) {
      orElse = block(ctx.block(conditions));
    } else {
      orElse = List.of();
    }
    return new Stmt.If(
        expressions.visit(ctx.test(k)), block(ctx.block(k)), orElse, spans.of(ctx.test(k)));
  }

  /** The statements of an indented block or of a one-line body. */
  List<Stmt> block(FhePyGrammarParser.BlockContext ctx) {
    if (ctx.simple_stmts() != null) {
      return simpleStatements(ctx.simple_stmts());
    }
    List<Stmt> out = new ArrayList<>();
    for (FhePyGrammarParser.StmtContext s : ctx.stmt()) {
      out.addAll(statement(s));
    }
    return out;
  }

  private List<Stmt> simpleStatements(FhePyGrammarParser.Simple_stmtsContext ctx) {
    List<Stmt> out = new ArrayList<>();
    for (FhePyGrammarParser.Simple_stmtContext s : ctx.simple_stmt()) {
      out.add(simple(s));
    }
    return out;
  }

  private Stmt simple(FhePyGrammarParser.Simple_stmtContext ctx) {
    if (ctx.return_stmt() != null) {
      FhePyGrammarParser.Return_stmtContext r = ctx.return_stmt();
      Optional<Expr> value =
          r.testlist() == null ? Optional.empty() : Optional.of(expressions.testlist(r.testlist()));
      return new Stmt.Return(value, spans.of(r));
    }
    if (ctx.pass_stmt() != null) {
      return new Stmt.Pass(spans.of(ctx));
    }
    if (ctx.import_stmt() != null) {
      FhePyGrammarParser.Import_stmtContext i = ctx.import_stmt();
      Optional<String> alias =
          i.NAME() == null ? Optional.empty() : Optional.of(i.NAME().getText());
      return new Stmt.Import(i.dotted_name().getText(), alias, spans.of(i));
    }
    if (ctx.from_import_stmt() != null) {
      FhePyGrammarParser.From_import_stmtContext f = ctx.from_import_stmt();
      List<ImportAlias> names = new ArrayList<>();
      for (FhePyGrammarParser.Import_aliasContext a : f.import_alias()) {
        Optional<String> alias =
            a.NAME().size() > 1 ? Optional.of(a.NAME(1).getText()) : Optional.empty();
        names.add(new ImportAlias(a.NAME(0).getText(), alias, spans.of(a)));
      }
      return new Stmt.FromImport(f.dotted_name().getText(), names, spans.of(f));
    }
    if (ctx.assign_stmt() != null) {
      List<FhePyGrammarParser.TestlistContext> parts = ctx.assign_stmt().testlist();
      List<Expr> targets = new ArrayList<>();
      for (int i = 0; i < parts.size() - 1; i++) {
        targets.add(expressions.testlist(parts.get(i)));
      }
      Expr value = expressions.testlist(parts.get(parts.size() - 1));
      return new Stmt.Assign(targets, value, spans.of(ctx));
    }
    if (ctx.aug_assign_stmt() != null) {
      FhePyGrammarParser.Aug_assign_stmtContext a = ctx.aug_assign_stmt();
      BinaryOp op =
          switch (a.aug_op().getStart().getType()) {
            case FhePyGrammarParser.PLUS_ASSIGN -> BinaryOp.ADD;
            case FhePyGrammarParser.MINUS_ASSIGN -> BinaryOp.SUB;
            case FhePyGrammarParser.STAR_ASSIGN -> BinaryOp.MUL;
            case FhePyGrammarParser.SLASH_ASSIGN -> BinaryOp.DIV;
            case FhePyGrammarParser.DSLASH_ASSIGN -> BinaryOp.FLOOR_DIV;
            default -> BinaryOp.MATMUL;
          };
      return new Stmt.AugAssign(
          expressions.testlist(a.testlist(0)),
          op,
          expressions.testlist(a.testlist(1)),
          spans.of(ctx));
    }
    return new Stmt.ExprStmt(expressions.testlist(ctx.expr_stmt().testlist()), spans.of(ctx));
  }

  private Stmt forStatement(FhePyGrammarParser.For_stmtContext ctx) {
    return new Stmt.For(
        expressions.testlist(ctx.testlist(0)),
        expressions.testlist(ctx.testlist(1)),
        block(ctx.block()),
        spans.of(ctx));
  }
}
