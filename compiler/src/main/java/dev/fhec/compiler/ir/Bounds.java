package dev.fhec.compiler.ir;

/** Inclusive integer range of a value, from the inputset and/or interval analysis. */
public record Bounds(long min, long max) {
  public Bounds {
    if (min > max) {
      throw new IllegalArgumentException("empty bounds [" + min + ", " + max + "]");
    }
  }

  public boolean signed() {
    return min < 0;
  }

  /** Minimal bit-width that represents [min, max] (two's complement when min < 0). */
  public int bitWidth() {
    if (min >= 0) {
      return Math.max(1, 64 - Long.numberOfLeadingZeros(max));
    }
    int neg = 65 - Long.numberOfLeadingZeros(~min); // bits for min in two's complement
    int pos = max < 0 ? 1 : 65 - Long.numberOfLeadingZeros(max);
    return Math.max(neg, pos);
  }

  public Bounds union(Bounds o) {
    return new Bounds(Math.min(min, o.min), Math.max(max, o.max));
  }

  @Override
  public String toString() {
    return "[" + min + ", " + max + "]";
  }
}
