package dev.fhec.runtime.algorithms;

import dev.fhec.runtime.fft.NegacyclicFft;

/**
 * A reference {@link NegacyclicFft} whose "Fourier domain" is the coefficient domain in doubles:
 * {@link #mulAccumulate} is an O(N²) negacyclic schoolbook product. Slow but obviously correct;
 * used to cross-check the real FFT and for tiny test parameters.
 */
public final class CoefficientDomainFft implements NegacyclicFft {
  private final int n;

  public CoefficientDomainFft(int n) {
    this.n = n;
  }

  @Override
  public int polynomialSize() {
    return n;
  }

  @Override
  public void forwardIntegers(long[] poly, int polyOffset, double[] fourier, int fourierOffset) {
    for (int j = 0; j < n; j++) {
      fourier[fourierOffset + j] = poly[polyOffset + j];
    }
  }

  @Override
  public void forwardTorus(long[] poly, int polyOffset, double[] fourier, int fourierOffset) {
    for (int j = 0; j < n; j++) {
      fourier[fourierOffset + j] = poly[polyOffset + j] * 0x1.0p-64;
    }
  }

  @Override
  public void mulAccumulate(
      double[] acc, int accOffset, double[] a, int aOffset, double[] b, int bOffset) {
    for (int i = 0; i < n; i++) {
      double ai = a[aOffset + i];
      if (ai == 0) {
        continue;
      }
      int split = n - i;
      for (int j = 0; j < split; j++) {
        acc[accOffset + i + j] += ai * b[bOffset + j];
      }
      for (int j = split; j < n; j++) {
        acc[accOffset + i + j - n] -= ai * b[bOffset + j];
      }
    }
  }

  @Override
  public void backwardAddTorus(double[] fourier, int fourierOffset, long[] poly, int polyOffset) {
    for (int j = 0; j < n; j++) {
      double x = fourier[fourierOffset + j];
      x -= Math.rint(x);
      poly[polyOffset + j] += Math.round(x * 0x1.0p64);
    }
  }
}
