package dev.fhec.compiler.ir;

/** Element type of a tensor value: an integer of some width, or a float (only before fusing). */
public sealed interface ElementType {
  /** Width not yet assigned (before {@code assign-bit-widths}). */
  int UNASSIGNED = 0;

  /**
   * An integer. {@code width} is the encoding width chosen by bit-width assignment, or {@link
   * #UNASSIGNED}.
   */
  record IntType(boolean signed, int width) implements ElementType {
    public IntType {
      if (width < 0 || width > 64) {
        throw new IllegalArgumentException("integer width must be in 0..64, got " + width);
      }
    }

    public IntType withWidth(int w) {
      return new IntType(signed, w);
    }

    @Override
    public String toString() {
      return (signed ? "Int" : "UInt") + (width == UNASSIGNED ? "" : "<" + width + ">");
    }
  }

  /** A float64 (exists only inside chains that fusing turns into table lookups). */
  record FloatType() implements ElementType {
    @Override
    public String toString() {
      return "Float";
    }
  }
}
