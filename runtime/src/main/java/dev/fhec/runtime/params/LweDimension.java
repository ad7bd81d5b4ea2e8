package dev.fhec.runtime.params;

/** Dimension n of an LWE secret key (the mask length of an LWE ciphertext). */
public record LweDimension(int value) {
  public LweDimension {
    if (value < 1) {
      throw new IllegalArgumentException("LWE dimension must be positive, got " + value);
    }
  }
}
