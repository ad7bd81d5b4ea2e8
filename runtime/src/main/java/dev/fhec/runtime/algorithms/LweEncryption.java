package dev.fhec.runtime.algorithms;

import dev.fhec.runtime.entities.LweCiphertext;
import dev.fhec.runtime.entities.LweSecretKey;
import dev.fhec.runtime.random.Csprng;

/**
 * LWE encryption and decryption: b = Σ a_i·s_i + plaintext + e with a uniform mask and Gaussian e.
 * The mask and the noise come from separate generators so that a public seed can regenerate the
 * mask (seeded ciphertexts, seeded keyswitching keys) while the noise stays secret.
 */
public final class LweEncryption {
  private LweEncryption() {}

  /** Encrypts {@code plaintext} (a torus value) into {@code out[off .. off + d]}. */
  public static void encrypt(
      LweSecretKey key,
      long plaintext,
      double noiseStd,
      Csprng maskRng,
      Csprng noiseRng,
      long[] out,
      int off) {
    int d = key.dimension();
    maskRng.fillUniform(out, off, off + d);
    out[off + d] = key.dot(out, off) + plaintext + noiseRng.nextTorusGaussian(noiseStd);
  }

  /** A fresh ciphertext of {@code plaintext}. */
  public static LweCiphertext encrypt(
      LweSecretKey key, long plaintext, double noiseStd, Csprng maskRng, Csprng noiseRng) {
    LweCiphertext c = new LweCiphertext(key.dimension());
    encrypt(key, plaintext, noiseStd, maskRng, noiseRng, c.data(), 0);
    return c;
  }

  /** The phase b − Σ a_i·s_i (plaintext plus noise). */
  public static long phase(LweSecretKey key, long[] ct, int off) {
    return ct[off + key.dimension()] - key.dot(ct, off);
  }

  public static long phase(LweSecretKey key, LweCiphertext c) {
    if (c.dimension() != key.dimension()) {
      throw new IllegalArgumentException(
          "ciphertext of dimension " + c.dimension() + " under a key of " + key.dimension());
    }
    return phase(key, c.data(), 0);
  }

  /** Decrypts and decodes a message of {@code width} bits (see {@link Encoding#decode}). */
  public static long decrypt(LweSecretKey key, LweCiphertext c, int width) {
    return Encoding.decode(phase(key, c), width);
  }
}
