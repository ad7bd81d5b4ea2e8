package dev.fhec.runtime.params;

/**
 * A gadget decomposition: base 2^baseLog, {@code levels} levels. Keeps the top baseLog·levels bits
 * of a torus value.
 */
public record Decomposition(int baseLog, int levels) {
  public Decomposition {
    if (baseLog < 1 || levels < 1 || (long) baseLog * levels > 64) {
      throw new IllegalArgumentException(
          "decomposition needs baseLog >= 1, levels >= 1 and baseLog*levels <= 64, got 2^"
              + baseLog
              + " x "
              + levels);
    }
  }

  @Override
  public String toString() {
    return "2^" + baseLog + "x" + levels;
  }
}
