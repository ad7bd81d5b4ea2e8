package dev.fhec.runtime.params;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CostModelTest {
  @Test
  void reproducesConcreteStatisticsExample() {
    // reference/compiler.md §8.6, §11: docs example (x**2)+(2*x)+4 on 2 bits, 1 KS + 1 PBS with
    // n=781, k=1, N=2048, ℓ_br=1, ℓ_ks=5 reports complexity 99,198,195.
    long ks = CostModel.keyswitch(2048, 781, 5);
    long pbs = CostModel.bootstrap(781, 1, 2048, 1);
    assertEquals(16_024_819L, ks);
    assertEquals(83_173_376L, pbs);
    assertEquals(99_198_195L, ks + pbs);
  }

  @Test
  void matchesAnOperationCountByHand() {
    // One CMux at k=1, N=4, ℓ=2: 2·2·(4·2+4) forward + 2·(4·2+4) inverse + 4·2·4 products.
    long perCmux = 2 * 2 * 12 + 2 * 12 + 4 * 2 * 4;
    assertEquals(10 * perCmux, CostModel.bootstrap(10, 1, 4, 2));
    // n_in=3, n=2, ℓ=1: 3 + 3·3 + 2·3 + 1.
    assertEquals(3 + 9 + 6 + 1, CostModel.keyswitch(3, 2, 1));
  }

  @Test
  void reproducesReferenceTableCosts() {
    // reference/compiler.md §8.7: cost = ⌊complexity/2^20⌋ with a 4096-term leveled dot product;
    // {k, log2 N, n, ℓ_br, ℓ_ks, published cost}.
    int[][] rows = {
      {5, 8, 592, 1, 3, 30}, {6, 8, 614, 2, 3, 54}, {2, 10, 801, 1, 3, 76},
      {1, 11, 783, 1, 5, 102}, {1, 14, 977, 4, 7, 2812}, {1, 16, 1125, 6, 24, 22057}
    };
    for (int[] r : rows) {
      int kn = r[0] << r[1];
      long c =
          CostModel.keyswitch(kn, r[2], r[4])
              + CostModel.bootstrap(r[2], r[0], 1 << r[1], r[3])
              + CostModel.leveled(4096, kn);
      assertEquals(r[5], c >> 20, "row " + java.util.Arrays.toString(r));
    }
  }
}
