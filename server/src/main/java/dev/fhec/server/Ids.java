package dev.fhec.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Ids and tokens: random hex from the JDK CSPRNG; tokens are stored only as SHA-256. */
final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Every id is 32 lowercase hex digits: nothing path-like ever reaches the file system. */
  private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");

  private Ids() {}

  static String random(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  static String requireId(String s, String what) {
    if (s == null || !ID.matcher(s).matches()) {
      throw new ApiException(400, "malformed " + what + " id: expected 32 lowercase hex digits");
    }
    return s;
  }

  static String sha256(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Constant-time comparison of a presented token with a stored hash. */
  static boolean tokenMatches(String token, String storedHash) {
    return token != null
        && MessageDigest.isEqual(
            sha256(token).getBytes(StandardCharsets.US_ASCII),
            storedHash.getBytes(StandardCharsets.US_ASCII));
  }
}
