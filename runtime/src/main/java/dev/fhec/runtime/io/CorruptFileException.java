package dev.fhec.runtime.io;

/**
 * A key or ciphertext file that cannot be used: truncated, damaged, of another kind or format
 * version, or made for other parameters, another circuit or another key set. The message is one
 * line naming the file, what is wrong and where (byte offset or fingerprints), meant to be shown to
 * users as is.
 */
public final class CorruptFileException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What is wrong with the file. */
  public enum Reason {
    TRUNCATED,
    NOT_AN_FHEC_FILE,
    UNSUPPORTED_VERSION,
    WRONG_KIND,
    CHECKSUM_MISMATCH,
    PARAMETER_MISMATCH,
    /** Keys or ciphertexts of another circuit than the one given. */
    CIRCUIT_MISMATCH,
    /** Ciphertexts or keys of another key set (another 'fhec keygen') than the one given. */
    KEY_SET_MISMATCH,
    MALFORMED
  }

  private final Reason reason;
  private final String source;
  private final long offset;

  public CorruptFileException(Reason reason, String source, long offset, String detail) {
    super(source + ": " + detail + (offset >= 0 ? " (at byte " + offset + ")" : ""));
    this.reason = reason;
    this.source = source;
    this.offset = offset;
  }

  public Reason reason() {
    return reason;
  }

  /** The file (or stream name) that failed. */
  public String source() {
    return source;
  }

  /** Byte offset of the problem, or −1 when it concerns the whole file. */
  public long offset() {
    return offset;
  }
}
