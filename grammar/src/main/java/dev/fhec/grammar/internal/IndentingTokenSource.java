package dev.fhec.grammar.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import org.antlr.v4.runtime.CharStream;
import org.antlr.v4.runtime.CommonToken;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.TokenFactory;
import org.antlr.v4.runtime.TokenSource;
import org.antlr.v4.runtime.misc.Pair;

/**
 * Turns the raw lexer's line breaks into Python's logical-line tokens: one NEWLINE per logical
 * line, INDENT when a line is indented deeper than the previous one, one DEDENT per closed level.
 *
 * <p>Algorithm: Python Language Reference, section 2.1.8 "Indentation" — a stack of indentation
 * widths starting at 0; a deeper line pushes and emits INDENT, a shallower one pops (emitting
 * DEDENT) until it matches a stacked width, and it is an error if none matches; at end of input
 * every open level is closed. Line breaks inside brackets are ignored (section 2.1.6, implicit line
 * joining); blank and comment-only lines do not count (section 2.1.7). Tabs advance to the next
 * multiple of 8, as in CPython.
 *
 * <p>Characters the lexer cannot place (ERROR_CHAR) are reported here and dropped, so the parser
 * only sees well-formed tokens and does not report the same problem twice.
 */
final class IndentingTokenSource implements TokenSource {
  private final FhePyGrammarLexer lexer;
  private final ErrorCollector errors;
  private final Deque<Token> ready = new ArrayDeque<>();
  private final Deque<Integer> indents = new ArrayDeque<>();
  private final Deque<Token> openBrackets = new ArrayDeque<>();
  private boolean atLineStart = true;
  private boolean emittedAnything;
  private Token firstLineBreak;
  private int nextLineIndent;
  private boolean sawLineBreak;

  IndentingTokenSource(FhePyGrammarLexer lexer, ErrorCollector errors) {
    this.lexer = lexer;
    this.errors = errors;
    indents.push(0);
  }

  @Override
  public Token nextToken() {
    while (ready.isEmpty()) {
      pull();
    }
    return ready.poll();
  }

  private void pull() {
    Token t = lexer.nextToken();
    switch (t.getType()) {
      case FhePyGrammarParser.NEWLINE -> {
        if (!openBrackets.isEmpty()) {
          return;
        }
        if (firstLineBreak == null && emittedAnything && !atLineStart) {
          firstLineBreak = t;
        }
        sawLineBreak = true;
        atLineStart = true;
        nextLineIndent = width(t.getText());
      }
      case FhePyGrammarParser.ERROR_CHAR -> reportBadChar(t);
      case Token.EOF -> {
        if (!openBrackets.isEmpty()) {
          Token open = openBrackets.peek();
          errors.add(
              open.getLine(),
              open.getCharPositionInLine(),
              1,
              "'" + open.getText() + "' was never closed");
        }
        if (emittedAnything && firstLineBreak == null && !atLineStart) {
          ready.add(synthetic(FhePyGrammarParser.NEWLINE, t, "\n"));
        } else if (firstLineBreak != null) {
          ready.add(firstLineBreak);
        }
        firstLineBreak = null;
        while (indents.peek() > 0) {
          indents.pop();
          ready.add(synthetic(FhePyGrammarParser.DEDENT, t, "<dedent>"));
        }
        ready.add(t);
      }
      default -> {
        if (atLineStart && openBrackets.isEmpty()) {
          startLogicalLine(t);
        }
        trackBrackets(t);
        ready.add(t);
        emittedAnything = true;
      }
    }
  }

  private void startLogicalLine(Token first) {
    atLineStart = false;
    int indent = sawLineBreak ? nextLineIndent : first.getCharPositionInLine();
    if (firstLineBreak != null) {
      ready.add(firstLineBreak);
      firstLineBreak = null;
    }
    if (indent > indents.peek()) {
      indents.push(indent);
      ready.add(synthetic(FhePyGrammarParser.INDENT, first, "<indent>"));
      return;
    }
    while (indent < indents.peek()) {
      indents.pop();
      ready.add(synthetic(FhePyGrammarParser.DEDENT, first, "<dedent>"));
    }
    if (indent != indents.peek()) {
      errors.add(
          first.getLine(),
          first.getCharPositionInLine(),
          1,
          "unindent does not match any outer indentation level");
      indents.push(indent);
    }
  }

  private void trackBrackets(Token t) {
    switch (t.getType()) {
      case FhePyGrammarParser.OPEN_PAREN,
          FhePyGrammarParser.OPEN_BRACK,
          FhePyGrammarParser.OPEN_BRACE ->
          openBrackets.push(t);
      case FhePyGrammarParser.CLOSE_PAREN,
          FhePyGrammarParser.CLOSE_BRACK,
          FhePyGrammarParser.CLOSE_BRACE ->
          openBrackets.poll();
      default -> {
        // other tokens do not change nesting
      }
    }
  }

  private void reportBadChar(Token t) {
    String text = t.getText();
    String message;
    if (text.equals("\"") || text.equals("'")) {
      message = "unterminated string literal";
    } else if (text.equals("\\")) {
      message = "a line-continuation backslash must end its line";
    } else {
      message = "unexpected character " + TokenDescriptions.quoteChar(text);
    }
    errors.add(t.getLine(), t.getCharPositionInLine(), 1, message);
  }

  /** Indentation width of the whitespace after a line break (tabs to the next multiple of 8). */
  private static int width(String newlineText) {
    int w = 0;
    for (int i = 0; i < newlineText.length(); i++) {
      char c = newlineText.charAt(i);
      if (c == ' ' || c == '\f') {
        w++;
      } else if (c == '\t') {
        w = (w / 8 + 1) * 8;
      }
    }
    return w;
  }

  private Token synthetic(int type, Token at, String text) {
    CommonToken tok =
        new CommonToken(
            new Pair<>(lexer, lexer.getInputStream()),
            type,
            Token.DEFAULT_CHANNEL,
            at.getStartIndex(),
            at.getStartIndex() - 1);
    tok.setText(text);
    tok.setLine(at.getLine());
    tok.setCharPositionInLine(at.getCharPositionInLine());
    return tok;
  }

  @Override
  public int getLine() {
    return lexer.getLine();
  }

  @Override
  public int getCharPositionInLine() {
    return lexer.getCharPositionInLine();
  }

  @Override
  public CharStream getInputStream() {
    return lexer.getInputStream();
  }

  @Override
  public String getSourceName() {
    return lexer.getSourceName();
  }

  @Override
  public void setTokenFactory(TokenFactory<?> factory) {
    lexer.setTokenFactory(factory);
  }

  @Override
  public TokenFactory<?> getTokenFactory() {
    return lexer.getTokenFactory();
  }
}
