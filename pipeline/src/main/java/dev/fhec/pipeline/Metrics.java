package dev.fhec.pipeline;

import java.util.Arrays;

/** The agreement measures of the pipeline's table: cosine, Spearman, top-1 retrieval. */
public final class Metrics {
  private Metrics() {}

  /** Cosine of two vectors (0 when either is zero). */
  public static double cosine(float[] a, float[] b) {
    requireSameLength(a.length, b.length);
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
  }

  /** Ranks 1..n, ties sharing the mean of their ranks (Spearman's convention). */
  public static double[] ranks(double[] x) {
    Integer[] order = new Integer[x.length];
    for (int i = 0; i < x.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (p, q) -> Double.compare(x[p], x[q]));
    double[] r = new double[x.length];
    int i = 0;
    while (i < x.length) {
      int j = i;
      while (j + 1 < x.length && x[order[j + 1]] == x[order[i]]) {
        j++;
      }
      double mean = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        r[order[k]] = mean;
      }
      i = j + 1;
    }
    return r;
  }

  /** Spearman's rank correlation: Pearson's correlation of the tie-averaged ranks. */
  public static double spearman(double[] x, double[] y) {
    requireSameLength(x.length, y.length);
    return pearson(ranks(x), ranks(y));
  }

  static double pearson(double[] x, double[] y) {
    double mx = Arrays.stream(x).average().orElse(0);
    double my = Arrays.stream(y).average().orElse(0);
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < x.length; i++) {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
    return sxx == 0 || syy == 0 ? 0 : sxy / Math.sqrt(sxx * syy);
  }

  /**
   * Similarity-ranking agreement of two embedding sets of the same sentences.
   *
   * @param spearman mean over queries of the Spearman correlation between the two models' cosine
   *     similarities of the query to every other sentence
   * @param top1 share of queries whose most similar other sentence is the same for both models
   */
  public record Retrieval(double spearman, double top1) {}

  /** {@link Retrieval} of {@code test} against {@code reference}, rows = sentences. */
  public static Retrieval retrieval(float[][] reference, float[][] test) {
    requireSameLength(reference.length, test.length);
    int n = reference.length;
    double rho = 0;
    int agree = 0;
    for (int q = 0; q < n; q++) {
      double[] sr = new double[n - 1];
      double[] st = new double[n - 1];
      int bestR = -1;
      int bestT = -1;
      for (int j = 0, k = 0; j < n; j++) {
        if (j == q) {
          continue;
        }
        sr[k] = cosine(reference[q], reference[j]);
        st[k] = cosine(test[q], test[j]);
        if (bestR < 0 || sr[k] > sr[bestR]) {
          bestR = k;
        }
        if (bestT < 0 || st[k] > st[bestT]) {
          bestT = k;
        }
        k++;
      }
      rho += spearman(sr, st);
      agree += bestR == bestT ? 1 : 0;
    }
    return new Retrieval(rho / n, (double) agree / n);
  }

  private static void requireSameLength(int a, int b) {
    if (a != b) {
      throw new IllegalArgumentException("lengths differ: " + a + " vs " + b);
    }
  }
}
