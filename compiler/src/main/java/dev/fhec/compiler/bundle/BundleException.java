package dev.fhec.compiler.bundle;

import java.io.IOException;

/**
 * A bundle or key file that is missing, incomplete, damaged or too new: the user's to fix, so it
 * carries a one-line hint besides the message (the CLI prints both and exits with code 1).
 */
public final class BundleException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String hint;

  public BundleException(String message, String hint) {
    super(message);
    this.hint = hint;
  }

  /** What to try next, one line. */
  public String hint() {
    return hint;
  }
}
