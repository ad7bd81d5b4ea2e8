package dev.fhec.grammar.internal;

import dev.fhec.grammar.Diagnostic;
import dev.fhec.grammar.ast.Span;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;

/**
 * Collects located syntax errors instead of printing them (ANTLR's default listener writes to
 * stderr). Stops the parse with {@link TooManyErrors} once the bound is reached, so a badly broken
 * file yields a readable number of messages.
 */
final class ErrorCollector extends BaseErrorListener {
  /** Thrown to abandon parsing after {@code max} errors. */
  static final class TooManyErrors extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooManyErrors() {
      super(null, null, false, false);
    }
  }

  private final String file;
  private final int max;
  private final List<Diagnostic> diagnostics = new ArrayList<>();

  ErrorCollector(String file, int max) {
    this.file = file;
    this.max = max;
  }

  @Override
  public void syntaxError(
      Recognizer<?, ?> recognizer,
      Object offendingSymbol,
      int line,
      int charPositionInLine,
      String msg,
      RecognitionException e) {
    if (offendingSymbol instanceof Token t && !diagnostics.isEmpty()) {
      // After a first error, complaints about end of file or a closing dedent are nearly always
      // consequences of it (an unclosed bracket, a stray indent), so they would only add noise.
      if (t.getType() == Token.EOF || t.getType() == FhePyGrammarParser.DEDENT) {
        return;
      }
      // A broken block header (say, a missing ':') leaves its body's indent unexpected.
      if (t.getType() == FhePyGrammarParser.INDENT
          && diagnostics.stream().anyMatch(d -> d.span().line() == t.getLine() - 1)) {
        return;
      }
    }
    int length = 1;
    if (offendingSymbol instanceof Token t && t.getType() != Token.EOF) {
      length = Math.max(1, t.getStopIndex() - t.getStartIndex() + 1);
      if (t.getText() != null && t.getText().indexOf('\n') >= 0) {
        length = 1;
      }
    }
    add(line, charPositionInLine, length, msg);
  }

  /** Adds an error at 1-based {@code line}, 0-based {@code col0}, spanning {@code length} chars. */
  void add(int line, int col0, int length, String message) {
    int l = Math.max(1, line);
    // One error per line, as in CPython: the first is the cause, later ones its echoes.
    for (Diagnostic d : diagnostics) {
      if (d.span().line() == l) {
        return;
      }
    }
    int c = Math.max(1, col0 + 1);
    diagnostics.add(new Diagnostic(new Span(file, l, c, l, c + Math.max(1, length)), message));
    if (diagnostics.size() >= max) {
      throw new TooManyErrors();
    }
  }

  /** Adds an error at a span computed by the AST builder. */
  void add(Span span, String message) {
    diagnostics.add(new Diagnostic(span, message));
    if (diagnostics.size() >= max) {
      throw new TooManyErrors();
    }
  }

  boolean isEmpty() {
    return diagnostics.isEmpty();
  }

  int size() {
    return diagnostics.size();
  }

  /** The errors sorted by position (lexer and parser errors interleave). */
  List<Diagnostic> sorted() {
    List<Diagnostic> out = new ArrayList<>(diagnostics);
    out.sort(
        Comparator.comparingInt((Diagnostic d) -> d.span().line())
            .thenComparingInt(d -> d.span().col()));
    return out;
  }
}
