package dev.fhec.runtime.api;

/**
 * Input a server refuses: damaged, of the wrong kind (a secret key), for another circuit or key
 * set, or of the wrong shape. The message is one line meant for the caller, and never holds key or
 * ciphertext data.
 */
public final class RejectedInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RejectedInputException(String message) {
    super(message);
  }

  public RejectedInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
