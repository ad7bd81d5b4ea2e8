package dev.fhec.grammar.internal;

import org.antlr.v4.runtime.Token;

/** Decodes Python string literal tokens (quotes, raw prefix, common escapes). */
final class StringLiterals {
  private StringLiterals() {}

  static String decode(Token t) {
    String text = t.getText();
    boolean raw = text.charAt(0) == 'r' || text.charAt(0) == 'R';
    if (raw) {
      text = text.substring(1);
    }
    int quote = text.startsWith("\"\"\"") || text.startsWith("'''") ? 3 : 1;
    String body = text.substring(quote, text.length() - quote);
    if (raw) {
      return body;
    }
    StringBuilder sb = new StringBuilder(body.length());
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (c != '\\' || i + 1 == body.length()) {
        sb.append(c);
        continue;
      }
      char e = body.charAt(++i);
      switch (e) {
        case 'n' -> sb.append('\n');
        case 't' -> sb.append('\t');
        case 'r' -> sb.append('\r');
        case '0' -> sb.append('\0');
        case '\\', '\'', '"' -> sb.append(e);
        case '\n' -> {
          // backslash-newline inside a string continues the line
        }
        default -> sb.append('\\').append(e);
      }
    }
    return sb.toString();
  }
}
