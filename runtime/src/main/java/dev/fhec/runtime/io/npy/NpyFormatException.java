package dev.fhec.runtime.io.npy;

import java.io.IOException;

/** A {@code .npy}/{@code .npz} file that is damaged or uses a feature we do not read. */
public final class NpyFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public NpyFormatException(String message) {
    super(message);
  }

  public NpyFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
