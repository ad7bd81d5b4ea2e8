package dev.fhec.runtime.algorithms;

/**
 * Sample extraction (tfhe.md §2.5): coefficient c of a GLWE ciphertext as an LWE ciphertext under
 * the flattened GLWE key (dimension k·N). Exact; adds no noise.
 */
public final class SampleExtraction {
  private SampleExtraction() {}

  /**
   * Extracts coefficient {@code c} of the GLWE at {@code glwe[0..(k+1)N)} into {@code out[off ..
   * off + kN]}.
   */
  public static void extract(long[] glwe, int k, int n, int c, long[] out, int off) {
    // (A·S)_c = Σ_{j ≤ c} A[c − j]·S[j] − Σ_{j > c} A[N + c − j]·S[j].
    for (int p = 0; p < k; p++) {
      int a = p * n;
      int o = off + p * n;
      for (int j = 0; j <= c; j++) {
        out[o + j] = glwe[a + c - j];
      }
      for (int j = c + 1; j < n; j++) {
        out[o + j] = -glwe[a + n + c - j];
      }
    }
    out[off + k * n] = glwe[k * n + c];
  }
}
