package dev.fhec.runtime.params;

/** Number k of mask polynomials of a GLWE ciphertext. */
public record GlweDimension(int value) {
  public GlweDimension {
    if (value < 1) {
      throw new IllegalArgumentException("GLWE dimension must be positive, got " + value);
    }
  }
}
