package dev.fhec.grammar.internal;

import dev.fhec.grammar.ast.Span;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenStream;

/** Source spans of parse-tree nodes and tokens (1-based columns, exclusive end). */
final class Spans {
  private final String file;
  private final TokenStream tokens;

  Spans(String file, TokenStream tokens) {
    this.file = file;
    this.tokens = tokens;
  }

  Span of(ParserRuleContext ctx) {
    Token start = ctx.getStart();
    Token stop = ctx.getStop();
    if (stop == null || stop.getTokenIndex() < start.getTokenIndex()) {
      stop = start;
    }
    // A block ends with layout tokens (NEWLINE, DEDENT); the span ends at the last visible one.
    int i = stop.getTokenIndex();
    while (i > start.getTokenIndex() && isLayout(tokens.get(i))) {
      i--;
    }
    stop = tokens.get(i);
    Span first = of(start);
    Span last = of(stop);
    return new Span(file, first.line(), first.col(), last.endLine(), last.endCol());
  }

  private static boolean isLayout(Token t) {
    int type = t.getType();
    return type == Token.EOF
        || type == FhePyGrammarParser.NEWLINE
        || type == FhePyGrammarParser.INDENT
        || type == FhePyGrammarParser.DEDENT;
  }

  Span of(Token t) {
    int line = Math.max(1, t.getLine());
    int col = t.getCharPositionInLine() + 1;
    String text = t.getType() == Token.EOF ? "" : t.getText();
    if (text == null) {
      text = "";
    }
    int nl = text.lastIndexOf('\n');
    if (t.getType() == FhePyGrammarParser.NEWLINE || nl < 0) {
      int len = t.getType() == FhePyGrammarParser.NEWLINE ? 1 : Math.max(1, text.length());
      return new Span(file, line, Math.max(1, col), line, Math.max(1, col) + len);
    }
    int lines = (int) text.chars().filter(c -> c == '\n').count();
    return new Span(file, line, Math.max(1, col), line + lines, text.length() - nl);
  }
}
