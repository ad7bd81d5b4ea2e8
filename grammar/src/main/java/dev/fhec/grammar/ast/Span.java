package dev.fhec.grammar.ast;

import java.util.Objects;

/**
 * A region of a source file, so that every diagnostic can point at what the user wrote.
 *
 * <p>Lines and columns are 1-based; {@code endLine}/{@code endCol} point just past the last
 * character (exclusive end), like Python's {@code ast} end offsets.
 *
 * @param file the file name given to the parser
 * @param line first line
 * @param col first column
 * @param endLine line of the last character
 * @param endCol column just past the last character
 */
public record Span(String file, int line, int col, int endLine, int endCol) {
  public Span {
    Objects.requireNonNull(file, "file");
    if (line < 1 || col < 1 || endLine < line || (endLine == line && endCol < col)) {
      throw new IllegalArgumentException(
          "bad span " + file + ":" + line + ":" + col + "-" + endLine + ":" + endCol);
    }
  }

  /** A span covering both {@code this} and {@code other} (which must be in the same file). */
  public Span to(Span other) {
    boolean startsFirst = line < other.line || (line == other.line && col <= other.col);
    boolean endsLast =
        endLine > other.endLine || (endLine == other.endLine && endCol >= other.endCol);
    return new Span(
        file,
        startsFirst ? line : other.line,
        startsFirst ? col : other.col,
        endsLast ? endLine : other.endLine,
        endsLast ? endCol : other.endCol);
  }

  @Override
  public String toString() {
    return file + ":" + line + ":" + col;
  }
}
