package dev.fhec.server;

/** A request the server answers with a status and a one-line message (never data). */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  final int status;

  ApiException(int status, String message) {
    super(message);
    this.status = status;
  }
}
