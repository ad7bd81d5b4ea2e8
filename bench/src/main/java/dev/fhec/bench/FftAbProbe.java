package dev.fhec.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * In-process A/B of the vector FFT of several builds: each jar (a {@code benchmarks.jar} or any jar
 * holding the runtime) is loaded in its own class loader, and the builds take turns round by round
 * (the order reversed every other round), so a load change on a shared machine hits all of them
 * alike. Per round, the thread CPU time of 2·10⁶/N forward and then backward transforms of one
 * polynomial (L1-resident up to N = 4096); prints per build the minimum and median over the rounds
 * after a warm-up of half as many, and the median forward + backward relative to the first jar.
 * Usage: {@code java --add-modules jdk.incubator.vector -cp benchmarks.jar
 * dev.fhec.bench.FftAbProbe JAR1,JAR2,... ROUNDS N...}. The reflective call costs about 0.3 % at N
 * = 1024.
 */
public final class FftAbProbe {
  private FftAbProbe() {}

  public static void main(String[] args) throws Exception {
    String[] jars = args[0].split(",");
    int rounds = Integer.parseInt(args[1]);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Random random = new Random(1);
    for (int a = 2; a < args.length; a++) {
      int n = Integer.parseInt(args[a]);
      int k = jars.length;
      Object[] impl = new Object[k];
      Method[] forward = new Method[k];
      Method[] backward = new Method[k];
      for (int j = 0; j < k; j++) {
        URLClassLoader loader =
            new URLClassLoader(
                new URL[] {Path.of(jars[j]).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        Class<?> c = loader.loadClass("dev.fhec.runtime.fft.VectorNegacyclicFft");
        impl[j] = c.getConstructor(int.class).newInstance(n);
        forward[j] =
            c.getMethod("forwardTorus", long[].class, int.class, double[].class, int.class);
        backward[j] =
            c.getMethod("backwardAddTorus", double[].class, int.class, long[].class, int.class);
      }
      long[] torus = new long[n];
      for (int i = 0; i < n; i++) {
        torus[i] = random.nextLong();
      }
      double[] fourier = new double[n];
      long[] out = new long[n];
      int reps = Math.max(1, 2_000_000 / n);
      double[][] fw = new double[k][rounds];
      double[][] bw = new double[k][rounds];
      for (int r = -rounds / 2; r < rounds; r++) {
        for (int turn = 0; turn < k; turn++) {
          int j = (r & 1) == 0 ? turn : k - 1 - turn;
          long c0 = threads.getCurrentThreadCpuTime();
          for (int i = 0; i < reps; i++) {
            forward[j].invoke(impl[j], torus, 0, fourier, 0);
          }
          long c1 = threads.getCurrentThreadCpuTime();
          for (int i = 0; i < reps; i++) {
            backward[j].invoke(impl[j], fourier, 0, out, 0);
          }
          long c2 = threads.getCurrentThreadCpuTime();
          if (r >= 0) {
            fw[j][r] = (c1 - c0) / (double) reps;
            bw[j][r] = (c2 - c1) / (double) reps;
          }
        }
      }
      double base = 0;
      for (int j = 0; j < k; j++) {
        Arrays.sort(fw[j]);
        Arrays.sort(bw[j]);
        double sum = fw[j][rounds / 2] + bw[j][rounds / 2];
        if (j == 0) {
          base = sum;
        }
        System.out.printf(
            "N=%5d %-14s fwd min %7.0f med %7.0f | bwd min %7.0f med %7.0f | f+b med %7.0f"
                + " (%.3f)%n",
            n,
            Path.of(jars[j]).getFileName(),
            fw[j][0],
            fw[j][rounds / 2],
            bw[j][0],
            bw[j][rounds / 2],
            sum,
            sum / base);
      }
    }
  }
}
