package dev.fhec.runtime.key;

import dev.fhec.runtime.circuit.Circuit;
import dev.fhec.runtime.circuit.CircuitDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Which key set and which circuit a key or ciphertext file belongs to: a random key-set id drawn at
 * key generation and the {@link Circuit#digest()} of the circuit the keys were generated for. Two
 * key sets for circuits with the same parameters still differ, so ciphertexts of one are refused by
 * the other instead of decrypting to noise.
 *
 * @param keySetId {@link #ID_LENGTH} random bytes
 * @param circuitDigest the circuit's SHA-256 ({@link CircuitDigest#LENGTH} bytes); all zero for
 *     keys generated outside any circuit (library use)
 */
public record KeySetIdentity(byte[] keySetId, byte[] circuitDigest) {
  public static final int ID_LENGTH = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  public KeySetIdentity {
    keySetId = keySetId.clone();
    circuitDigest = circuitDigest.clone();
    if (keySetId.length != ID_LENGTH || circuitDigest.length != CircuitDigest.LENGTH) {
      throw new IllegalArgumentException(
          "key-set identity of " + keySetId.length + " + " + circuitDigest.length + " bytes");
    }
  }

  /** A fresh key set for {@code circuit}. */
  public static KeySetIdentity fresh(Circuit circuit) {
    return fresh(circuit.digest());
  }

  /** A fresh key set for the circuit of digest {@code circuitDigest}. */
  public static KeySetIdentity fresh(byte[] circuitDigest) {
    byte[] id = new byte[ID_LENGTH];
    RANDOM.nextBytes(id);
    return new KeySetIdentity(id, circuitDigest);
  }

  /** A fresh key set bound to no circuit (tests, benchmarks, library use). */
  public static KeySetIdentity unbound() {
    return fresh(new byte[CircuitDigest.LENGTH]);
  }

  @Override
  public byte[] keySetId() {
    return keySetId.clone();
  }

  @Override
  public byte[] circuitDigest() {
    return circuitDigest.clone();
  }

  public boolean isFor(Circuit circuit) {
    return Arrays.equals(circuitDigest, circuit.digest());
  }

  public boolean sameKeySet(KeySetIdentity other) {
    return Arrays.equals(keySetId, other.keySetId)
        && Arrays.equals(circuitDigest, other.circuitDigest);
  }

  /** Short hex forms for messages: key set id and circuit digest prefixes. */
  public String shortId() {
    return HexFormat.of().formatHex(keySetId, 0, 4);
  }

  public static String shortDigest(byte[] digest) {
    return HexFormat.of().formatHex(digest, 0, 4);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeySetIdentity k && sameKeySet(k);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(keySetId) * 31 + Arrays.hashCode(circuitDigest);
  }

  @Override
  public String toString() {
    return "key set " + shortId() + " of circuit " + shortDigest(circuitDigest);
  }
}
