package dev.fhec.runtime.io;

/** What a file holds; stored in its header so that one kind is never loaded as another. */
public enum FileKind {
  CLIENT_KEY(1, "a client key"),
  EVALUATION_KEYS(2, "evaluation keys"),
  CIPHERTEXTS(3, "ciphertexts");

  private final int code;
  private final String description;

  FileKind(int code, String description) {
    this.code = code;
    this.description = description;
  }

  public int code() {
    return code;
  }

  public String description() {
    return description;
  }

  static FileKind ofCode(int code) {
    for (FileKind k : values()) {
      if (k.code == code) {
        return k;
      }
    }
    return null;
  }
}
