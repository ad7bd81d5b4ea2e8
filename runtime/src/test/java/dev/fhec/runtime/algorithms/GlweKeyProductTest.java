package dev.fhec.runtime.algorithms;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.fhec.runtime.entities.GlweSecretKey;
import dev.fhec.runtime.random.Csprng;
import dev.fhec.runtime.random.Seed;
import org.junit.jupiter.api.Test;

class GlweKeyProductTest {
  @Test
  void fftLimbProductIsBitExact() {
    for (int n : new int[] {64, 2048, 8192}) {
      int k = 2;
      long[] bits = new long[k * n];
      Csprng rng = Csprng.of(Seed.ofLong(n), 0);
      rng.fillBinary(bits, 0, bits.length);
      if (n == 64) {
        java.util.Arrays.fill(bits, 1); // the all-ones key: largest limb sums
      }
      GlweSecretKey key = new GlweSecretKey(k, n, bits);
      long[] a = new long[n];
      rng.fillUniform(a, 0, n);
      a[0] = -1;
      a[1] = Long.MIN_VALUE;
      for (int p = 0; p < k; p++) {
        long[] exact = new long[n];
        long[] fast = new long[n];
        GlweKeyProduct.schoolbook(key).mulAdd(a, 0, p, exact, 0);
        GlweKeyProduct.limbs(key).mulAdd(a, 0, p, fast, 0);
        assertArrayEquals(exact, fast, "N = " + n + ", polynomial " + p);
      }
    }
  }
}
