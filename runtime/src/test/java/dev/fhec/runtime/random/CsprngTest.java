package dev.fhec.runtime.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class CsprngTest {
  @Test
  void isTheChaCha20KeystreamOfTheSeedAndStream() throws Exception {
    Seed seed = Seed.ofLong(42);
    long[] got = new long[4];
    Csprng.of(seed, 7).fillUniform(got, 0, 4);
    byte[] nonce = new byte[12];
    nonce[4] = 7;
    Cipher c = Cipher.getInstance("ChaCha20");
    c.init(
        Cipher.ENCRYPT_MODE,
        new SecretKeySpec(seed.bytes(), "ChaCha20"),
        new ChaCha20ParameterSpec(nonce, 0));
    byte[] ks = c.update(new byte[32]);
    for (int i = 0; i < 4; i++) {
      long v = 0;
      for (int b = 7; b >= 0; b--) {
        v = (v << 8) | (ks[8 * i + b] & 0xff);
      }
      assertEquals(v, got[i]);
    }
  }

  @Test
  void streamsAreReproducibleAndDistinct() {
    long[] a = new long[3000];
    long[] b = new long[3000];
    long[] c = new long[3000];
    Csprng.of(Seed.ofLong(1), 0).fillUniform(a, 0, a.length);
    Csprng.of(Seed.ofLong(1), 0).fillUniform(b, 0, b.length);
    Csprng.of(Seed.ofLong(1), 1).fillUniform(c, 0, c.length);
    assertArrayEquals(a, b);
    assertFalse(Arrays.equals(a, c));
  }

  @Test
  void binaryKeysAreBalanced() {
    long[] bits = new long[100_000];
    Csprng.of(Seed.ofLong(3), 0).fillBinary(bits, 0, bits.length);
    long ones = Arrays.stream(bits).filter(x -> x == 1).count();
    assertEquals(bits.length, Arrays.stream(bits).filter(x -> x == 0 || x == 1).count());
    // 5σ of a Binomial(1e5, 1/2) is about 790.
    assertEquals(50_000, ones, 790);
  }

  @Test
  void torusGaussianHasTheRequestedStd() {
    Csprng r = Csprng.of(Seed.ofLong(4), 0);
    double std = Math.pow(2, -20);
    int samples = 200_000;
    double sum = 0;
    double sumSq = 0;
    for (int i = 0; i < samples; i++) {
      double x = r.nextTorusGaussian(std) * 0x1.0p-64;
      sum += x;
      sumSq += x * x;
    }
    double mean = sum / samples;
    double var = sumSq / samples - mean * mean;
    // Sample variance of n normals: relative std sqrt(2/n) ≈ 0.32%; allow 2%.
    assertEquals(1.0, var / (std * std), 0.02);
    assertEquals(0.0, mean / std, 5 / Math.sqrt(samples));
  }

  @Test
  void freshSeedsDiffer() {
    assertTrue(!Seed.random().equals(Seed.random()));
  }
}
