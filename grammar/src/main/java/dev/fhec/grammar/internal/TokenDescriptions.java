package dev.fhec.grammar.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.Vocabulary;
import org.antlr.v4.runtime.misc.IntervalSet;

/** Human wording for tokens in error messages ("end of line" rather than NEWLINE). */
final class TokenDescriptions {
  /** Tokens that can start an expression; collapsed to "an expression" in expected-sets. */
  private static final Set<Integer> EXPRESSION_STARTS =
      Set.of(
          FhePyGrammarParser.NAME,
          FhePyGrammarParser.INTEGER,
          FhePyGrammarParser.FLOAT_NUMBER,
          FhePyGrammarParser.STRING,
          FhePyGrammarParser.NONE,
          FhePyGrammarParser.TRUE,
          FhePyGrammarParser.FALSE,
          FhePyGrammarParser.OPEN_PAREN,
          FhePyGrammarParser.OPEN_BRACK,
          FhePyGrammarParser.MINUS,
          FhePyGrammarParser.PLUS);

  /** Beyond this many alternatives an expected-set is summarised. */
  private static final int MAX_LISTED = 6;

  private TokenDescriptions() {}

  /** Describes the token actually found, e.g. {@code name 'foo'}, {@code ')'}, end of line. */
  static String found(Token t) {
    return switch (t.getType()) {
      case Token.EOF -> "end of file";
      case FhePyGrammarParser.NEWLINE -> "end of line";
      case FhePyGrammarParser.INDENT -> "an indented line";
      case FhePyGrammarParser.DEDENT -> "end of indented block";
      case FhePyGrammarParser.NAME -> "name '" + t.getText() + "'";
      case FhePyGrammarParser.INTEGER, FhePyGrammarParser.FLOAT_NUMBER -> "number " + t.getText();
      case FhePyGrammarParser.STRING -> "a string";
      default -> "'" + t.getText() + "'";
    };
  }

  /** Describes a token type as something expected, e.g. {@code ':'} or "a name". */
  static String expected(int type) {
    return switch (type) {
      case Token.EOF -> "end of file";
      case FhePyGrammarParser.NEWLINE -> "end of line";
      case FhePyGrammarParser.INDENT -> "an indented block";
      case FhePyGrammarParser.DEDENT -> "the end of the indented block";
      case FhePyGrammarParser.NAME -> "a name";
      case FhePyGrammarParser.INTEGER -> "an integer";
      case FhePyGrammarParser.FLOAT_NUMBER -> "a number";
      case FhePyGrammarParser.STRING -> "a string";
      default -> literal(type);
    };
  }

  /** A readable list of the alternatives in {@code set}, e.g. {@code ':' or '->'}. */
  static String expectedSet(IntervalSet set) {
    List<Integer> types = set.toList();
    boolean expression =
        types.containsAll(List.of(FhePyGrammarParser.NAME, FhePyGrammarParser.INTEGER));
    Set<String> words = new TreeSet<>();
    for (int type : types) {
      if (expression && EXPRESSION_STARTS.contains(type)) {
        continue;
      }
      words.add(expected(type));
    }
    List<String> parts = new ArrayList<>();
    if (expression) {
      parts.add("an expression");
    }
    if (words.size() > MAX_LISTED) {
      parts.add("one of " + words.size() + " other tokens");
    } else {
      parts.addAll(words);
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    return String.join(", ", parts.subList(0, parts.size() - 1))
        + " or "
        + parts.get(parts.size() - 1);
  }

  /** Quotes a single offending character, escaping invisible ones. */
  static String quoteChar(String text) {
    if (text.length() == 1 && (text.charAt(0) < 0x20 || text.charAt(0) == 0x7f)) {
      return String.format("U+%04X", (int) text.charAt(0));
    }
    return "'" + text + "'";
  }

  private static String literal(int type) {
    Vocabulary v = FhePyGrammarParser.VOCABULARY;
    String lit = v.getLiteralName(type);
    return lit != null ? lit : v.getDisplayName(type);
  }
}
