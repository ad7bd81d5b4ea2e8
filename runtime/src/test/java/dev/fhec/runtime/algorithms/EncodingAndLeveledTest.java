package dev.fhec.runtime.algorithms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fhec.runtime.TestKeys;
import dev.fhec.runtime.entities.LweCiphertext;
import dev.fhec.runtime.entities.LweSecretKey;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.ParameterSets;
import dev.fhec.runtime.random.Csprng;
import dev.fhec.runtime.random.Seed;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EncodingAndLeveledTest {
  private static final ParameterSet P = ParameterSets.TOY_N256;
  private final LweSecretKey key = TestKeys.of(P).client().bigLweKey();
  private final Csprng mask = Csprng.of(Seed.ofLong(11), 0);
  private final Csprng noise = Csprng.of(Seed.ofLong(12), 0);

  private LweCiphertext enc(long m, int width) {
    return LweEncryption.encrypt(key, Encoding.encode(m, width), P.glweNoiseStd(), mask, noise);
  }

  @Test
  void roundTripsEveryWidthSignedAndUnsigned() {
    Random r = new Random(5);
    for (int w = 1; w <= 16; w++) {
      for (boolean signed : new boolean[] {false, true}) {
        long min = signed ? -(1L << (w - 1)) : 0;
        long max = signed ? (1L << (w - 1)) - 1 : (1L << w) - 1;
        long[] values = {min, max, 0, min + r.nextInt((int) Math.min(max - min + 1, 1 << 16))};
        for (long m : values) {
          long got = LweEncryption.decrypt(key, enc(m, w), w);
          assertEquals(m, got, "width " + w + (signed ? " signed " : " unsigned ") + m);
        }
      }
    }
  }

  @Test
  void signedValuesSitInThePaddingHalfInTwosComplement() {
    // −1 at width 3 is the torus value 2^64 − 2^60.
    assertEquals(-(1L << 60), Encoding.encode(-1, 3));
    assertEquals(-1, Encoding.decode(-(1L << 60) + 12345, 3));
    assertEquals(-1, Encoding.decode(-(1L << 60) - 12345, 3));
  }

  @Test
  void leveledOpsMatchIntegerArithmetic() {
    Random r = new Random(6);
    int w = 10;
    for (int trial = 0; trial < 50; trial++) {
      long a = r.nextInt(64) - 32;
      long b = r.nextInt(64) - 32;
      long c = r.nextInt(7) - 3;
      LweCiphertext ca = enc(a, w);
      LweCiphertext cb = enc(b, w);
      assertEquals(a + b, LweEncryption.decrypt(key, LweOps.add(ca, cb), w));
      assertEquals(a - b, LweEncryption.decrypt(key, LweOps.sub(ca, cb), w));
      assertEquals(-a, LweEncryption.decrypt(key, LweOps.negate(ca), w));
      assertEquals(
          a + c, LweEncryption.decrypt(key, LweOps.addPlaintext(ca, Encoding.encode(c, w)), w));
      assertEquals(a * c, LweEncryption.decrypt(key, LweOps.mulScalar(ca, c), w));
      long[] weights = {c, 2, -1};
      LweCiphertext[] cts = {ca, cb, enc(5, w)};
      assertEquals(c * a + 2 * b - 5, LweEncryption.decrypt(key, LweOps.dot(cts, weights), w));
    }
  }

  @Test
  void overflowComesBackAsTheResidueModuloTwoToTheWidthPlusOne() {
    // The torus keeps message and padding bit: 9 + 12 = 21 ≡ −11 (mod 32), in [−16, 16).
    int w = 4;
    LweCiphertext s = LweOps.add(enc(9, w), enc(12, w));
    assertEquals(21 - 32, LweEncryption.decrypt(key, s, w));
    LweCiphertext t = LweOps.add(enc(9, w), enc(3, w));
    assertEquals(12, LweEncryption.decrypt(key, t, w));
  }

  @Test
  void rejectsMismatchedDimensions() {
    assertThrows(
        IllegalArgumentException.class,
        () -> LweOps.add(new LweCiphertext(3), new LweCiphertext(4)));
  }
}
