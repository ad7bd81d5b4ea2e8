package dev.fhec.cli;

/**
 * A mistake the user can fix (a missing file, a wrong option, a model that does not compile): exit
 * code 1, printed as one line with its cause and one line with a hint, never a stack trace.
 */
public final class UserException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String hint;

  public UserException(String message, String hint) {
    super(message);
    this.hint = hint;
  }

  public UserException(String message, String hint, Throwable cause) {
    super(message, cause);
    this.hint = hint;
  }

  /** What to try next, one line. */
  public String hint() {
    return hint;
  }
}
