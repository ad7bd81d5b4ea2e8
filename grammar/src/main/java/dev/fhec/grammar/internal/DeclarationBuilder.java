package dev.fhec.grammar.internal;

import dev.fhec.grammar.ast.Expr;
import dev.fhec.grammar.ast.Module;
import dev.fhec.grammar.ast.Param;
import dev.fhec.grammar.ast.Stmt;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Builds the {@link Module} and its function definitions; statements and expressions delegate. */
final class DeclarationBuilder {
  private final Spans spans;
  private final ErrorCollector errors;
  private final ExpressionBuilder expressions;
  private final StatementBuilder statements;

  DeclarationBuilder(Spans spans, ErrorCollector errors) {
    this.spans = spans;
    this.errors = errors;
    this.expressions = new ExpressionBuilder(spans, errors);
    this.statements = new StatementBuilder(spans, expressions, this::function);
  }

  Module module(String file, String source, FhePyGrammarParser.File_inputContext ctx) {
    List<Stmt> body = new ArrayList<>();
    for (FhePyGrammarParser.StmtContext s : ctx.stmt()) {
      body.addAll(statements.statement(s));
    }
    return new Module(file, source, body);
  }

  private Stmt function(FhePyGrammarParser.FuncdefContext ctx) {
    List<Param> params = new ArrayList<>();
    Set<String> names = new HashSet<>();
    boolean sawDefault = false;
    if (ctx.parameters() != null) {
      for (FhePyGrammarParser.ParameterContext p : ctx.parameters().parameter()) {
        String name = p.NAME().getText();
        if (!names.add(name)) {
          errors.add(spans.of(p), "duplicate parameter '" + name + "'");
        }
        Optional<Expr> annotation = Optional.empty();
        Optional<Expr> defaultValue = Optional.empty();
        // The annotation follows ':' and the default follows '='; both are 'test' children.
        for (int i = 0; i + 1 < p.getChildCount(); i++) {
          String sep = p.getChild(i).getText();
          if (p.getChild(i + 1) instanceof FhePyGrammarParser.TestContext t) {
            if (sep.equals(":")) {
              annotation = Optional.of(expressions.visit(t));
            } else if (sep.equals("=")) {
              defaultValue = Optional.of(expressions.visit(t));
            }
          }
        }
        if (defaultValue.isPresent()) {
          sawDefault = true;
        } else if (sawDefault) {
          errors.add(spans.of(p), "parameter without a default follows a parameter with one");
        }
        params.add(new Param(name, annotation, defaultValue, spans.of(p)));
      }
    }
    Optional<Expr> returns =
        ctx.test() == null ? Optional.empty() : Optional.of(expressions.visit(ctx.test()));
    List<Stmt> body = statements.block(ctx.block());
    return new Stmt.FunctionDef(ctx.NAME().getText(), params, returns, body, spans.of(ctx));
  }
}
