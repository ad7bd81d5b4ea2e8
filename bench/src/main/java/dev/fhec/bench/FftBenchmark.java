package dev.fhec.bench;

import dev.fhec.runtime.fft.NegacyclicFft;
import dev.fhec.runtime.fft.ScalarNegacyclicFft;
import dev.fhec.runtime.fft.VectorNegacyclicFft;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One forward (torus → Fourier) and one backward (Fourier → torus, added) negacyclic transform, and
 * the Fourier-domain multiply-accumulate, per polynomial size and implementation. The forward and
 * backward figures are the unit cost of the blind rotation (tfhe.md §2.10: (k+1)·ℓ forward and k+1
 * backward transforms per CMux). The vector path needs {@code -jvmArgsAppend "--add-modules
 * jdk.incubator.vector"}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FftBenchmark {
  @Param({"1024", "2048", "4096", "8192"})
  public int n;

  @Param({"scalar", "vector"})
  public String impl;

  private NegacyclicFft fft;
  private long[] torus;
  private double[] fourier;
  private double[] other;
  private double[] acc;
  private long[] out;

  @Setup
  public void setup() {
    fft =
        switch (impl) {
          case "scalar" -> new ScalarNegacyclicFft(n);
          case "vector" -> new VectorNegacyclicFft(n);
          default -> throw new IllegalArgumentException("unknown FFT implementation " + impl);
        };
    SecureRandom random = new SecureRandom();
    torus = new long[n];
    for (int i = 0; i < n; i++) {
      torus[i] = random.nextLong();
    }
    fourier = new double[n];
    other = new double[n];
    acc = new double[n];
    out = new long[n];
    fft.forwardTorus(torus, 0, fourier, 0);
    fft.forwardTorus(torus, 0, other, 0);
  }

  @Benchmark
  public double[] forwardTorus() {
    fft.forwardTorus(torus, 0, fourier, 0);
    return fourier;
  }

  @Benchmark
  public long[] backwardAddTorus() {
    fft.backwardAddTorus(fourier, 0, out, 0);
    return out;
  }

  @Benchmark
  public double[] mulAccumulate() {
    fft.mulAccumulate(acc, 0, fourier, 0, other, 0);
    return acc;
  }
}
