package dev.fhec.runtime.io.npy;

import java.util.Locale;
import java.util.Optional;

/** The numpy dtypes we read and write: little-endian integers, floats and bool. */
public enum NpyDtype {
  B1("|b1", 1, false, false),
  I1("|i1", 1, false, true),
  I2("<i2", 2, false, true),
  I4("<i4", 4, false, true),
  I8("<i8", 8, false, true),
  U1("|u1", 1, false, false),
  U2("<u2", 2, false, false),
  U4("<u4", 4, false, false),
  F4("<f4", 4, true, true),
  F8("<f8", 8, true, true);

  private final String descr;
  private final int bytes;
  private final boolean isFloat;
  private final boolean signed;

  NpyDtype(String descr, int bytes, boolean isFloat, boolean signed) {
    this.descr = descr;
    this.bytes = bytes;
    this.isFloat = isFloat;
    this.signed = signed;
  }

  /** The numpy {@code descr} string written in headers, e.g. {@code <i8}. */
  public String descr() {
    return descr;
  }

  public int bytes() {
    return bytes;
  }

  public boolean isFloat() {
    return isFloat;
  }

  public boolean signed() {
    return signed;
  }

  /**
   * The dtype of a header {@code descr}; single-byte types may use {@code |}, {@code <} or {@code
   * =} as byte-order mark, wider ones {@code <} (or {@code =}, which is little endian on every
   * platform numpy writes for us).
   */
  public static Optional<NpyDtype> of(String descr) {
    if (descr.length() < 2) {
      return Optional.empty();
    }
    char order = descr.charAt(0);
    String code = descr.substring(1).toLowerCase(Locale.ROOT);
    for (NpyDtype d : values()) {
      if (!d.descr.substring(1).equals(code)) {
        continue;
      }
      boolean ok = order == '<' || order == '=' || (d.bytes == 1 && order == '|');
      return ok ? Optional.of(d) : Optional.empty();
    }
    return Optional.empty();
  }

  /** All supported {@code descr}s, for error messages. */
  public static String supported() {
    StringBuilder sb = new StringBuilder();
    for (NpyDtype d : values()) {
      sb.append(sb.isEmpty() ? "" : " ").append(d.descr);
    }
    return sb.toString();
  }
}
