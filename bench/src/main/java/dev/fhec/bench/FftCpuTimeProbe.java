package dev.fhec.bench;

import dev.fhec.runtime.fft.NegacyclicFft;
import dev.fhec.runtime.fft.ScalarNegacyclicFft;
import dev.fhec.runtime.fft.VectorNegacyclicFft;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.SecureRandom;

/**
 * Companion to {@link FftBenchmark} for shared, overloaded machines: the thread CPU time per
 * forward and backward transform, minimum over many short rounds. Wall-clock JMH scores on a 2-core
 * VM shared by several builds mostly measure the scheduler; CPU time excludes the time the thread
 * waits for a core, and the minimum over rounds excludes rounds whose caches were flushed by a
 * context switch. Run with {@code java --add-modules jdk.incubator.vector -cp
 * bench/target/benchmarks.jar dev.fhec.bench.FftCpuTimeProbe [N ...]}.
 */
public final class FftCpuTimeProbe {
  private static final int ROUNDS = 60;

  private FftCpuTimeProbe() {}

  public static void main(String[] args) {
    int[] sizes = {1024, 2048, 4096, 8192};
    if (args.length > 0) {
      sizes = new int[args.length];
      for (int i = 0; i < args.length; i++) {
        sizes[i] = Integer.parseInt(args[i]);
      }
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    SecureRandom random = new SecureRandom();
    System.out.printf("%-10s %6s %14s %14s%n", "impl", "N", "forward ns", "backward ns");
    for (int n : sizes) {
      long[] torus = new long[n];
      for (int i = 0; i < n; i++) {
        torus[i] = random.nextLong();
      }
      double[] fourier = new double[n];
      long[] out = new long[n];
      NegacyclicFft[] impls = {new ScalarNegacyclicFft(n), new VectorNegacyclicFft(n)};
      String[] names = {"scalar", VectorNegacyclicFft.description()};
      for (int k = 0; k < impls.length; k++) {
        NegacyclicFft fft = impls[k];
        int reps = Math.max(1, 4_000_000 / n);
        double bestForward = Double.MAX_VALUE;
        double bestBackward = Double.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++) {
          long c0 = threads.getCurrentThreadCpuTime();
          for (int i = 0; i < reps; i++) {
            fft.forwardTorus(torus, 0, fourier, 0);
          }
          long c1 = threads.getCurrentThreadCpuTime();
          for (int i = 0; i < reps; i++) {
            fft.backwardAddTorus(fourier, 0, out, 0);
          }
          long c2 = threads.getCurrentThreadCpuTime();
          bestForward = Math.min(bestForward, (c1 - c0) / (double) reps);
          bestBackward = Math.min(bestBackward, (c2 - c1) / (double) reps);
        }
        System.out.printf("%-10s %6d %14.0f %14.0f%n", names[k], n, bestForward, bestBackward);
      }
    }
  }
}
