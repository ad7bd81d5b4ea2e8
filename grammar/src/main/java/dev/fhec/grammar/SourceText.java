package dev.fhec.grammar;

import java.util.List;

/**
 * The lines of a source file, so that diagnostics can quote the line they point at.
 *
 * @param lines the source split at {@code \n}, {@code \r\n} or {@code \r}, without terminators
 */
public record SourceText(List<String> lines) {
  public SourceText {
    lines = List.copyOf(lines);
  }

  /** Splits {@code source} into lines. */
  public static SourceText of(String source) {
    return new SourceText(List.of(source.split("\r\n|\r|\n", -1)));
  }

  /** Line {@code number} (1-based), or {@code null} when out of range. */
  public String line(int number) {
    return number >= 1 && number <= lines.size() ? lines.get(number - 1) : null;
  }
}
