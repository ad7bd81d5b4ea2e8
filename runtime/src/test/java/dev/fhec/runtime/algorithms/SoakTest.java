package dev.fhec.runtime.algorithms;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fhec.runtime.TestKeys;
import dev.fhec.runtime.circuit.LookupTable;
import dev.fhec.runtime.entities.LweCiphertext;
import dev.fhec.runtime.entities.LweSecretKey;
import dev.fhec.runtime.params.ParameterSet;
import dev.fhec.runtime.params.ParameterSets;
import dev.fhec.runtime.random.Csprng;
import dev.fhec.runtime.random.Seed;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Long runs (never in CI): larger precisions exhaustively and a zero-failure soak. */
@Tag("soak")
class SoakTest {
  @Test
  void concreteV0FiveToEightBitsExhaustively() {
    for (int p = 5; p <= 8; p++) {
      assertEquals(
          1 << p,
          ProgrammableBootstrapTest.exhaustive(ParameterSets.concreteV0(p), p, p, 60 + p, p));
    }
  }

  @Test
  void tfheRsM1C1AndM3C3Exhaustively() {
    assertEquals(
        4,
        ProgrammableBootstrapTest.exhaustive(
            ParameterSets.TFHE_RS_M1C1_GAUSSIAN_2M64, 2, 2, 70, 2));
    assertEquals(
        64,
        ProgrammableBootstrapTest.exhaustive(
            ParameterSets.TFHE_RS_M3C3_GAUSSIAN_2M64, 6, 6, 71, 6));
  }

  @Test
  void noFailuresInThousandsOfChainedLookupsOnM2C2() {
    // p_fail 2^−64 per lookup: any failure here is a bug. Chained: each output feeds the next.
    ParameterSet p = ParameterSets.TFHE_RS_M2C2_GAUSSIAN_2M64;
    TestKeys.Pair keys = TestKeys.of(p);
    LweSecretKey big = keys.client().bigLweKey();
    BatchBootstrap batch =
        new BatchBootstrap(keys.evaluation().keyswitchKey(), keys.evaluation().bootstrapKey());
    Random r = new Random(72);
    long[] table = new long[16];
    for (int i = 0; i < 16; i++) {
      table[i] = r.nextInt(16);
    }
    LutAccumulator lut = LutAccumulator.of(new LookupTable(table), false, 4, p.bigN());
    int lanes = 64;
    int rounds = Integer.getInteger("fhec.soak.rounds", 40);
    long[] expected = new long[lanes];
    LweCiphertext[] cts = new LweCiphertext[lanes];
    Csprng mask = Csprng.of(Seed.ofLong(73), 0);
    Csprng noise = Csprng.of(Seed.ofLong(74), 0);
    for (int i = 0; i < lanes; i++) {
      expected[i] = r.nextInt(16);
      cts[i] =
          LweEncryption.encrypt(
              big, Encoding.encode(expected[i], 4), p.glweNoiseStd(), mask, noise);
    }
    for (int round = 0; round < rounds; round++) {
      cts = batch.apply(cts, i -> lut, null);
      for (int i = 0; i < lanes; i++) {
        expected[i] = table[(int) expected[i]];
        assertEquals(
            expected[i], LweEncryption.decrypt(big, cts[i], 4), "round " + round + " lane " + i);
      }
    }
  }
}
