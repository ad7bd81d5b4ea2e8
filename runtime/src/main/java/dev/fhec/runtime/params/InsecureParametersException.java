package dev.fhec.runtime.params;

/** Thrown when a parameter set would not give 128-bit security, or is a TOY_ set outside tests. */
public final class InsecureParametersException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InsecureParametersException(String message) {
    super(message);
  }
}
