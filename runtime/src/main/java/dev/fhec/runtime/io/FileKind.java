package dev.fhec.runtime.io;

/** What a file holds; stored in its header so that one kind is never loaded as another. */
public enum FileKind {
  CLIENT_KEY(1, "a client key"),
  EVALUATION_KEYS(2, "evaluation keys"),
  /** What 'fhec encrypt' writes: a circuit's inputs. */
  INPUT_CIPHERTEXTS(3, "encrypted inputs"),
  /** What 'fhec run' writes: a circuit's outputs. */
  OUTPUT_CIPHERTEXTS(4, "encrypted outputs");

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
