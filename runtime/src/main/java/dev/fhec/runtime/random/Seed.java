package dev.fhec.runtime.random;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * 32 bytes that key a {@link Csprng}. Seeds of public randomness (ciphertext masks, KSK masks) are
 * stored in files so that the masks can be regenerated; seeds of secret randomness never leave the
 * client.
 */
public record Seed(byte[] bytes) {
  public static final int LENGTH = 32;

  public Seed {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("a seed has " + LENGTH + " bytes, got " + bytes.length);
    }
    bytes = bytes.clone();
  }

  /** A fresh seed from the JDK's NIST SP 800-90A DRBG (falls back to the default SecureRandom). */
  public static Seed random() {
    byte[] b = new byte[LENGTH];
    SYSTEM.nextBytes(b);
    return new Seed(b);
  }

  /** A deterministic seed for tests: the 64-bit value in the first 8 bytes, zeros elsewhere. */
  public static Seed ofLong(long value) {
    byte[] b = new byte[LENGTH];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (value >>> (8 * i));
    }
    return new Seed(b);
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Seed s && Arrays.equals(bytes, s.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "Seed[" + HexFormat.of().formatHex(bytes, 0, 4) + "…]";
  }

  private static final SecureRandom SYSTEM = systemRandom();

  private static SecureRandom systemRandom() {
    try {
      return SecureRandom.getInstance("DRBG");
    } catch (NoSuchAlgorithmException e) {
      return new SecureRandom();
    }
  }
}
