package dev.fhec.runtime.random;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A deterministic cryptographically secure generator: the keystream of the JDK's ChaCha20 cipher
 * (RFC 8439) keyed by a {@link Seed}, with a 64-bit stream number in the nonce so that independent
 * streams (one per key row, one per ciphertext) can be generated in parallel and reproduced from
 * one seed. No cipher is implemented here; the JDK provider does the work.
 *
 * <p>Not thread-safe: one instance per thread.
 */
public final class Csprng {
  private static final int BUFFER = 8192;
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final Cipher cipher;
  private final byte[] zeros = new byte[BUFFER];
  private final byte[] buffer = new byte[BUFFER];
  private int position = BUFFER;
  private double spareGaussian;
  private boolean hasSpare;

  private Csprng(Seed seed, long stream) {
    try {
      cipher = Cipher.getInstance("ChaCha20");
      byte[] nonce = new byte[12];
      for (int i = 0; i < 8; i++) {
        nonce[4 + i] = (byte) (stream >>> (8 * i));
      }
      cipher.init(
          Cipher.ENCRYPT_MODE,
          new SecretKeySpec(seed.bytes(), "ChaCha20"),
          new ChaCha20ParameterSpec(nonce, 0));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no usable ChaCha20 cipher", e);
    }
  }

  /** Stream number {@code stream} of {@code seed}. */
  public static Csprng of(Seed seed, long stream) {
    return new Csprng(seed, stream);
  }

  /** A generator seeded from the system DRBG (for secret keys and noise outside tests). */
  public static Csprng fresh() {
    return new Csprng(Seed.random(), 0);
  }

  private void refill() {
    try {
      cipher.update(zeros, 0, BUFFER, buffer, 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20 keystream failed", e);
    }
    position = 0;
  }

  /** 64 uniform bits. */
  public long nextLong() {
    if (position + 8 > BUFFER) {
      refill();
    }
    long v = (long) LONGS.get(buffer, position);
    position += 8;
    return v;
  }

  /** Fills {@code out[from, to)} with uniform torus values. */
  public void fillUniform(long[] out, int from, int to) {
    for (int i = from; i < to; i++) {
      out[i] = nextLong();
    }
  }

  /** Fills {@code out[from, to)} with uniform bits (0 or 1). */
  public void fillBinary(long[] out, int from, int to) {
    long bits = 0;
    int left = 0;
    for (int i = from; i < to; i++) {
      if (left == 0) {
        bits = nextLong();
        left = 64;
      }
      out[i] = bits & 1;
      bits >>>= 1;
      left--;
    }
  }

  /** A uniform double in (0, 1]. */
  public double nextOpenDouble() {
    return ((nextLong() >>> 11) + 1) * 0x1.0p-53;
  }

  /** A standard normal sample (Box–Muller; the second value of each pair is kept for later). */
  public double nextGaussian() {
    if (hasSpare) {
      hasSpare = false;
      return spareGaussian;
    }
    double u = nextOpenDouble();
    double v = nextOpenDouble();
    double r = Math.sqrt(-2.0 * Math.log(u));
    double t = 2.0 * Math.PI * v;
    spareGaussian = r * Math.sin(t);
    hasSpare = true;
    return r * Math.cos(t);
  }

  /**
   * A centered Gaussian torus sample with normalized standard deviation {@code std} (absolute σ =
   * std·2^64), rounded to the nearest multiple of 2^−64 and reduced mod 1.
   */
  public long nextTorusGaussian(double std) {
    double x = nextGaussian() * std;
    x -= Math.rint(x);
    return Math.round(x * 0x1.0p64);
  }
}
