package dev.fhec.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MetricsTest {
  @Test
  void cosineOfKnownVectors() {
    assertEquals(1.0, Metrics.cosine(new float[] {1, 2, 3}, new float[] {2, 4, 6}), 1e-12);
    assertEquals(0.0, Metrics.cosine(new float[] {1, 0}, new float[] {0, 5}), 1e-12);
    // (1,1)·(1,0) / (√2 · 1)
    assertEquals(1 / Math.sqrt(2), Metrics.cosine(new float[] {1, 1}, new float[] {1, 0}), 1e-7);
  }

  @Test
  void tiesShareTheirMeanRank() {
    assertArrayEquals(
        new double[] {1, 2.5, 2.5, 4}, Metrics.ranks(new double[] {0.1, 0.5, 0.5, 0.9}), 0);
    assertArrayEquals(new double[] {3, 1, 2}, Metrics.ranks(new double[] {7, -1, 2}), 0);
  }

  @Test
  void spearmanAgainstTheDifferenceFormula() {
    // No ties: rho = 1 - 6 Σd² / (n(n²-1)); ranks x = 1..5, y = 2,1,4,3,5: Σd² = 4, rho = 0.8.
    double[] x = {10, 20, 30, 40, 50};
    double[] y = {0.2, 0.1, 0.4, 0.3, 0.5};
    assertEquals(0.8, Metrics.spearman(x, y), 1e-12);
    assertEquals(1.0, Metrics.spearman(x, new double[] {1, 4, 9, 16, 25}), 1e-12);
    assertEquals(-1.0, Metrics.spearman(x, new double[] {5, 4, 3, 2, 1}), 1e-12);
  }

  @Test
  void retrievalAgreementCountsSameNearestNeighbours() {
    float[][] ref = {{1, 0}, {0.9f, 0.1f}, {0, 1}, {0.1f, 0.9f}};
    // identical embeddings: full agreement
    Metrics.Retrieval same = Metrics.retrieval(ref, ref);
    assertEquals(1.0, same.top1(), 0);
    assertEquals(1.0, same.spearman(), 1e-12);
    // sentence 0 moved next to sentence 3: its nearest neighbour changes (1 → 3), and sentence 3's
    // (2 → 0); sentences 1 and 2 keep theirs (0 and 3)
    float[][] moved = {{0.12f, 0.88f}, {0.9f, 0.1f}, {0, 1}, {0.1f, 0.9f}};
    assertEquals(0.5, Metrics.retrieval(ref, moved).top1(), 0);
  }
}
